"""Handlers on their own: the checks every command passes and a few rules, no store.

A dict stands in for the writer's unit of work (the `find`/`add` protocol the
handlers see), so each story runs in well under a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

import support
from support import COMMANDER, LANDFALL, flood, refused, volunteer
from support import provenance as p

from domain import commands as c
from domain.errors import Code
from domain.model.activity import ServiceActivity
from domain.model.base import BrigadeAggregate, journal
from domain.model.credential import Credential
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer
from domain.types import Role

A = TypeVar("A", bound=BrigadeAggregate)
NOW = LANDFALL + timedelta(hours=2)  # the server's clock
SKEW = timedelta(seconds=120)


class DictUnitOfWork(support.DictUnitOfWork):
    now = NOW
    skew = SKEW


def typhoon() -> Operation:
    return Operation.open(uuid4(), "Doksuri", "typhoon", None, p())


def recruit(*, vetted: bool = True, trained: bool = True) -> Volunteer:
    """A volunteer on shift and insured; vetted and trained for water rescue if so."""
    person = Volunteer.register(
        uuid4(), name="Lin Fang", contact="+86", community="", domains=[], p=p()
    )
    if vetted:
        person.decide_vetting(True, "", p())
    if trained:
        for course in ("basic-fire-safety", "water-rescue"):
            person.complete_course(course, True, 90, p())
    person.insure("PICC-1", LANDFALL + timedelta(days=365), p())
    person.start_shift(None, p())
    return person


@dataclass(frozen=True, kw_only=True)
class Unheard(c.Command):
    """A command no handler is registered for."""


def close(operation: Operation) -> c.CloseOperation:
    return c.CloseOperation(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL,
        operation_id=operation.id,
    )


def test_a_command_without_a_handler_is_refused_as_unknown() -> None:
    command = Unheard(command_id=uuid4(), actor=COMMANDER, occurred_at=LANDFALL)
    with refused(Code.UNKNOWN_COMMAND):
        DictUnitOfWork().run(command)


def test_only_the_roles_a_command_allows_may_send_it() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    with refused(Code.ROLE_NOT_ALLOWED) as caught:
        uow.run(replace(close(operation), actor=volunteer(uuid4())))
    assert "volunteer role may not close operation" in caught.value.message
    assert not operation.closed

    uow.run(close(operation))
    assert operation.closed


def test_a_field_time_needs_a_time_zone_and_a_plausible_date() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    naive, too_early = LANDFALL.replace(tzinfo=None), datetime(1999, 12, 31, tzinfo=UTC)
    for at in (naive, too_early):
        with refused(Code.FIELD_TIME_INVALID):
            uow.run(replace(close(operation), occurred_at=at))
    assert not operation.closed


def test_a_field_time_may_run_ahead_of_the_server_clock_only_by_the_skew() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    with refused(Code.FIELD_TIME_IN_FUTURE):
        uow.run(
            replace(close(operation), occurred_at=NOW + SKEW + timedelta(seconds=1))
        )
    assert not operation.closed

    uow.run(replace(close(operation), occurred_at=NOW + SKEW))
    assert operation.closed


def dispatch(incident: Incident, person: Volunteer) -> c.DispatchVolunteer:
    return c.DispatchVolunteer(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL,
        incident_id=incident.id,
        volunteer_id=person.id,
    )


def test_a_refused_dispatch_is_recorded_as_a_fact_and_then_raised() -> None:
    operation = typhoon()
    incident, untrained = flood(operation.id), recruit(trained=False)
    uow = DictUnitOfWork(operation, incident, untrained)

    with journal() as triggered, refused(Code.TRAINING_INCOMPLETE) as caught:
        uow.run(dispatch(incident, untrained))

    # The refusal is kept (the after-action review reports it); no assignment is made
    assert caught.value.keeps_events
    assert [type(e) for e in triggered] == [Incident.DispatchRefused]
    assert untrained.assignment is None and not incident.is_assigned(untrained.id)


def test_an_accepted_dispatch_assigns_the_volunteer_and_the_incident() -> None:
    operation = typhoon()
    incident, trained = flood(operation.id), recruit()
    uow = DictUnitOfWork(operation, incident, trained)

    with journal() as triggered:
        uow.run(dispatch(incident, trained))

    assert [type(e) for e in triggered] == [
        Volunteer.Assigned,
        Incident.VolunteerDispatched,
    ]
    assert trained.assignment == incident.id and incident.is_assigned(trained.id)


def log_activity(operation: Operation, *people: Volunteer) -> c.LogServiceActivity:
    return c.LogServiceActivity(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL,
        operation_id=operation.id,
        kind="publicity",
        participants=[person.id for person in people],
        hours=2.0,
    )


def test_only_vetted_volunteers_may_log_service() -> None:
    operation = typhoon()
    vetted, pending = recruit(), recruit(vetted=False)
    uow = DictUnitOfWork(operation, vetted, pending)

    with refused(Code.NOT_VETTED) as caught:
        uow.run(log_activity(operation, vetted, pending))
    assert "Lin Fang is not vetted" in caught.value.message
    assert not any(isinstance(a, ServiceActivity) for a in uow.aggregates.values())

    result = uow.run(log_activity(operation, vetted))
    activity = uow.find(ServiceActivity, UUID(result["activity_id"]))
    assert activity is not None
    logged = activity.pending_events[0]
    assert isinstance(logged, ServiceActivity.Logged)
    assert logged.participants == [vetted.id]


# Credentials


def issue(role: str, **fields: Any) -> c.IssueToken:
    return c.IssueToken(
        command_id=uuid4(), actor=COMMANDER, occurred_at=LANDFALL, role=role, **fields
    )


def revoke(token_id: UUID, actor: c.Actor = COMMANDER) -> c.RevokeToken:
    return c.RevokeToken(
        command_id=uuid4(), actor=actor, occurred_at=LANDFALL, token_id=token_id
    )


def test_a_volunteer_token_is_issued_only_for_a_registered_volunteer() -> None:
    person = recruit()
    uow = DictUnitOfWork(person)

    with refused(Code.VOLUNTEER_NOT_FOUND):
        uow.run(issue("volunteer", volunteer_id=uuid4()))
    with refused(Code.INVALID_VALUE):
        uow.run(issue("volunteer"))  # no volunteer named
    assert not any(isinstance(a, Credential) for a in uow.aggregates.values())

    result = uow.run(issue("volunteer", volunteer_id=person.id, name="Lin's phone"))
    assert (result["role"], result["subject"]) == ("volunteer", str(person.id))
    assert UUID(result["token_id"]) in uow.aggregates


def test_a_token_lasts_its_roles_lifetime_unless_told_otherwise() -> None:
    person = recruit()
    uow = DictUnitOfWork(person)
    issued = LANDFALL.replace(microsecond=0)

    days = {
        role: datetime.fromisoformat(uow.run(issue(role, **named))["expires_at"])
        - issued
        for role, named in (
            ("commander", {}),
            ("observer", {}),
            ("volunteer", {"volunteer_id": person.id}),
        )
    }
    short = uow.run(issue("observer", name="wall", ttl_seconds=12 * 3600))

    assert days == {
        "commander": timedelta(days=30),
        "observer": timedelta(days=90),
        "volunteer": timedelta(days=180),
    }
    assert datetime.fromisoformat(short["expires_at"]) - issued == timedelta(hours=12)
    assert short["subject"] == "wall"
    for ttl in (59, 367 * 86_400, True):
        with refused(Code.INVALID_VALUE):
            uow.run(issue("observer", ttl_seconds=ttl))


def test_only_commanders_issue_tokens_and_a_volunteer_revokes_only_their_own() -> None:
    mine, theirs = recruit(), recruit()
    uow = DictUnitOfWork(mine, theirs)
    my_token = UUID(uow.run(issue("volunteer", volunteer_id=mine.id))["token_id"])
    their_token = UUID(uow.run(issue("volunteer", volunteer_id=theirs.id))["token_id"])
    wall = UUID(uow.run(issue("observer", name="wall"))["token_id"])
    me = volunteer(mine.id)

    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(replace(issue("volunteer", volunteer_id=mine.id), actor=me))
    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(revoke(wall, c.Actor(Role.OBSERVER, "wall")))
    for other in (their_token, wall):
        with refused(Code.NOT_YOURSELF):
            uow.run(revoke(other, me))

    uow.run(revoke(my_token, me))  # signing my own lost phone out
    uow.run(revoke(their_token))  # a commander revokes anyone's
    assert uow.find(Credential, my_token).revoked  # type: ignore[union-attr]
    assert uow.find(Credential, their_token).revoked  # type: ignore[union-attr]
    assert not uow.find(Credential, wall).revoked  # type: ignore[union-attr]
    with refused(Code.ALREADY_REVOKED):
        uow.run(revoke(my_token))
    with refused(Code.TOKEN_NOT_FOUND):
        uow.run(revoke(uuid4()))


# Photos on one's own report (the field app: "report where I stand, with a photo")


def photo(incident_id: UUID, actor: c.Actor) -> c.RecordImage:
    return c.RecordImage(
        command_id=uuid4(),
        actor=actor,
        occurred_at=LANDFALL,
        incident_id=incident_id,
        sha256="ab" * 32,
        media_type="image/jpeg",
        size=48_213,
        caption="water at the stairs",
    )


def reported_by_a_volunteer() -> tuple[DictUnitOfWork, Volunteer, Volunteer, UUID]:
    """An incident a volunteer reported, and another volunteer passing by."""
    operation = typhoon()
    reporter, passer_by = recruit(), recruit()
    uow = DictUnitOfWork(operation, reporter, passer_by)
    reported = uow.run(
        c.ReportIncident(
            command_id=uuid4(),
            actor=volunteer(reporter.id),
            occurred_at=LANDFALL,
            operation_id=operation.id,
            kind="flood",
            lat=24.95,
            lon=118.61,
            severity=3,
        )
    )
    return uow, reporter, passer_by, UUID(reported["incident_id"])


def test_the_reporter_adds_a_photo_to_their_own_report_and_nobody_else_may() -> None:
    uow, reporter, passer_by, incident_id = reported_by_a_volunteer()

    uow.run(photo(incident_id, volunteer(reporter.id)))
    with refused(Code.NOT_ASSIGNED):
        uow.run(photo(incident_id, volunteer(passer_by.id)))

    incident = uow.find(Incident, incident_id)
    assert incident is not None
    uploaded = [
        e for e in incident.pending_events if isinstance(e, Incident.ImageUploaded)
    ]
    assert [e.actor for e in uploaded] == [f"volunteer:{reporter.id}"]


def test_the_reporter_writes_on_their_own_report_and_nobody_else_may() -> None:
    uow, reporter, passer_by, incident_id = reported_by_a_volunteer()

    def message(actor: c.Actor, text: str) -> c.PostMessage:
        return c.PostMessage(
            command_id=uuid4(),
            actor=actor,
            occurred_at=LANDFALL,
            incident_id=incident_id,
            text=text,
        )

    uow.run(message(volunteer(reporter.id), "SOS cancelled: I am safe"))
    with refused(Code.NOT_ASSIGNED):
        uow.run(message(volunteer(passer_by.id), "me too"))

    incident = uow.find(Incident, incident_id)
    assert incident is not None
    events = incident.pending_events
    posted = [e for e in events if isinstance(e, Incident.MessagePosted)]
    assert [(e.actor, e.text) for e in posted] == [
        (f"volunteer:{reporter.id}", "SOS cancelled: I am safe")
    ]
