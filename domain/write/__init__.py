"""The write path: concurrent commands committed together, each told its own outcome.

`handoff` runs the writer thread and carries commands to it and outcomes back;
`batch` decides and stores each batch in one transaction and catches retries;
`unit_of_work` is what a batch's commands run in, `aggregates` the cache of
aggregates kept current with the store between batches.
"""

from domain.write.handoff import CommandWriter, WriterClosed

__all__ = ["CommandWriter", "WriterClosed"]
