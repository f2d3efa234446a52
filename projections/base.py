"""What every view shares: rows by key, a position, and changes stamped with it.

A view is a pure function of the events it is given: no clock, no I/O, no
randomness. Time inside a view is field time: `as_of` is the latest field time
seen, so "overdue" and "time since report" are the same live, rebuilt or replayed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

Row = dict[str, Any]
Handler = Callable[[Any, Any], Iterable[str]]


@dataclass(frozen=True)
class Change:
    """A row as it now stands (None: removed), caused by the event at `position`."""

    view: str
    position: int
    key: str
    row: Row | None


_ISO: dict[tuple[datetime, object], str] = {}


def iso(moment: datetime | None) -> str | None:
    """moment.isoformat(), remembered: many events share a field time (a tick).

    Keyed with the time zone too: 10:00+08:00 equals 02:00+00:00 but reads apart.
    """
    if moment is None:
        return None
    cache_key = (moment, moment.tzinfo)
    text = _ISO.get(cache_key)
    if text is None:
        if len(_ISO) > 10_000:
            _ISO.clear()
        text = _ISO[cache_key] = moment.isoformat()
    return text


_KEYS: dict[int, str] = {}


def key(value: UUID) -> str:
    """str(UUID), remembered: views turn the same few ids into keys on every event."""
    try:
        return _KEYS[value.int]
    except KeyError:
        text = _KEYS[value.int] = str(value)
        return text


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def copy_row(value: Any) -> Any:
    """A deep copy of a row: what a delta carries must not change under it.

    Rows are JSON-shaped (dicts, lists, strings, numbers), so this walks them
    directly; copy.deepcopy's generic machinery was a fifth of a busy server's
    CPU (brigade bench field), about six times slower per row.
    """
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    if kind is dict:
        return {k: copy_row(v) for k, v in value.items()}
    if kind is list:
        return [copy_row(v) for v in value]
    if kind is tuple:
        return tuple([copy_row(v) for v in value])
    return copy.deepcopy(value)


class View:
    """Rows by key, kept by handlers registered per event class."""

    name: ClassVar[str]
    handlers: ClassVar[dict[type, Handler]]

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.position = 0
        self.as_of: datetime | None = None
        # `as_of` as a POSIX timestamp, for cheap comparison with deadlines.
        self.now = float("-inf")

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.handlers = {}
        for attribute in list(vars(cls).values()):
            for event_class in getattr(attribute, "_handles", ()):
                cls.handlers[event_class] = attribute

    def apply(self, event: object, position: int, *, emit: bool = True) -> list[Change]:
        """Apply one event at its position; returns the rows it changed (if `emit`)."""
        return apply_all([self], [(position, event)], emit=emit)

    def on_time(self) -> Iterable[str]:
        """Rows that changed because field time moved on (deadlines, expiries)."""
        return ()

    def snapshot(self) -> dict[str, Row]:
        return {row_key: copy_row(row) for row_key, row in self.rows.items()}


def field_time(event: object) -> datetime | None:
    """When an event happened in the field, if its time is field time at all.

    The views' clock, replay's pace and time travel's moments all read it here.
    """
    if not getattr(type(event), "field_clock", True):
        return None
    found: datetime | None = getattr(event, "occurred_at", None)
    return found


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Register a view method as the handler of these event classes."""

    def register(method: Handler) -> Handler:
        method._handles = event_classes  # type: ignore[attr-defined]
        return method

    return register


def apply_all(
    views: list[View],
    events: Iterable[tuple[int, object]],
    *,
    emit: bool = True,
    hold: Callable[[str, str, type | None], bool] | None = None,
) -> list[Change]:
    """Apply events in order to views that stand at one position; returns changes.

    This is the hot loop of every rebuild, so the work shared by all views (the
    order check, the field clock) is done once per event, and an event reaches
    only the views that handle its class. A changed row for which
    `hold(view, key, cause)` is true is neither copied nor returned: the caller
    has taken note of it, to read the row later as it then stands. The cause is
    the class of the event whose handler changed the row, or None for a row
    changed because field time moved on.
    """
    if not views:
        return []
    position = views[0].position
    if any(view.position != position for view in views):
        msg = "views to be folded together must stand at one position"
        raise ValueError(msg)
    as_of, now = views[0].as_of, views[0].now
    routes: dict[type, list[tuple[View, Handler]]] = {}
    clocked: dict[type, bool] = {}  # whether the kind's time is field time
    changes: list[Change] = []
    for at, event in events:
        if at <= position:
            msg = f"views are at {position}; cannot apply position {at}"
            raise ValueError(msg)
        position = at
        kind = type(event)
        route = routes.get(kind)
        if route is None:
            route = routes[kind] = [
                (view, view.handlers[kind]) for view in views if kind in view.handlers
            ]
            clocked[kind] = getattr(kind, "field_clock", True)
        occurred_at: datetime | None = (
            getattr(event, "occurred_at", None) if clocked[kind] else None
        )
        moved = False
        if occurred_at is not None and (as_of is None or occurred_at > as_of):
            moved = True
            as_of, now = occurred_at, occurred_at.timestamp()
            for view in views:
                view.as_of, view.now = as_of, now
        touched: list[tuple[View, Iterable[str]]] = [
            (view, handler(view, event)) for view, handler in route
        ]
        if moved:
            touched.extend((view, view.on_time()) for view in views)
        if emit:
            for view in views:
                view.position = position
            seen: set[tuple[str, str]] = set()
            handled = len(route)
            for i, (view, keys) in enumerate(touched):
                cause = kind if i < handled else None
                for row_key in keys:
                    if (view.name, row_key) in seen:
                        continue
                    seen.add((view.name, row_key))
                    if hold is not None and hold(view.name, row_key, cause):
                        continue
                    row = view.rows.get(row_key)
                    changes.append(Change(view.name, position, row_key, copy_row(row)))
        else:
            for _, keys in touched:  # handlers may be generators: run them
                for _ in keys:
                    pass
    for view in views:
        view.position = position
    return changes
