"""The field app's commands on their own: enrolments, dispatch answers, broadcasts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
import support
from support import COMMANDER, LANDFALL, flood, refused, volunteer
from support import provenance as p

from domain import commands as c
from domain.errors import Code
from domain.model.base import BrigadeAggregate, journal
from domain.model.credential import Credential
from domain.model.enrolment import Enrolment
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer

A = TypeVar("A", bound=BrigadeAggregate)


class DictUnitOfWork(support.DictUnitOfWork):
    now = LANDFALL + timedelta(hours=2)
    skew = timedelta(minutes=2)


def typhoon() -> Operation:
    return Operation.open(uuid4(), "Doksuri", "typhoon", None, p())


def recruit() -> Volunteer:
    """A volunteer vetted, trained for water rescue, insured and on shift."""
    person = Volunteer.register(
        uuid4(), name="Lin Fang", contact="+86", community="", domains=[], p=p()
    )
    person.decide_vetting(True, "", p())
    for course in ("basic-fire-safety", "water-rescue"):
        person.complete_course(course, True, 90, p())
    person.insure("PICC-1", LANDFALL + timedelta(days=365), p())
    person.start_shift(None, p())
    return person


def dispatch(incident: Incident, person: Volunteer) -> Any:
    return command(c.DispatchVolunteer, incident_id=incident.id, volunteer_id=person.id)


def command(cls: type[c.Command], actor: c.Actor = COMMANDER, **fields: Any) -> Any:
    return cls(command_id=uuid4(), actor=actor, occurred_at=LANDFALL, **fields)


def test_an_enrolment_is_exchanged_once_for_a_token_of_its_volunteer() -> None:
    person = recruit()
    uow = DictUnitOfWork(person)
    made = uow.run(command(c.CreateEnrolment, volunteer_id=person.id))
    assert made["name"] == "Lin Fang"
    # A quarter of an hour unless told otherwise.
    assert made["expires_at"] == (LANDFALL + timedelta(minutes=15)).isoformat()
    enrolment_id = UUID(made["enrolment_id"])

    phone = volunteer(person.id)
    redeem = command(c.RedeemEnrolment, phone, enrolment_id=enrolment_id)
    issued = uow.run(redeem)
    credential = uow.aggregates[UUID(issued["token_id"])]
    assert isinstance(credential, Credential)
    assert credential.holder == (phone.role, str(person.id))
    assert issued["subject"] == str(person.id) and issued["role"] == "volunteer"
    assert issued["volunteer_name"] == "Lin Fang"

    with refused(Code.ENROLMENT_USED):
        uow.run(replace(redeem, command_id=uuid4()))
    with refused(Code.ENROLMENT_USED):
        uow.run(command(c.CancelEnrolment, enrolment_id=enrolment_id))


def test_an_enrolment_is_refused_expired_withdrawn_or_for_someone_else() -> None:
    person, other = recruit(), recruit()
    uow = DictUnitOfWork(person, other)
    with refused(Code.VOLUNTEER_NOT_FOUND):
        uow.run(command(c.CreateEnrolment, volunteer_id=uuid4()))
    with refused(Code.INVALID_VALUE):
        uow.run(command(c.CreateEnrolment, volunteer_id=person.id, ttl_minutes=0))
    short = uow.run(command(c.CreateEnrolment, volunteer_id=person.id, ttl_minutes=1))
    phone = volunteer(person.id)
    late = replace(
        command(c.RedeemEnrolment, phone, enrolment_id=UUID(short["enrolment_id"])),
        occurred_at=LANDFALL + timedelta(minutes=1),
    )
    with refused(Code.ENROLMENT_EXPIRED):
        uow.run(late)

    made = uow.run(command(c.CreateEnrolment, volunteer_id=person.id))
    enrolment_id = UUID(made["enrolment_id"])
    # Another volunteer's phone cannot take it.
    with refused(Code.NOT_YOURSELF):
        uow.run(
            command(c.RedeemEnrolment, volunteer(other.id), enrolment_id=enrolment_id)
        )
    uow.run(command(c.CancelEnrolment, enrolment_id=enrolment_id))
    with refused(Code.ENROLMENT_CANCELLED):
        uow.run(command(c.RedeemEnrolment, phone, enrolment_id=enrolment_id))
    with refused(Code.ENROLMENT_NOT_FOUND):
        uow.run(command(c.RedeemEnrolment, phone, enrolment_id=uuid4()))
    # Only commanders make or withdraw enrolments.
    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(command(c.CreateEnrolment, phone, volunteer_id=person.id))
    assert not any(
        isinstance(a, Enrolment) and a.redeemed for a in uow.aggregates.values()
    )


def answer(incident: Incident, person_id: Any, actor: c.Actor, **fields: Any) -> Any:
    return command(
        c.AnswerDispatch, actor, incident_id=incident.id, volunteer_id=person_id,
        **fields,
    )  # fmt: skip


def test_a_dispatched_volunteer_answers_coming_or_not_until_they_arrive() -> None:
    operation = typhoon()
    incident, person, other = flood(operation.id), recruit(), recruit()
    uow = DictUnitOfWork(operation, incident, person, other)
    me = volunteer(person.id)
    # A volunteer not on it is not assigned; a commander is told who is not.
    with refused(Code.NOT_ASSIGNED):
        uow.run(answer(incident, person.id, me, answer="coming", eta_minutes=5))
    with refused(Code.NOT_DISPATCHED):
        uow.run(answer(incident, person.id, COMMANDER, answer="coming", eta_minutes=5))
    uow.run(dispatch(incident, person))

    with journal() as triggered:
        uow.run(answer(incident, person.id, me, answer="coming", eta_minutes=12))
    assert [(type(e), e.answer, e.eta_minutes) for e in triggered] == [  # type: ignore[attr-defined]
        (Incident.DispatchAnswered, "coming", 12)
    ]
    # A later answer replaces it; a reason goes with "not coming", an ETA does not.
    uow.run(answer(incident, person.id, me, answer="not_coming", reason="flooded"))
    for wrong in (
        {"answer": "coming"},
        {"answer": "not_coming", "reason": ""},
        {"answer": "not_coming", "reason": "x", "eta_minutes": 3},
        {"answer": "maybe", "eta_minutes": 3},
        {"answer": "coming", "eta_minutes": 601},
    ):
        with refused(Code.INVALID_VALUE):
            uow.run(answer(incident, person.id, me, **wrong))
    # Only for themselves; a commander may record an answer given by telephone.
    with refused(Code.NOT_YOURSELF):
        uow.run(answer(incident, other.id, me, answer="coming", eta_minutes=1))
    uow.run(answer(incident, person.id, COMMANDER, answer="coming", eta_minutes=3))

    arrive = command(
        c.RecordArrival, me, incident_id=incident.id, volunteer_id=person.id
    )
    uow.run(arrive)
    with refused(Code.ALREADY_ARRIVED):
        uow.run(answer(incident, person.id, me, answer="coming", eta_minutes=0))


def test_a_broadcast_needs_a_commander_and_an_open_operation() -> None:
    operation, person = typhoon(), recruit()
    uow = DictUnitOfWork(operation, person)
    broadcast = command(c.BroadcastMessage, operation_id=operation.id, text="stay dry")
    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(replace(broadcast, actor=volunteer(person.id)))
    with journal() as triggered:
        uow.run(broadcast)
    assert [type(e) for e in triggered] == [Operation.MessageBroadcast]
    operation.close(p())
    with refused(Code.OPERATION_CLOSED):
        uow.run(replace(broadcast, command_id=uuid4()))


@pytest.mark.parametrize("minutes", [1, 1440])
def test_an_enrolment_lasts_from_a_minute_to_a_day(minutes: int) -> None:
    person = recruit()
    made = DictUnitOfWork(person).run(
        command(c.CreateEnrolment, volunteer_id=person.id, ttl_minutes=minutes)
    )
    assert made["expires_at"] == (LANDFALL + timedelta(minutes=minutes)).isoformat()
