"""Deltas for subscribers: snapshot then changes in order, resume, or a plain reset.

A consumer either takes a snapshot (rows and the position they reflect) and then
every later change, or resumes after a position it already has and receives
exactly the changes after it. If that position is older than the history kept,
it is told to start again from a snapshot: never a silent gap, never a repeat.

High-frequency changes are coalesced: what a position report changes (a
volunteer's point and track on the map, their roster row). Within a window only
the latest state of each such row is published, stamped with the view's position at the
moment it is published, which keeps positions in order. Any other change to a
held row publishes the whole row at once and ends the hold.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.model.volunteer import Volunteer
from projections.base import Change, copy_row

if TYPE_CHECKING:
    from projections.base import Row, View

Listener = Callable[[list["Change"]], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reset:
    """This position can no longer be resumed: take a snapshot."""

    position: int
    oldest: int


@dataclass(frozen=True)
class Snapshot:
    view: str
    position: int
    rows: dict[str, Row]


def delta(change: Change) -> dict[str, Any]:
    """A change as the live and playback sockets send it."""
    return {
        "view": change.view,
        "position": change.position,
        "key": change.key,
        "row": change.row,
    }


def coalesced(change: Change) -> bool:
    """Rows a position report changes every few seconds: at most once a window."""
    return coalesced_row(change.view, change.key)


def coalesced_row(view: str, key: str) -> bool:
    """Map rows that carry a volunteer's position: their point and their track."""
    return view == "map" and key.startswith(("volunteer:", "track:"))


# Views whose every row a position report may change (the roster's last position).
HELD_BY_POSITION = frozenset({"roster"})


def held(view: str, key: str, cause: type | None) -> bool:
    """Whether a changed row waits for the window's flush.

    Only a position report is held back: a dispatch, an arrival, a release or a
    shift change to the same row goes out at once, whole, so the map never shows
    a dispatched volunteer as available, and live agrees with playback.
    """
    if cause is not Volunteer.PositionReported:
        return False
    return view in HELD_BY_POSITION or coalesced_row(view, key)


class DeltaLog:
    """Published changes of every view, kept for resuming, fanned out to listeners."""

    def __init__(self, views: dict[str, View], *, history: int = 100_000) -> None:
        self.views = views
        self._history: deque[Change] = deque(maxlen=history)
        # Everything up to `_trimmed` has fallen out of the history.
        self._trimmed = min((v.position for v in views.values()), default=0)
        # Coalesced rows changed since the last flush, by (view, key): published
        # at the flush as they then stand, so they are copied once per window.
        self._pending: dict[tuple[str, str], None] = {}
        self._listeners: list[Listener] = []
        self.lock = threading.RLock()
        # Older history shared by every process (a StreamRelay), if configured.
        self.relay: Any = None

    @property
    def position(self) -> int:
        return min((v.position for v in self.views.values()), default=0)

    def listen(self, listener: Listener) -> None:
        with self.lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self.lock:
            self._listeners.remove(listener)

    def subscribe(
        self,
        views: Iterable[str],
        after: int | None = None,
        deliver: Listener | None = None,
    ) -> Subscription:
        """Start a consumer of these views: from a snapshot, or after a position.

        Changes go to `deliver` (called holding the lock: hand off, don't work),
        or else to the subscription's own queue.
        """
        return Subscription(self, views, after, deliver)

    def snapshot(self, view: str) -> Snapshot:
        with self.lock:
            source = self.views[view]
            return Snapshot(view, source.position, source.snapshot())

    def since(
        self, position: int, views: Iterable[str] | None = None
    ) -> list[Change] | Reset:
        """The changes after `position` (of the given views), or a Reset."""
        wanted = set(self.views) if views is None else set(views)
        with self.lock:
            if position >= self._trimmed:
                return self._after(position, wanted)
            if self.relay is None:
                return Reset(position, self._trimmed)
            older = self.relay.since(position, self._trimmed, wanted)
            if isinstance(older, Reset):
                return older
            # Coalesced rows are not in the shared history: send them as they stand.
            now = min(self.views[name].position for name in wanted)
            current = self._coalesced_rows(wanted, now)
            return [*older, *self._after(self._trimmed, wanted), *current]

    def _after(self, position: int, wanted: set[str]) -> list[Change]:
        return [c for c in self._history if c.position > position and c.view in wanted]

    def _coalesced_rows(self, wanted: set[str], position: int) -> list[Change]:
        """Rows that may have been held, as they stand now, at the views' position."""
        current = []
        for name in sorted(wanted):
            every = name in HELD_BY_POSITION
            for key, row in self.views[name].rows.items():
                if every or coalesced_row(name, key):
                    current.append(Change(name, position, key, copy_row(row)))
        return current

    def publish(
        self, changes: Iterable[Change], cause: type | None = None
    ) -> list[Change]:
        """Publish changes caused by an event of class `cause`, holding back for
        `flush` the rows a position report changed.

        A producer that folds holding `lock` passes `hold` to the fold instead,
        so that held rows are not even copied until the flush, and then `append`s
        what the fold returned.
        """
        with self.lock:
            now = [c for c in changes if not self.hold(c.view, c.key, cause)]
            self.append(now)
            return now

    def flush(self) -> list[Change]:
        """Publish the latest state of each held row, at the views' position now."""
        with self.lock:
            held, self._pending = list(self._pending), {}
            stamped = []
            for view_name, row_key in held:
                view = self.views[view_name]
                row = view.rows.get(row_key)
                stamped.append(Change(view_name, view.position, row_key, copy_row(row)))
            stamped.sort(key=lambda c: c.position)
            self.append(stamped)
            return stamped

    def hold(self, view: str, key: str, cause: type | None = None) -> bool:
        """Whether this changed row waits for the next flush (call holding `lock`).

        `cause` is the class of the event whose handler changed it, if known.
        """
        pending_key = (view, key)
        if not held(view, key, cause):
            # Rows are whole: this change supersedes any held one for the row.
            self._pending.pop(pending_key, None)
            return False
        self._pending[pending_key] = None
        return True

    def append(self, changes: list[Change]) -> None:
        """Publish changes that have been through `hold` already (holding `lock`)."""
        if not changes:
            return
        for change in changes:
            if len(self._history) == self._history.maxlen:
                self._trimmed = self._history[0].position
            self._history.append(change)
        for listener in list(self._listeners):
            # Listeners are called holding the lock, so they only hand off (a
            # queue put); one that fails is dropped rather than stopping the rest.
            try:
                listener(changes)
            except Exception:
                log.exception("dropping a delta listener that failed")
                self._listeners.remove(listener)


class Subscription:
    """One consumer: a start (snapshots, or what it missed), then every change."""

    def __init__(
        self,
        log: DeltaLog,
        views: Iterable[str],
        after: int | None,
        deliver: Listener | None = None,
    ) -> None:
        self.views = set(views)
        self._deliver = deliver
        self.queue: queue.SimpleQueue[list[Change]] = queue.SimpleQueue()
        self.snapshots: list[Snapshot] = []
        self.reset: Reset | None = None
        self.missed: list[Change] = []
        self._log = log
        with log.lock:  # nothing is published between the start and the listening
            if after is None:
                self.snapshots = [log.snapshot(name) for name in sorted(self.views)]
            else:
                answer = log.since(after, self.views)
                if isinstance(answer, Reset):
                    self.reset = answer
                    self.snapshots = [log.snapshot(name) for name in sorted(self.views)]
                else:
                    self.missed = answer
            log.listen(self._receive)

    def _receive(self, changes: list[Change]) -> None:
        mine = [c for c in changes if c.view in self.views]
        if mine:
            if self._deliver is not None:
                self._deliver(mine)
            else:
                self.queue.put(mine)

    def close(self) -> None:
        self._log.unlisten(self._receive)
