"""Aggregates the write path keeps in memory, current with the store.

The writer decides every command against aggregates cached here instead of loading
them from the store each time. They stay current because the writer remembers
what it stored, and forgets whatever another process wrote to since: one cheap
query per batch when this writer is alone on the store. A snapshot is stored
whenever an aggregate crosses a multiple of the application's snapshot interval.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Snapshot

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.application import Brigade
    from domain.model.base import BrigadeAggregate
    from domain.write.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class AggregateCache:
    """At most `size` aggregates by UUID.int, the least recently used dropped first.

    An id a committed batch looked up and did not find is kept too, as None: the
    course catalogue, say, which every dispatch reads and which stays unstored
    until the office first changes it, is then not asked of the store again.
    """

    def __init__(self, brigade: Brigade, size: int = 50_000) -> None:
        self.brigade = brigade
        self.size = size
        self._cached: OrderedDict[int, BrigadeAggregate | None] = OrderedDict()
        # The store position up to which the cache is known to be current.
        self._seen = 0

    def load(self, aggregate_id: UUID) -> BrigadeAggregate | None:
        """The aggregate as cached, else as stored (None if there is none)."""
        try:
            return self._cached[aggregate_id.int]
        except KeyError:
            return self.brigade.load(aggregate_id)

    def forget(self, keys: Iterable[int]) -> None:
        """Drop these aggregates (by UUID.int): their next load reads the store."""
        for key in keys:
            self._cached.pop(key, None)

    def clear(self) -> None:
        self._cached.clear()

    def remember(self, unit: UnitOfWork, positions: list[int]) -> None:
        """Cache what a unit of work stored at `positions`, snapshotting as due."""
        unit.collect()
        interval = self.brigade.snapshot_interval
        snapshots: list[Any] = []
        for key, aggregate in unit.touched.items():
            self._cached[key] = aggregate
            self._cached.move_to_end(key)
            if aggregate is None:
                continue  # known to be absent until someone stores it
            before = unit.loaded_versions.get(key, 0)
            if aggregate.version // interval > before // interval:
                snapshots.append(Snapshot.take(aggregate))
        if snapshots and self.brigade.snapshots is not None:
            # Derived data, all in one transaction: losing one only slows a load.
            try:
                self.brigade.snapshots.put(snapshots)
            except Exception:
                log.exception("could not store %d snapshots", len(snapshots))
        while len(self._cached) > self.size:
            self._cached.popitem(last=False)
        # Our own events keep the cache current only if nobody wrote in between.
        if (
            positions
            and positions[0] == self._seen + 1
            and positions[-1] - positions[0] + 1 == len(positions)
            and positions == sorted(positions)
        ):
            self._seen = positions[-1]

    def forget_what_others_wrote(self) -> None:
        """Drop cached aggregates that another process has written to since.

        One cheap query per batch when this writer is alone on the store; a scan of
        the others' notifications when it is not. A write that still races past
        this check fails on its aggregate's version and is retried.
        """
        last = self.brigade.recorder.max_notification_id() or 0
        while self._seen < last:
            notifications = self.brigade.recorder.select_notifications(
                start=self._seen, limit=1000, stop=last, inclusive_of_start=False
            )
            if not notifications:
                break
            self.forget(UUID(str(n.originator_id)).int for n in notifications)
            self._seen = notifications[-1].id
        self._seen = last
