"""Lifecycles keep their order: incidents, hazards, shifts, operations, every store."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from support import LANDFALL, Clock, Scenario, volunteer

from domain import commands as c
from domain.model.incident import Incident
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.types import IncidentStatus

if TYPE_CHECKING:
    from domain.application import Brigade


def test_an_incident_runs_from_report_to_close(
    story: Scenario, brigade: Brigade
) -> None:
    operation = story.operation()
    incident = story.incident(operation, kind="trapped_persons")
    vid = story.ready_volunteer(
        courses=("basic-fire-safety", "search-and-rescue"),
    )
    me = volunteer(vid)
    story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)
    story.ok(c.RecordArrival, incident_id=incident, volunteer_id=vid, actor=me)
    story.ok(
        c.AssessIncident,
        incident_id=incident,
        summary="3 trapped upstairs",
        severity=5,
        actor=me,
    )
    path = [[118.59, 24.91], [118.595, 24.912], [118.6, 24.915]]
    story.ok(
        c.GuideRoute, incident_id=incident, path=path, note="via the school", actor=me
    )
    story.ok(c.ClearRoad, incident_id=incident, path=path[:2], actor=me)
    story.ok(
        c.RecordImage,
        incident_id=incident,
        sha256="ab" * 32,
        media_type="image/jpeg",
        size=48_213,
        lat=24.91,
        lon=118.59,
        actor=me,
    )
    story.ok(c.RecordRescue, incident_id=incident, count=3, actor=me)
    story.ok(
        c.RecordEvacuation,
        incident_id=incident,
        count=12,
        destination="Luojiang school",
        actor=me,
    )
    story.ok(c.PostMessage, incident_id=incident, text="all out", actor=me)
    story.ok(c.ResolveIncident, incident_id=incident, outcome="all rescued")
    story.ok(c.CloseIncident, incident_id=incident)

    stored = brigade.get(Incident, incident)
    assert (stored.status, stored.rescued, stored.evacuated, stored.severity) == (
        IncidentStatus.CLOSED,
        3,
        12,
        5,
    )
    # resolving released the volunteer, who is free for the next call
    assert brigade.get(Volunteer, vid).assignment is None


def test_no_arrival_before_dispatch(story: Scenario, brigade: Brigade) -> None:
    operation = story.operation()
    incident = story.incident(operation)
    vid = story.ready_volunteer()
    before = brigade.recorder.max_notification_id()

    outcome = story.do(
        c.RecordArrival, incident_id=incident, volunteer_id=vid, actor=volunteer(vid)
    )

    assert outcome.rejection is not None and outcome.rejection.code == "not_dispatched"
    assert brigade.recorder.max_notification_id() == before


def test_nothing_after_close(story: Scenario, brigade: Brigade) -> None:
    operation = story.operation()
    incident = story.incident(operation)
    story.ok(c.ResolveIncident, incident_id=incident, outcome="false alarm")
    story.ok(c.CloseIncident, incident_id=incident)
    before = brigade.recorder.max_notification_id()

    attempts: list[tuple[type[c.IncidentCommand], dict[str, Any]]] = [
        (c.PostMessage, {"text": "hello?"}),
        (c.RecordRescue, {"count": 1}),
        (c.CloseIncident, {}),
    ]
    for kind, fields in attempts:
        outcome = story.do(kind, incident_id=incident, **fields)
        assert (
            outcome.rejection is not None
            and outcome.rejection.code == "incident_closed"
        )
    assert brigade.recorder.max_notification_id() == before


def test_an_incident_is_resolved_before_it_is_closed(story: Scenario) -> None:
    incident = story.incident(story.operation())
    outcome = story.do(c.CloseIncident, incident_id=incident)
    assert (
        outcome.rejection is not None
        and outcome.rejection.code == "incident_not_resolved"
    )


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"count": 0}, "count must be between 1 and 10000"),
        ({"count": 10_001}, "count must be between 1 and 10000"),
        ({"count": True}, "count must be a whole number"),
    ],
)
def test_counts_are_positive_and_bounded(
    story: Scenario, brigade: Brigade, fields: dict[str, Any], fragment: str
) -> None:
    incident = story.incident(story.operation())
    before = brigade.recorder.max_notification_id()
    outcome = story.do(
        c.RecordEvacuation, incident_id=incident, destination="gym", **fields
    )
    assert outcome.rejection is not None
    assert (
        outcome.rejection.code == "invalid_value"
        and fragment in outcome.rejection.message
    )
    assert brigade.recorder.max_notification_id() == before


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 118.0), (24.9, -180.5), (float("nan"), 118.0)]
)
def test_coordinates_are_in_range(
    story: Scenario, brigade: Brigade, lat: float, lon: float
) -> None:
    operation = story.operation()
    before = brigade.recorder.max_notification_id()
    outcome = story.do(
        c.ReportIncident,
        operation_id=operation,
        kind="fire",
        lat=lat,
        lon=lon,
        severity=3,
    )
    assert outcome.rejection is not None and outcome.rejection.code == "invalid_value"
    assert brigade.recorder.max_notification_id() == before


def test_field_time_may_not_run_ahead_of_the_server_clock(
    story: Scenario, brigade: Brigade, clock: Clock
) -> None:
    operation = story.operation()
    before = brigade.recorder.max_notification_id()
    ahead = story.do(
        c.ReportIncident,
        operation_id=operation,
        kind="fire",
        lat=24.9,
        lon=118.6,
        severity=3,
        occurred_at=clock.now + timedelta(minutes=10),
    )
    slightly_ahead = story.do(
        c.ReportIncident,
        operation_id=operation,
        kind="fire",
        lat=24.9,
        lon=118.6,
        severity=3,
        occurred_at=clock.now + timedelta(seconds=30),
    )
    assert (
        ahead.rejection is not None and ahead.rejection.code == "field_time_in_future"
    )
    assert slightly_ahead.accepted  # within the allowed clock skew
    assert brigade.recorder.max_notification_id() == slightly_ahead.position
    assert before is not None and slightly_ahead.position == before + 1


def test_a_closed_operation_takes_no_new_incidents(story: Scenario) -> None:
    operation = story.operation()
    story.ok(c.CloseOperation, operation_id=operation)
    outcome = story.do(
        c.ReportIncident,
        operation_id=operation,
        kind="fire",
        lat=24.9,
        lon=118.6,
        severity=2,
    )
    assert (
        outcome.rejection is not None and outcome.rejection.code == "operation_closed"
    )


def test_vetting_is_decided_once(story: Scenario) -> None:
    vid = story.registered()
    story.ok(c.DecideVetting, volunteer_id=vid, approved=False, reason="no references")
    again = story.do(c.DecideVetting, volunteer_id=vid, approved=True)
    assert (
        again.rejection is not None
        and again.rejection.code == "vetting_already_decided"
    )


def test_a_dispatched_volunteer_cannot_end_their_shift(story: Scenario) -> None:
    incident = story.incident(story.operation())
    vid = story.ready_volunteer()
    story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)
    outcome = story.do(c.EndShift, volunteer_id=vid, actor=volunteer(vid))
    assert outcome.rejection is not None and outcome.rejection.code == "busy"


def test_a_hazard_is_followed_until_it_is_fixed(
    story: Scenario, brigade: Brigade
) -> None:
    # Given a shop inspected during the year-round programme
    operation = story.new(
        c.OpenOperation,
        "operation_id",
        name="Luojiang programme 2023",
        kind="programme",
    )
    inspector = story.ready_volunteer(
        courses=("basic-fire-safety", "hazard-inspection")
    )
    me = volunteer(inspector)
    shop = story.new(
        c.RegisterPremises,
        "premises_id",
        name="Xiao Li noodles",
        address="12 Wanan Road",
        lat=24.95,
        lon=118.62,
        category="restaurant",
        actor=me,
    )
    story.ok(
        c.InspectPremises,
        premises_id=shop,
        operation_id=operation,
        checklist={"extinguisher": False, "exits clear": True},
        actor=me,
    )
    hazard = story.new(
        c.RecordHazard,
        "hazard_id",
        premises_id=shop,
        operation_id=operation,
        kind="extinguisher expired",
        severity=3,
        actor=me,
    )

    # When the loop runs: order, self-check, rectify, re-inspect (fail, then pass)
    story.ok(
        c.OrderRectification,
        premises_id=shop,
        hazard_id=hazard,
        deadline=LANDFALL + timedelta(days=7),
    )
    story.ok(
        c.SubmitSelfCheck,
        premises_id=shop,
        hazard_id=hazard,
        note="bought one",
        actor=me,
    )
    story.ok(
        c.RecordRectification,
        premises_id=shop,
        hazard_id=hazard,
        evidence="receipt",
        actor=me,
    )
    story.ok(
        c.ReinspectHazard, premises_id=shop, hazard_id=hazard, passed=False, actor=me
    )
    early_close = story.do(c.CloseHazard, premises_id=shop, hazard_id=hazard)
    story.ok(
        c.RecordRectification,
        premises_id=shop,
        hazard_id=hazard,
        evidence="mounted",
        actor=me,
    )
    story.ok(
        c.ReinspectHazard, premises_id=shop, hazard_id=hazard, passed=True, actor=me
    )
    story.ok(c.CloseHazard, premises_id=shop, hazard_id=hazard)
    after_close = story.do(
        c.RecordRectification,
        premises_id=shop,
        hazard_id=hazard,
        evidence="again",
        actor=me,
    )

    # Then it is closed, it could not be closed early, and nothing follows the close
    assert (
        early_close.rejection is not None
        and early_close.rejection.code == "hazard_wrong_state"
    )
    assert (
        after_close.rejection is not None
        and after_close.rejection.code == "hazard_closed"
    )
    assert brigade.get(Premises, shop).hazards[hazard.hex]["state"] == "closed"


def test_a_deadline_lies_after_the_order(story: Scenario) -> None:
    programme = story.operation("programme")
    shop = story.new(
        c.RegisterPremises,
        "premises_id",
        name="Shop",
        address="1 Road",
        lat=24.9,
        lon=118.6,
    )
    hazard = story.new(
        c.RecordHazard,
        "hazard_id",
        premises_id=shop,
        operation_id=programme,
        kind="wiring",
        severity=4,
    )
    outcome = story.do(
        c.OrderRectification, premises_id=shop, hazard_id=hazard, deadline=LANDFALL
    )
    assert outcome.rejection is not None and outcome.rejection.code == "invalid_value"


def test_activities_are_served_by_vetted_volunteers_only(story: Scenario) -> None:
    operation = story.operation("programme")
    vetted = story.ready_volunteer("Lin Hua")
    unvetted = story.registered("Zhao Lei")
    ok = story.do(
        c.LogServiceActivity,
        operation_id=operation,
        kind="hornet_nest",
        participants=[vetted],
        hours=1.5,
        actor=volunteer(vetted),
    )
    refused = story.do(
        c.LogServiceActivity,
        operation_id=operation,
        kind="drill",
        participants=[vetted, unvetted],
        hours=2,
    )
    assert ok.accepted
    assert refused.rejection is not None and refused.rejection.code == "not_vetted"


def test_unknown_things_are_not_found(story: Scenario) -> None:
    outcome = story.do(c.DispatchVolunteer, incident_id=uuid4(), volunteer_id=uuid4())
    assert outcome.rejection is not None
    assert (outcome.rejection.code, outcome.rejection.kind) == (
        "incident_not_found",
        "not_found",
    )
