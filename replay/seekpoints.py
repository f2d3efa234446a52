"""Views saved along the log at intervals of positions, so a moment is a short fold.

A seek point is every view as it stood at one position, pickled and compressed,
with the field time (`as_of`) it had reached. Like a checkpoint it is derived
data: points of another format are dropped and made again, and nothing is lost
if the table is emptied. `SeekIndex.extend` folds from the last point to the head
of the log and saves one every `every` positions; a server's `SeekKeeper` takes
them from its live views instead, as the log grows.
"""

from __future__ import annotations

import bisect
import logging
import pickle
import queue
import threading
import zlib
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from domain.store.outage import StoreUnavailable
from projections import checkpoint
from projections.catalog import all_views
from projections.rebuild import fold_log, no_cyclic_gc

if TYPE_CHECKING:
    from domain.application import Brigade
    from projections.base import Change, View
    from projections.follower import Follower

log = logging.getLogger(__name__)

# Positions between seek points: a seek folds at most this many events. Reading and
# decoding an event costs 20 to 60 µs on this shared 2-core machine, so the fold
# stays within 40 to 120 ms; at 1,000,000 events the points take about 190 MB.
EVERY = 2_048


class SeekPointStore(Protocol):
    """What the store keeps for seek points (domain.store recorders)."""

    def save_seek_point(
        self,
        position: int,
        as_of: float | None,
        fmt: int,
        state: bytes,
        *,
        fresh: bool = False,
    ) -> bool: ...

    def select_seek_points(self) -> list[tuple[int, float | None, int]]: ...

    def select_seek_state(self, position: int) -> bytes | None: ...

    def drop_seek_points(self) -> None: ...


@dataclass(frozen=True)
class SeekPoint:
    position: int
    # The views' field time then, as a POSIX timestamp; -inf before any event.
    as_of: float


def pickled(views: dict[str, View]) -> bytes:
    return pickle.dumps(views, protocol=pickle.HIGHEST_PROTOCOL)


def decode(state: bytes) -> dict[str, View]:
    views: dict[str, View] = pickle.loads(zlib.decompress(state))
    return views


class SeekIndex:
    """The seek points of one store, kept in memory as (position, as_of) pairs."""

    def __init__(self, brigade: Brigade, *, every: int = EVERY) -> None:
        if every < 1:
            msg = "seek points need a positive interval"
            raise ValueError(msg)
        if not hasattr(brigade.recorder, "select_seek_points"):
            msg = f"{type(brigade.recorder).__name__} keeps no seek points"
            raise TypeError(msg)
        self.brigade = brigade
        self.store = cast("SeekPointStore", brigade.recorder)
        self.every = every
        self.points: list[SeekPoint] = []
        # Bytes of the points this index has saved (for the benchmark's report).
        self.saved_bytes = 0
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Read the saved points again; drop them all if any is of another format."""
        found = self.store.select_seek_points()
        if any(fmt != checkpoint.FORMAT for _, _, fmt in found):
            self.store.drop_seek_points()
            found = []
        self.points = [
            SeekPoint(p, float("-inf") if t is None else t) for p, t, _ in found
        ]

    def before(self, position: int) -> SeekPoint | None:
        """The last point at or before a position."""
        i = bisect.bisect_right([p.position for p in self.points], position)
        return self.points[i - 1] if i else None

    def before_time(self, as_of: float) -> SeekPoint | None:
        """The last point whose field time is at or before `as_of`.

        Field time never runs backwards along the log (views keep the latest seen),
        so the points are ordered by it too.
        """
        i = bisect.bisect_right([p.as_of for p in self.points], as_of)
        return self.points[i - 1] if i else None

    def load(self, point: SeekPoint | None) -> dict[str, View]:
        """The views at a point (fresh views for None, the start of the log)."""
        if point is not None:
            state = self.store.select_seek_state(point.position)
            try:
                if state is not None:
                    with no_cyclic_gc():
                        return decode(state)
            except Exception:  # derived data: fold from the start instead
                log.warning("ignoring an unreadable seek point at %d", point.position)
        return all_views()

    def extend(
        self, head: int | None = None, *, stop: threading.Event | None = None
    ) -> int:
        """Save a point every `every` positions up to `head` (default: the log's).

        Returns how many were made; stops early, between points, once `stop` is set.
        """
        with self._lock:
            self.refresh()
            if head is None:
                head = self.brigade.recorder.max_notification_id() or 0
            last = self.points[-1] if self.points else None
            start = last.position if last else 0
            if head - start < self.every:
                return 0
            views = self.load(last)
            made = 0
            target = (start // self.every + 1) * self.every
            with no_cyclic_gc():
                while target <= head and not (stop and stop.is_set()):
                    fold_log(self.brigade, views.values(), target)
                    position = min(view.position for view in views.values())
                    if position > start:
                        now = next(iter(views.values())).now
                        self._save(position, now, pickled(views), fresh=True)
                        start = position
                        made += 1
                    target += self.every
            return made

    def add(self, position: int, now: float, views: bytes) -> bool:
        """Save views pickled at `position` as a point, if later than the last one."""
        with self._lock:
            if self.points and position <= self.points[-1].position:
                return False
            return self._save(position, now, views)

    def _save(
        self, position: int, now: float, views: bytes, *, fresh: bool = False
    ) -> bool:
        """Save a point; `fresh` if folded from the log just now, not live views.

        A live point from before an erasure is refused (the store decides).
        """
        state = zlib.compress(views, 1)
        as_of = None if now == float("-inf") else now
        if not self.store.save_seek_point(
            position, as_of, checkpoint.FORMAT, state, fresh=fresh
        ):
            return False
        self.saved_bytes += len(state)
        self.points.append(SeekPoint(position, now))
        return True

    def drop(self) -> None:
        with self._lock:
            self.store.drop_seek_points()
            self.points = []


CHUNK = 8  # seek points the keeper makes per hold of the index's lock


class SeekKeeper:
    """Keeps the seek points made up to the head of the log, in the background.

    Made only on demand, the first look at a late moment of a long log would wait
    for all of them (about 43 s for a million events); a server makes them as
    the log grows instead. Following a server's live views (`follow`), a point is
    the views as they stand when a batch has crossed the next multiple of
    `every`: pickled on the follower's thread between two batches, compressed and
    saved on the keeper's. Only a backlog (a log that grew while no server kept
    points) is folded again from the store, `every` events at a time.
    """

    def __init__(self, index: SeekIndex, *, interval: float = 10.0) -> None:
        self.index = index
        self.interval = interval
        self._stopping = threading.Event()
        self._offered: queue.SimpleQueue[tuple[int, float, bytes] | None] = (
            queue.SimpleQueue()
        )
        self._last_offered = 0  # written on the follower's thread only
        self._thread = threading.Thread(
            target=self._run, name="brigade-seek-points", daemon=True
        )

    def follow(self, follower: Follower) -> SeekKeeper:
        """Take points from the follower's views as they pass each interval."""
        follower.on_batch(partial(self._folded, follower.views))
        return self

    def start(self) -> SeekKeeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._offered.put(None)
        self._thread.join(timeout=5)

    def _folded(
        self, views: dict[str, View], before: int, positions: list[int], _: list[Change]
    ) -> None:
        """On the follower's thread, after a batch: offer a point if one is due."""
        # The views stand at the batch's last position; most batches cross nothing.
        position, every = positions[-1], self.index.every
        if position // every == before // every:
            return
        points = self.index.points
        # Points offered are saved on the keeper's thread, perhaps not yet.
        last = max(points[-1].position if points else 0, self._last_offered)
        if last // every < before // every:
            return  # a backlog comes first, folded from the store
        try:
            state = pickled(views)
        except Exception:  # derived data: never let it stop the live views
            log.exception("could not take a seek point at %d", position)
            return
        self._offered.put((position, next(iter(views.values())).now, state))
        self._last_offered = position

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                offered = self._offered.get(timeout=self.interval)
            except queue.Empty:
                offered = None
            if self._stopping.is_set():
                return
            try:
                if offered is not None:
                    self.index.add(*offered)
                else:
                    self._catch_up()
            except StoreUnavailable:  # the store logs its outage: try again later
                log.debug("could not make seek points: the store is unavailable")
            except Exception:
                log.exception("could not make seek points")

    def _catch_up(self) -> None:
        # A few points at a time: `extend` holds the index's lock, and a replay
        # asking for a moment must not wait for the whole backlog of a long log.
        head = self.index.brigade.recorder.max_notification_id() or 0
        while not self._stopping.is_set():
            last = self.index.points[-1].position if self.index.points else 0
            if head - last < self.index.every:
                return
            target = min(head, last + CHUNK * self.index.every)
            if not self.index.extend(target, stop=self._stopping):
                return  # nothing to make before `target` (say, a gap in the ids)
            self._stopping.wait(0.01)  # let a waiting seek take the lock
