"""What every brigade aggregate and event shares: provenance and the event journal."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

# Events in the order they were triggered across all aggregates of one unit of
# work, so that a batch is stored in exactly the order its commands decided it.
_journal: ContextVar[list[CanMutateAggregate[UUID]] | None] = ContextVar(
    "brigade_journal", default=None
)


class journal:
    """Collect every event triggered in this context, in trigger order."""

    __slots__ = ("events", "token")

    def __enter__(self) -> list[CanMutateAggregate[UUID]]:
        self.events: list[CanMutateAggregate[UUID]] = []
        self.token = _journal.set(self.events)
        return self.events

    def __exit__(self, *_: object) -> None:
        _journal.reset(self.token)


@dataclass(frozen=True)
class Provenance:
    """Who did it, when it happened in the field, and which command caused it."""

    occurred_at: datetime
    actor: str
    command_id: UUID

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "occurred_at": self.occurred_at,
            "actor": self.actor,
            "command_id": self.command_id,
        }


class BrigadeAggregate(Aggregate):
    """Base of brigade's aggregates: every event carries its provenance."""

    class Event(Aggregate.Event):
        occurred_at: datetime
        actor: str
        command_id: UUID
        # Whether `occurred_at` is field time, which moves the views' clock and
        # paces replay. The office's own acts (a token issued or revoked) keep
        # their time but move no clock: a token made today must not carry the
        # views of a storm replayed from 2023 to today's date.
        field_clock: ClassVar[bool] = True

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID | None = None,
        **kwargs: Any,
    ) -> Self:
        aggregate = super()._create(event_class, id=id, **kwargs)
        _record(aggregate.pending_events[-1])
        return aggregate

    def trigger_event(
        self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any
    ) -> None:
        super().trigger_event(event_class, **kwargs)
        _record(self.pending_events[-1])


def _record(event: CanMutateAggregate[UUID]) -> None:
    events = _journal.get()
    if events is not None:
        events.append(event)
