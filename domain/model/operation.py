"""Operation: one response effort, a typhoon response or the year-round programme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import OperationKind

if TYPE_CHECKING:
    from uuid import UUID


class Operation(BrigadeAggregate):
    class Opened(BrigadeAggregate.Created):
        name: str
        kind: str
        # [west, south, east, north] in degrees, as a GeoJSON bbox.
        area: list[float] | None

        def apply(self, operation: Operation) -> None:
            operation.name = self.name
            operation.kind = self.kind
            operation.area = self.area

    class Closed(BrigadeAggregate.Event):
        def apply(self, operation: Operation) -> None:
            operation.closed = True

    class MessageBroadcast(BrigadeAggregate.Event):
        """A commander's message to everyone on shift in the operation."""

        text: str

    name: str
    kind: str
    area: list[float] | None
    closed: bool

    def __init__(self) -> None:
        self.closed = False

    @classmethod
    def open(
        cls,
        operation_id: UUID,
        name: str,
        kind: str,
        area: list[float] | None,
        p: Provenance,
    ) -> Operation:
        name = checks.text("name", name, limit=checks.MAX_NAME)
        kind = checks.choice("kind", kind, OperationKind).value
        if area is not None:
            area = _bbox(area)
        return cls._create(
            cls.Opened,
            id=operation_id,
            name=name,
            kind=kind,
            area=area,
            **p.as_kwargs(),
        )

    def close(self, p: Provenance) -> None:
        self.require_open()
        self.trigger_event(self.Closed, **p.as_kwargs())

    def broadcast(self, text: str, p: Provenance) -> None:
        self.require_open()
        self.trigger_event(
            self.MessageBroadcast, text=checks.text("text", text), **p.as_kwargs()
        )

    def require_open(self) -> None:
        if self.closed:
            raise Conflict(Code.OPERATION_CLOSED, f"operation '{self.name}' is closed")


def _bbox(area: list[float]) -> list[float]:
    if not isinstance(area, list) or len(area) != 4:
        raise checks.invalid("area must be [west, south, east, north]")
    west, east = checks.longitude(area[0]), checks.longitude(area[2])
    south, north = checks.latitude(area[1]), checks.latitude(area[3])
    if south > north or west > east:
        raise checks.invalid("area must have west <= east and south <= north")
    return [west, south, east, north]
