"""What every brigade aggregate and event shares: provenance and the event journal."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

from domain.errors import Code, Conflict
from domain.privacy import personal_fields

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

    class PersonErased(Event):
        """The person whose data this aggregate holds was erased: their key is gone.

        The store deletes the key in the same transaction (domain/store/sealing.py).
        An office act: it keeps its time but moves no view's clock.
        """

        erases_person: ClassVar[bool] = True
        field_clock: ClassVar[bool] = False
        reason: str

        def apply(self, aggregate: Any) -> None:
            for name, erased in personal_fields(type(aggregate)).items():
                setattr(aggregate, name, erased)
            aggregate.person_erased = True

    # Attributes that hold personal data, and what they read as once erased.
    personal: ClassVar[dict[str, Any]] = {}

    def erase(self, reason: str, p: Provenance) -> None:
        """Erase the person: from now on their sealed fields read as erased."""
        if getattr(self, "person_erased", False):
            raise Conflict(Code.ALREADY_ERASED, f"{self.id} is already erased")
        self.trigger_event(self.PersonErased, reason=reason, **p.as_kwargs())

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
