"""Playing a log back: views from a moment on, their changes paced by field time.

A `Player` holds views at a moment and the events after it. Each event plays at
its *due* field time: the views' field clock after it (the latest `occurred_at`
so far), so a late event plays right after the one recorded before it. A `Pace`
maps the wall clock to field time at a speed. The frames are the live socket's
(docs/protocol.md): `snapshot` per view with its position, then `deltas`, and on
a seek a `reset` followed by fresh snapshots.

Within one `deltas` frame a volunteer's point and track (the rows the live socket
coalesces) are sent once, as they stand at the end of the frame; every other
change is sent, in position order.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from projections.base import apply_all, field_time
from projections.catalog import belongs
from projections.deltas import coalesced, delta

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from projections.base import Change, View
    from replay.timetravel import Moment, TimeTravel

MIN_SPEED, MAX_SPEED = 1.0, 1000.0
READ_AHEAD = 1_000
# Most events folded into one frame, so a pause or a seek is heard between frames.
FRAME_EVENTS = 2_000


def in_frame(changes: list[Change]) -> list[Change]:
    """Changes in order, with each coalesced row only at its last change."""
    last = {(c.view, c.key): i for i, c in enumerate(changes) if coalesced(c)}
    return [
        c
        for i, c in enumerate(changes)
        if not coalesced(c) or last[(c.view, c.key)] == i
    ]


class Pace:
    """Field time as a function of the wall clock: `speed` field seconds a second."""

    def __init__(self, speed: float) -> None:
        self.speed = check_speed(speed)
        self.field = 0.0
        self.wall = 0.0

    def anchor(self, field: float, wall: float) -> None:
        self.field, self.wall = field, wall

    def field_at(self, wall: float) -> float:
        return self.field + (wall - self.wall) * self.speed

    def wall_at(self, field: float) -> float:
        return self.wall + (field - self.field) / self.speed


def check_speed(speed: float) -> float:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        msg = f"speed must be from {MIN_SPEED:g} to {MAX_SPEED:g}"
        raise ValueError(msg)
    return float(speed)


class Player:
    """Views at a moment and the events after it, played forward on request."""

    def __init__(
        self, travel: TimeTravel, views: Iterable[str], operation_id: str | None
    ) -> None:
        self.travel = travel
        self.names = sorted(set(views))
        self.operation_id = operation_id
        self.views: dict[str, View] = {}
        self.position = 0
        # The views' field clock (POSIX); -inf before any event.
        self.clock = float("-inf")
        self._ahead: deque[tuple[int, object, float]] = deque()
        self._read_to = 0

    @property
    def field_time(self) -> datetime | None:
        return self.views[self.names[0]].as_of if self.views else None

    def seek(
        self, *, position: int | None = None, field_time: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Move to a moment; returns a snapshot frame per view."""
        moment = self.travel.at(position=position, field_time=field_time)
        self._start(moment)
        return [
            {
                "type": "snapshot",
                "view": name,
                "position": moment.position,
                "rows": moment.rows(name, self.operation_id),
            }
            for name in self.names
        ]

    def _start(self, moment: Moment) -> None:
        self.views = moment.views
        self.position = self._read_to = moment.position
        self.clock = next(iter(moment.views.values())).now
        self._ahead.clear()

    def next_due(self) -> float | None:
        """The field time the next event plays at; None at the end of the log."""
        if not self._ahead:
            self._read()
        return self._ahead[0][2] if self._ahead else None

    def _read(self) -> None:
        brigade = self.travel.brigade
        notifications = brigade.recorder.select_notifications(
            start=self._read_to, limit=READ_AHEAD, inclusive_of_start=False
        )
        due = self._ahead[-1][2] if self._ahead else self.clock
        for n in notifications:
            event = brigade.mapper.to_domain_event(n)
            occurred_at = field_time(event)
            if occurred_at is not None:
                due = max(due, occurred_at.timestamp())
            self._ahead.append((n.id, event, due))
            self._read_to = n.id

    def advance(self, until: float) -> dict[str, Any] | None:
        """Play every event due by field time `until` (a frame's worth at most).

        Returns the `deltas` frame of their changes to the chosen views and
        operation, or None when none of them shows.
        """
        events: list[tuple[int, object]] = []
        while len(events) < FRAME_EVENTS:
            due = self.next_due()
            if due is None or due > until:
                break
            position, event, self.clock = self._ahead.popleft()
            events.append((position, event))
        if not events:
            return None
        # Only the views shown are kept going: each folds alone just the same.
        changes = apply_all([self.views[name] for name in self.names], events)
        self.position = events[-1][0]
        shown = [c for c in in_frame(changes) if belongs(c.row, self.operation_id)]
        if not shown:
            return None
        return {"type": "deltas", "changes": [delta(c) for c in shown]}
