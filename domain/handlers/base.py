"""The handler registry, the checks every command passes, and helpers handlers share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import commands as c
from domain.errors import Code, Forbidden, InvalidCommand, NotFound
from domain.model.base import BrigadeAggregate, Provenance
from domain.model.catalogue import CourseCatalogue
from domain.model.checkround import CheckRound
from domain.model.credential import Credential
from domain.model.enrolment import Enrolment
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.model.vulnerable import Vulnerable
from domain.model.warning import RiskWarning
from domain.types import Role

A = TypeVar("A", bound=BrigadeAggregate)
C = TypeVar("C", bound=c.Command)
Result = Mapping[str, str]

EARLIEST_FIELD_TIME = datetime(2000, 1, 1, tzinfo=UTC)
_NAMESPACE = uuid5(NAMESPACE_URL, "https://brigade.invalid/ids")

_NOT_FOUND: dict[type[BrigadeAggregate], Code] = {
    Operation: Code.OPERATION_NOT_FOUND,
    Incident: Code.INCIDENT_NOT_FOUND,
    Volunteer: Code.VOLUNTEER_NOT_FOUND,
    Premises: Code.PREMISES_NOT_FOUND,
    Credential: Code.TOKEN_NOT_FOUND,
    Enrolment: Code.ENROLMENT_NOT_FOUND,
    CourseCatalogue: Code.COURSE_NOT_FOUND,
    RiskWarning: Code.WARNING_NOT_FOUND,
    Vulnerable: Code.VULNERABLE_NOT_FOUND,
    CheckRound: Code.ROUND_NOT_FOUND,
}


class UnitOfWork(Protocol):
    """The aggregates a handler may find and add, as the handlers see the writer's.

    The write path's class of the same name (`domain.write.unit_of_work`) implements
    it, as a dict does in the handler tests; handlers never import either.
    """

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None: ...

    def add(self, aggregate: BrigadeAggregate) -> None: ...


Handler = Callable[[UnitOfWork, Any, Provenance], Result]
HANDLERS: dict[type[c.Command], Handler] = {}


def handles(
    command_class: type[C],
) -> Callable[[Callable[[UnitOfWork, C, Provenance], Result]], Handler]:
    def register(handler: Callable[[UnitOfWork, C, Provenance], Result]) -> Handler:
        HANDLERS[command_class] = handler
        return handler

    return register


def decide(
    uow: UnitOfWork, command: c.Command, now: datetime, max_skew: timedelta
) -> Result:
    """Check who may act and when it happened, then hand the command to its handler."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise InvalidCommand(
            Code.UNKNOWN_COMMAND, f"unknown command {type(command).__name__}"
        )
    if command.actor.role not in command.allowed:
        raise Forbidden(
            Code.ROLE_NOT_ALLOWED,
            f"the {command.actor.role.value} role may not {_verb(command)}",
        )
    at = command.occurred_at
    if (
        not isinstance(at, datetime)
        or at.utcoffset() is None
        or at < EARLIEST_FIELD_TIME
    ):
        raise InvalidCommand(
            Code.FIELD_TIME_INVALID,
            "field time must be a date and time with a time zone",
        )
    if at > now + max_skew:
        raise InvalidCommand(
            Code.FIELD_TIME_IN_FUTURE,
            f"field time {at.isoformat()} is ahead of the server clock by more than "
            f"{max_skew.total_seconds():g} s; check the phone's clock",
        )
    p = Provenance(
        occurred_at=at, actor=command.actor.name, command_id=command.command_id
    )
    return handler(uow, command, p)


def _verb(command: c.Command) -> str:
    name = type(command).__name__
    return "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in name).strip()


def load(uow: UnitOfWork, cls: type[A], aggregate_id: UUID) -> A:
    aggregate = uow.find(cls, aggregate_id)
    if aggregate is None:
        name = cls.__name__.lower()
        raise NotFound(_NOT_FOUND[cls], f"no {name} with id {aggregate_id}")
    return aggregate


def new_id(given: UUID | None, kind: str, command: c.Command) -> UUID:
    """The id a create command names, or one derived from its command id."""
    return (
        given
        if given is not None
        else uuid5(_NAMESPACE, f"{kind}:{command.command_id}")
    )


def open_operation(uow: UnitOfWork, operation_id: UUID) -> Operation:
    operation = load(uow, Operation, operation_id)
    operation.require_open()
    return operation


def require_self(actor: c.Actor, volunteer_id: UUID) -> None:
    """A volunteer can only act as themselves."""
    if actor.role is Role.VOLUNTEER and actor.volunteer_id != volunteer_id:
        raise Forbidden(Code.NOT_YOURSELF, "a volunteer can only act as themselves")


def field_incident(uow: UnitOfWork, command: c.IncidentCommand) -> Incident:
    """The incident a field command is about; a volunteer must be assigned to it."""
    incident = load(uow, Incident, command.incident_id)
    vid = command.actor.volunteer_id
    if vid is not None and not incident.is_assigned(vid):
        incident.require_not_closed()
        raise Forbidden(Code.NOT_ASSIGNED, "you are not dispatched to this incident")
    return incident


def reported_or_field_incident(uow: UnitOfWork, command: c.IncidentCommand) -> Incident:
    """As `field_incident`, but the volunteer who reported it may act on it too.

    "Where I stand, with a photo", and a word on it afterwards ("the water is
    at the first floor", "SOS cancelled"): dispatched or not, a reporter adds
    to their own report; anyone else in the field must be dispatched.
    """
    incident = load(uow, Incident, command.incident_id)
    if incident.reporter == command.actor.name:
        return incident
    return field_incident(uow, command)


def created(key: str, aggregate_id: UUID) -> Result:
    return {key: str(aggregate_id)}
