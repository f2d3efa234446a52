"""No training, no duty: stories of dispatching volunteers, on every store."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from support import LANDFALL, Scenario, volunteer

from domain import commands as c
from domain.model.incident import Incident
from domain.model.volunteer import Volunteer
from domain.types import IncidentStatus

if TYPE_CHECKING:
    from domain.application import Brigade


def event_names(brigade: Brigade, aggregate_id: object) -> list[str]:
    return [type(e).__name__ for e in brigade.events.get(aggregate_id)]  # type: ignore[arg-type]


def test_a_ready_volunteer_is_dispatched_and_arrives(
    story: Scenario, brigade: Brigade
) -> None:
    # Given an open flood incident and a trained, insured volunteer on shift
    operation = story.operation()
    incident = story.incident(operation, kind="flood")
    vid = story.ready_volunteer()

    # When the commander dispatches them and they arrive
    dispatched = story.do(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)
    arrived = story.do(
        c.RecordArrival, incident_id=incident, volunteer_id=vid, actor=volunteer(vid)
    )

    # Then both are accepted, at increasing durable positions
    assert dispatched.accepted and arrived.accepted
    assert dispatched.position is not None and arrived.position is not None
    assert arrived.position > dispatched.position
    stored = brigade.get(Incident, incident)
    assert stored.status is IncidentStatus.ON_SCENE
    assert brigade.get(Volunteer, vid).assignment == incident


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ({"vetted": False}, "not_vetted", "not vetted: vetting pending"),
        (
            {"courses": ("water-rescue",)},
            "training_incomplete",
            "no training, no duty: basic fire safety course not passed",
        ),
        (
            {"courses": ("basic-fire-safety", "first-aid")},
            "not_qualified",
            "not qualified: water rescue course missing",
        ),
        ({"insured": False}, "not_insured", "not insured: no policy recorded"),
        (
            {"on_shift": False},
            "off_shift",
            "off shift: the volunteer has not started a shift",
        ),
    ],
)
def test_each_rule_refuses_a_dispatch_and_the_refusal_is_recorded(
    story: Scenario, brigade: Brigade, setup: dict[str, Any], code: str, message: str
) -> None:
    # Given a flood incident and a volunteer who misses one rule
    operation = story.operation()
    incident = story.incident(operation, kind="flood")
    vid = story.ready_volunteer(**setup)

    # When the commander tries to dispatch them
    outcome = story.do(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)

    # Then the dispatch is refused with the rule's code and a plain reason
    assert outcome.rejection is not None
    assert (outcome.rejection.code, outcome.rejection.message) == (code, message)
    # and the refusal is a fact in the log, for the after-action review
    assert event_names(brigade, incident)[-1] == "DispatchRefused"
    assert outcome.position is not None
    # but nobody was assigned
    assert brigade.get(Volunteer, vid).assignment is None
    assert brigade.get(Incident, incident).assignments == {}


def test_an_expired_policy_refuses_on_the_day_it_no_longer_covers(
    story: Scenario,
) -> None:
    operation = story.operation()
    incident = story.incident(operation, kind="medical")
    vid = story.ready_volunteer(insured=False)
    story.ok(
        c.RecordInsurance,
        volunteer_id=vid,
        policy="PICC-2022-114",
        valid_until=LANDFALL - timedelta(days=28),
    )

    outcome = story.do(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)

    assert outcome.rejection is not None
    assert outcome.rejection.code == "not_insured"
    assert "policy expired 2023-06-30" in outcome.rejection.message


def test_a_volunteer_busy_on_another_open_incident_is_refused_until_released(
    story: Scenario,
) -> None:
    operation = story.operation()
    first = story.incident(operation, kind="flood")
    second = story.incident(operation, kind="medical")
    vid = story.ready_volunteer()
    story.ok(c.DispatchVolunteer, incident_id=first, volunteer_id=vid)

    busy = story.do(c.DispatchVolunteer, incident_id=second, volunteer_id=vid)
    assert busy.rejection is not None and busy.rejection.code == "busy"

    story.ok(c.ResolveIncident, incident_id=first, outcome="water pumped out")
    assert story.do(c.DispatchVolunteer, incident_id=second, volunteer_id=vid).accepted


def test_other_kinds_need_their_own_domain(story: Scenario) -> None:
    operation = story.operation()
    hornets = story.incident(operation, kind="hornet_nest", severity=2)
    vid = story.ready_volunteer()

    outcome = story.do(c.DispatchVolunteer, incident_id=hornets, volunteer_id=vid)

    assert outcome.rejection is not None
    assert outcome.rejection.message == "not qualified: hornet removal course missing"


def test_only_the_command_role_dispatches(story: Scenario, brigade: Brigade) -> None:
    operation = story.operation()
    incident = story.incident(operation)
    vid = story.ready_volunteer()
    before = brigade.recorder.max_notification_id()

    outcome = story.do(
        c.DispatchVolunteer,
        incident_id=incident,
        volunteer_id=vid,
        actor=volunteer(vid),
    )

    assert outcome.rejection is not None
    assert outcome.rejection.code == "role_not_allowed"
    assert brigade.recorder.max_notification_id() == before


def test_a_volunteer_can_only_act_as_themselves(
    story: Scenario, brigade: Brigade
) -> None:
    me = story.ready_volunteer("Lin Hua")
    other = story.ready_volunteer("Wang Fang")
    before = brigade.recorder.max_notification_id()

    outcome = story.do(
        c.ReportPosition, volunteer_id=other, lat=24.9, lon=118.6, actor=volunteer(me)
    )

    assert outcome.rejection is not None
    assert outcome.rejection.code == "not_yourself"
    assert brigade.recorder.max_notification_id() == before


def test_a_volunteer_reports_only_on_incidents_they_are_dispatched_to(
    story: Scenario,
) -> None:
    operation = story.operation()
    incident = story.incident(operation)
    vid = story.ready_volunteer()

    refused = story.do(
        c.RecordEvacuation,
        incident_id=incident,
        count=3,
        destination="school",
        actor=volunteer(vid),
    )
    story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)
    accepted = story.do(
        c.RecordEvacuation,
        incident_id=incident,
        count=3,
        destination="school",
        actor=volunteer(vid),
    )

    assert refused.rejection is not None and refused.rejection.code == "not_assigned"
    assert accepted.accepted
