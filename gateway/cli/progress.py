"""The command line's one progress bar (rich): for folding the log, and for playing.

On a terminal the bar redraws in place. Into a file or a pipe rich draws it once,
as it ends, so a log keeps the final count and none of the redrawing.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from replay.sim.drive import Tally

WIDTH = 40


@contextmanager
def _bar(console: Console) -> Iterator[Callable[[int, int, str], None]]:
    """`show(done, total, said)` draws the bar at `done` of `total`, then `said`."""
    columns = BarColumn(bar_width=WIDTH), TextColumn("{task.fields[said]}")
    with Progress(*columns, console=console) as bar:
        # Hidden until the first count, so that nothing to do draws nothing.
        task = bar.add_task("", total=None, said="", visible=False)

        def show(done: int, total: int, said: str) -> None:
            bar.update(task, completed=done, total=total, said=said, visible=True)

        yield show


@contextmanager
def events() -> Iterator[Callable[[int, int], None]]:
    """A `progress(position, last)` for folding the log: the events and their rate."""
    started = time.monotonic()
    with _bar(Console(stderr=True)) as show:

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-9)
            show(done, total, f"{done}/{total} events, {rate:,.0f}/s")

        yield progress


@contextmanager
def commands(*, stderr: bool = True) -> Iterator[Callable[[Tally], None]]:
    """A `progress(tally)` for playing a simulation: the commands sent, their rate,
    and where field time stands. On stderr, or stdout (the demo's, beside its page's
    address)."""
    with _bar(Console(stderr=stderr)) as show:

        def progress(tally: Tally) -> None:
            rate = tally.sent / max(tally.seconds, 1e-9)
            when = f"{tally.field_time:%Y-%m-%d %H:%M}" if tally.field_time else ""
            said = f"{tally.sent:,}/{tally.total:,} commands, {rate:,.0f}/s"
            show(tally.sent, tally.total, f"{said}, field time {when}")

        yield progress
