"""Following the store: views kept current, woken on commit, with a poll as well.

In one process the writer wakes the follower when it commits. Across processes,
PostgreSQL's LISTEN/NOTIFY wakes it (eventsourcing's recorder notifies on every
insert). Either way a periodic poll catches anything a lost notification would
otherwise stall, so a view is never stuck behind the store.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from domain.store.outage import StoreUnavailable
from projections import checkpoint
from projections.catalog import all_views, fold
from projections.deltas import DeltaLog

if TYPE_CHECKING:
    from domain.application import Brigade, CheckpointRecorder
    from projections.base import Change, View

log = logging.getLogger(__name__)
# (the position before the batch, the batch's event positions, changes published)
BatchListener = Callable[[int, list[int], list["Change"]], None]


class Follower:
    """Applies new events to the views and publishes their changes."""

    def __init__(
        self,
        brigade: Brigade,
        views: dict[str, View] | None = None,
        *,
        poll: float = 0.5,
        batch: int = 1000,
        window: float = 1.0,
        history: int = 100_000,
        checkpoints: CheckpointRecorder | None = None,
        checkpoint_every: int = 50_000,
    ) -> None:
        self.brigade = brigade
        self.checkpoints = checkpoints
        self.checkpoint_every = checkpoint_every
        if views is None and checkpoints is not None:
            views = checkpoint.load(checkpoints)
        self.views = views if views is not None else all_views()
        self._saved = self.position_of(self.views)
        self.deltas = DeltaLog(self.views, history=history)
        self.poll = poll
        self.batch = batch
        # Volunteers' positions are published at most once per window.
        self.window = window
        self._woken = threading.Event()
        self._look = False  # woken by the store (or told to look), not by an offer
        # Events handed over by this process's writer, in commit order.
        self._offered: deque[tuple[Sequence[int], Sequence[object]]] = deque()
        self._catching_up = threading.Lock()
        self._batch_listeners: list[BatchListener] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._last_flush = time.monotonic()
        # What is failing now (reading, listening), and whether that was logged:
        # each run of failures is logged once (an outage of the store, by the store).
        self._failing: dict[str, bool] = {}

    @property
    def position(self) -> int:
        return self.deltas.position

    @staticmethod
    def position_of(views: dict[str, View]) -> int:
        return min((view.position for view in views.values()), default=0)

    def on_batch(self, listener: BatchListener) -> None:
        """Call `listener(previous, positions, changes)` for every batch folded."""
        self._batch_listeners.append(listener)

    def wake(self, _position: int | None = None) -> None:
        """Something was committed: look in the store now, not at the next poll."""
        self._look = True
        self._woken.set()

    def offer(self, positions: Sequence[int], events: Sequence[object]) -> None:
        """This process's writer stored `events` at `positions`: fold them as they are.

        They are the very events the store now holds, so the views need not read
        them back and decode them. Whatever does not follow on from the views'
        position (another process wrote in between) is read from the store.
        """
        self._offered.append((positions, events))
        self._woken.set()

    def start(self) -> Follower:
        self.catch_up()
        self._thread = threading.Thread(
            target=self._run, name="brigade-follower", daemon=True
        )
        self._thread.start()
        if hasattr(self.brigade.recorder, "channel_name"):
            self._listener = threading.Thread(
                target=self._listen, name="brigade-listen", daemon=True
            )
            self._listener.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()
        for thread in (self._thread, self._listener):
            if thread is not None:
                thread.join(timeout=5)

    def catch_up(self) -> int:
        """Apply every event stored after the views' position; return the new one."""
        with self._catching_up:  # one reader at a time, or events would apply twice
            self._take_offered()
            return self._catch_up()

    def _take_offered(self) -> bool:
        """Fold what the writer handed over; False if the store must fill a gap."""
        while self._offered:
            positions, events = self._offered.popleft()
            at = self.position
            pairs = [(p, e) for p, e in zip(positions, events, strict=True) if p > at]
            if not pairs:
                continue
            first, last = pairs[0][0], pairs[-1][0]
            if first != at + 1 or last - first + 1 != len(pairs):
                # A gap: someone else's events come first. The store has them all.
                self._offered.clear()
                return False
            self._fold(pairs)
        return True

    def _catch_up(self) -> int:
        while True:
            notifications = self.brigade.recorder.select_notifications(
                start=self.position, limit=self.batch, inclusive_of_start=False
            )
            if not notifications:
                return self.position
            self._fold(
                [(n.id, self.brigade.mapper.to_domain_event(n)) for n in notifications]
            )
            if len(notifications) < self.batch:
                return self.position

    def _fold(self, events: list[tuple[int, object]]) -> None:
        with self.deltas.lock:
            before = self.position
            published = fold(self.views, events, hold=self.deltas.hold)
            self.deltas.append(published)
            for listener in self._batch_listeners:
                listener(before, [position for position, _ in events], published)
            due = self.position - self._saved >= self.checkpoint_every
            if self.checkpoints and due:
                self._saved = checkpoint.save(self.checkpoints, self.views)

    def _run(self) -> None:
        last_poll = time.monotonic()
        while not self._stopping.is_set():
            now = time.monotonic()
            next_poll = last_poll + self.poll - now
            next_flush = self._last_flush + self.window - now
            self._woken.wait(timeout=max(0.0, min(next_poll, next_flush)))
            self._woken.clear()
            now = time.monotonic()
            # Offers alone need no read; the store is read when it (or a caller)
            # says something was committed, at every poll, and to fill a gap.
            look = self._look or now - last_poll >= self.poll
            if look:
                self._look = False
                last_poll = now
            try:
                with self._catching_up:
                    if not self._take_offered() or look:
                        self._catch_up()
            except Exception as error:  # keep serving what the views hold; retry
                self._failed("read the store", error)
            else:
                self._worked("read the store")
            if now - self._last_flush >= self.window:
                self._last_flush = now
                self.deltas.flush()

    def _listen(self) -> None:
        """Wake on PostgreSQL NOTIFY; the poll covers any notification lost."""
        recorder = self.brigade.recorder
        channel = recorder.channel_name  # type: ignore[attr-defined]
        while not self._stopping.is_set():
            try:
                with recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
                    conn.execute(f'LISTEN "{channel}"')
                    self._worked("listen for commits")
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=0.2, stop_after=1):
                            self.wake()
            except Exception as error:  # the poll goes on meanwhile
                self._failed("listen for commits", error)
                self._stopping.wait(self.poll)

    def _failed(self, what: str, error: Exception) -> None:
        """Log the first of a run of failures; the store logs its own outages."""
        if what in self._failing:
            return
        loud = not isinstance(error, StoreUnavailable)
        self._failing[what] = loud
        if loud:
            log.error("could not %s; trying again quietly", what, exc_info=error)

    def _worked(self, what: str) -> None:
        if self._failing and self._failing.pop(what, False):
            log.warning("can %s again", what)
