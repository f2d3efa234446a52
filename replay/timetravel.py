"""Every view as it stood at a moment of the log: a store position or a field time.

**A position** P is the state after the event at P and every event before it:
exactly the views a command centre had once its views reached P.

**A field time** T is the state the command centre had while the views' field
clock (`as_of`, the latest `occurred_at` seen, which never runs backwards) read T
or earlier: the views after the last event before the first one that moved the
clock past T. Events are counted at their position in the log, so a late event
(a phone that was offline, its `occurred_at` long past) is part of every moment
after it was recorded, and of none before: "what did we know at 10:42" means
what had reached the log by the time the field clock passed 10:42.

Both are reconstructed from the nearest earlier seek point (replay.seekpoints)
plus a fold of at most `every` events.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projections.base import field_time
from projections.catalog import VIEW_NAMES, belongs, fold
from projections.rebuild import fold_log, no_cyclic_gc
from replay.seekpoints import EVERY, SeekIndex

if TYPE_CHECKING:
    from datetime import datetime

    from domain.application import Brigade
    from projections.base import Row, View

# Events read at a time while looking for the first past a field time: that one
# is usually within a seek point's `every` events, so pages stay small.
PAGE = 2_000


class OutOfRange(ValueError):
    """The moment asked for is not in the log (a position beyond its head)."""


@dataclass(frozen=True)
class Moment:
    """The views as they stood at `position`, whose field clock read `as_of`."""

    position: int
    as_of: datetime | None
    views: dict[str, View]

    def rows(self, view: str, operation_id: str | None = None) -> dict[str, Row]:
        """A copy of one view's rows, of one operation if given."""
        return {
            key: copy.deepcopy(row)
            for key, row in self.views[view].rows.items()
            if belongs(row, operation_id)
        }

    def snapshot(self, operation_id: str | None = None) -> dict[str, dict[str, Row]]:
        """The views a command centre shows (VIEW_NAMES); the rest by `rows`."""
        return {
            name: self.rows(name, operation_id)
            for name in self.views
            if name in VIEW_NAMES
        }


class TimeTravel:
    """Moments of one store's log; seek points are made as they are first needed."""

    def __init__(
        self, brigade: Brigade, *, every: int = EVERY, index: SeekIndex | None = None
    ) -> None:
        self.brigade = brigade
        self.index = index or SeekIndex(brigade, every=every)

    def head(self) -> int:
        return self.brigade.recorder.max_notification_id() or 0

    def at(
        self, *, position: int | None = None, field_time: datetime | None = None
    ) -> Moment:
        """The moment at a position or at a field time (exactly one of them)."""
        if (position is None) == (field_time is None):
            msg = "give a position or a field time"
            raise ValueError(msg)
        if position is not None:
            return self.at_position(position)
        assert field_time is not None
        return self.at_field_time(field_time)

    def at_position(self, position: int) -> Moment:
        head = self.head()
        if not 0 <= position <= head:
            msg = f"position {position} is not in the log (0 to {head})"
            raise OutOfRange(msg)
        # Points are made up to the moment asked for, not beyond: the start of a
        # long log answers at once, before the points for its end exist.
        self.index.extend(position)
        views = self.index.load(self.index.before(position))
        with no_cyclic_gc():
            fold_log(self.brigade, views.values(), position)
        return _moment(views, position)

    def at_field_time(self, field_time: datetime) -> Moment:
        if field_time.tzinfo is None or field_time.utcoffset() is None:
            msg = "a field time needs a time zone"
            raise ValueError(msg)
        head = self.head()
        self.index.extend(head)
        limit = field_time.timestamp()
        views = self.index.load(self.index.before_time(limit))
        with no_cyclic_gc():
            position = _fold_until(self.brigade, views, limit, head)
        return _moment(views, position)

    def position_at(self, field_time: datetime) -> int:
        """The position of the moment at a field time."""
        return self.at_field_time(field_time).position


def _fold_until(
    brigade: Brigade, views: dict[str, View], limit: float, head: int
) -> int:
    """Fold events up to (not including) the first that moves field time past limit."""
    position = min(view.position for view in views.values())
    while position < head:
        notifications = brigade.recorder.select_notifications(
            start=position, limit=PAGE, stop=head, inclusive_of_start=False
        )
        if not notifications:
            break
        events: list[tuple[int, object]] = []
        for n in notifications:
            event = brigade.mapper.to_domain_event(n)
            occurred_at = field_time(event)
            if occurred_at is not None and occurred_at.timestamp() > limit:
                fold(views, events, emit=False)
                return events[-1][0] if events else position
            events.append((n.id, event))
        fold(views, events, emit=False)
        position = notifications[-1].id
    return position


def _moment(views: dict[str, View], position: int) -> Moment:
    # An empty stretch of positions (a gap in PostgreSQL's ids) is still a moment.
    for view in views.values():
        view.position = max(view.position, position)
    first = next(iter(views.values()))
    return Moment(position, first.as_of, views)
