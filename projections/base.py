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

Row = dict[str, Any]
Handler = Callable[[Any, Any], Iterable[str]]


@dataclass(frozen=True)
class Change:
    """A row as it now stands (None: removed), caused by the event at `position`."""

    view: str
    position: int
    key: str
    row: Row | None


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


class View:
    """Rows by key, kept by handlers registered per event class."""

    name: ClassVar[str]
    handlers: ClassVar[dict[type, Handler]]

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.position = 0
        self.as_of: datetime | None = None

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.handlers = {}
        for attribute in list(vars(cls).values()):
            for event_class in getattr(attribute, "_handles", ()):
                cls.handlers[event_class] = attribute

    def apply(self, event: object, position: int) -> list[Change]:
        """Apply one event at its position; returns the rows it changed."""
        if position <= self.position:
            msg = f"{self.name} is at {self.position}; cannot apply position {position}"
            raise ValueError(msg)
        self.position = position
        occurred_at = getattr(event, "occurred_at", None)
        if occurred_at is not None and (self.as_of is None or occurred_at > self.as_of):
            self.as_of = occurred_at
        handler = self.handlers.get(type(event))
        touched = list(handler(self, event)) if handler is not None else []
        touched.extend(self.on_time())
        changes = []
        for key in dict.fromkeys(touched):
            row = self.rows.get(key)
            changes.append(Change(self.name, position, key, copy.deepcopy(row)))
        return changes

    def on_time(self) -> Iterable[str]:
        """Rows that changed because field time moved on (deadlines, expiries)."""
        return ()

    def snapshot(self) -> dict[str, Row]:
        return copy.deepcopy(self.rows)


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Register a view method as the handler of these event classes."""

    def register(method: Handler) -> Handler:
        method._handles = event_classes  # type: ignore[attr-defined]
        return method

    return register
