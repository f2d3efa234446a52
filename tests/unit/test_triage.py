"""What the duty officer sees first: the board in triage order, the waiting alarm,
who is free per kind of need, and the incident's own story in the views."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from support import LANDFALL, flood, provenance

from domain.model.base import Provenance
from domain.model.incident import Incident
from projections import triage
from projections.catalog import all_views, fold


def incident(number: int, severity: int, minutes_ago: int, **fields: Any) -> Any:
    reported = LANDFALL - timedelta(minutes=minutes_ago)
    return {
        "id": f"i{number}",
        "number": number,
        "severity": severity,
        "status": "reported",
        "reported_at": reported.isoformat(),
        "dispatched": [],
        "on_scene": [],
        "lat": 24.95,
        "lon": 118.60,
        "needs": "water_rescue",
        **fields,
    }


def volunteer(name: str, lat: float, **fields: Any) -> Any:
    return {
        "id": name,
        "status": "available",
        "operation_id": "op",
        "dispatchable": True,
        "qualified_domains": ["water_rescue"],
        "position": {"lat": lat, "lon": 118.60},
        **fields,
    }


def test_unassigned_come_first_then_the_most_severe_then_the_longest_waiting() -> None:
    rows = [
        incident(1, 5, 30, status="on_scene", on_scene=["v"]),
        incident(2, 3, 40),
        incident(3, 5, 2),
        incident(4, 5, 9),
        incident(5, 4, 50, status="resolved"),
        incident(6, 3, 41),
    ]
    assert [row["number"] for row in triage.triage(rows, LANDFALL)] == [
        4,
        3,
        6,
        2,
        1,
        5,
    ]


def test_a_volunteers_sos_goes_before_every_other_call_in_its_group() -> None:
    rows = [
        incident(1, 5, 30),
        incident(2, 4, 1, sos=True),
        incident(3, 5, 40, dispatched=["v"], status="dispatched"),
        incident(4, 3, 2, sos=True, dispatched=["w"], status="dispatched"),
        incident(5, 5, 45),
    ]
    order = [row["number"] for row in triage.triage(rows, LANDFALL)]
    assert order == [2, 5, 1, 4, 3]


def test_the_board_marks_an_sos_only_when_a_volunteer_raised_it() -> None:
    operation, volunteer_id = uuid4(), uuid4()
    by_volunteer = Provenance(LANDFALL, f"volunteer:{volunteer_id}", uuid4())

    def reported(description: str, p: Provenance) -> Incident:
        return Incident.report(
            uuid4(), operation, kind="other", lat=24.9, lon=118.6, address="",
            severity=5, description=description, p=p,
        )  # fmt: skip

    sos = reported("SOS: from a volunteer's phone", by_volunteer)
    quoted = reported("SOS: said a caller", provenance())  # a commander's report
    plain = reported("water at the door", by_volunteer)
    views = incident_views()
    events = [e for i in (sos, quoted, plain) for e in i.collect_events()]
    fold(views, enumerate(events, start=1))
    rows = views["board"].rows
    assert [rows[str(i.id)]["sos"] for i in (sos, quoted, plain)] == [
        True,
        False,
        False,
    ]


def test_an_incident_waiting_past_its_severitys_limit_is_marked_until_assigned() -> (
    None
):
    limits = {5: 3, 3: 10}
    urgent, minor = incident(1, 5, 4), incident(2, 3, 4)
    assert triage.waiting_too_long(urgent, LANDFALL, limits)
    assert not triage.waiting_too_long(minor, LANDFALL, limits)
    later = LANDFALL + timedelta(minutes=7)
    assert triage.waiting_too_long(minor, later, limits)
    minor["dispatched"] = ["v"]
    assert not triage.waiting_too_long(minor, later, limits)
    # A severity without a limit is never marked.
    assert not triage.waiting_too_long(incident(3, 1, 600), LANDFALL, limits)


def test_available_counts_only_those_on_shift_here_free_and_qualified() -> None:
    roster = [
        volunteer("a", 24.95),
        volunteer("b", 24.96, qualified_domains=["water_rescue", "first_aid"]),
        volunteer("c", 24.95, status="off_duty", operation_id=None),
        volunteer("d", 24.95, status="dispatched"),
        volunteer("e", 24.95, dispatchable=False),
        volunteer("f", 24.95, operation_id="another"),
    ]
    assert triage.availability(roster, "op") == {"water_rescue": 2, "first_aid": 1}


def test_the_nearest_qualified_distance_skips_the_unqualified_and_busy() -> None:
    flood_row = incident(1, 4, 3)
    roster = [
        volunteer("near but busy", 24.951, status="dispatched"),
        volunteer("near, other skill", 24.952, qualified_domains=["first_aid"]),
        volunteer("ten km", 25.04),
        volunteer("no position", 24.95, position=None),
    ]
    km = triage.nearest_qualified(flood_row, roster, "op")
    assert km is not None and 9.9 < km < 10.1
    assert triage.nearest_qualified(flood_row, roster[:2], "op") is None


def incident_views() -> dict[str, Any]:
    """The views these stories concern (the others want the volunteers registered)."""
    return {
        name: view
        for name, view in all_views().items()
        if name in ("board", "timeline", "stats")
    }


def play_flood() -> dict[str, Any]:
    """A flood's story straight on the aggregate, folded into every view."""
    operation = uuid4()
    incident = flood(operation)
    first, second = uuid4(), uuid4()
    incident.assess("water at the first floor", 4, 6, provenance(2))
    incident.dispatch(first, "boat", provenance(5))
    incident.post_message("bring a pump", provenance(6))
    incident.dispatch(second, "", provenance(7))
    incident.arrive(first, provenance(20))
    incident.release(second, "needed elsewhere", provenance(21))
    events = incident.collect_events()
    views = incident_views()
    fold(views, enumerate(events, start=1))
    return {"views": views, "id": str(incident.id), "op": str(operation)}


def test_the_board_carries_the_assessment_the_number_and_what_it_needs() -> None:
    played = play_flood()
    row = played["views"]["board"].rows[played["id"]]
    assert row["number"] == 1
    assert row["needs"] == "water_rescue"
    assert row["summary"] == "water at the first floor"
    assert row["people_at_risk"] == 6
    assert row["severity"] == 4
    assert row["first_dispatch_at"] == provenance(5).occurred_at.isoformat()


def test_the_timeline_keeps_every_event_with_field_time_and_who() -> None:
    played = play_flood()
    entries = played["views"]["timeline"].rows[played["id"]]["entries"]
    assert [e["what"] for e in entries] == [
        "reported",
        "assessed",
        "dispatched",
        "message",
        "dispatched",
        "arrived",
        "released",
    ]
    message = entries[3]
    assert message["text"] == "bring a pump"
    assert message["at"] == provenance(6).occurred_at.isoformat()
    assert message["actor"] == "test"
    assert entries[-1]["reason"] == "needed elsewhere"


def test_the_backlog_and_the_last_hours_medians_move_with_the_storm() -> None:
    operation = uuid4()
    views = incident_views()
    events: list[Any] = []
    early, late = flood(operation), flood(operation)
    early.dispatch(uuid4(), "", provenance(10))  # waited 10 min
    events += early.collect_events()
    stats = views["stats"]
    fold(views, enumerate(events, start=1))
    row = stats.rows[str(operation)]
    assert row["unassigned"] == 0
    assert row["report_to_dispatch_1h_s"]["median"] == 600
    # The second flood waits: the backlog counts it, the oldest is its report.
    position = len(events)
    pending = late.collect_events()
    fold(views, enumerate(pending, start=position + 1))
    position += len(pending)
    assert row["unassigned"] == 1
    assert row["oldest_unassigned_at"] == provenance(0).occurred_at.isoformat()
    # Dispatched after 90 minutes: the whole operation's median holds both, the
    # last hour's only the recent one.
    helper = uuid4()
    late.dispatch(helper, "", provenance(90))
    pending = late.collect_events()
    fold(views, enumerate(pending, start=position + 1))
    position += len(pending)
    assert row["unassigned"] == 0
    assert row["report_to_dispatch_s"]["n"] == 2
    assert row["report_to_dispatch_1h_s"] == {
        "n": 1,
        "median": 5400,
        "p90": 5400,
    }
    # Released with nobody left on it, it is waiting again.
    late.release(helper, "", provenance(91))
    fold(views, enumerate(late.collect_events(), start=position + 1))
    assert row["unassigned"] == 1


def test_a_response_time_leaves_the_last_hour_an_hour_after_it_was_taken() -> None:
    operation = uuid4()
    views = incident_views()
    incident = flood(operation)
    incident.dispatch(uuid4(), "", provenance(10))
    events: list[Any] = list(incident.collect_events())
    fold(views, enumerate(events, start=1))
    row = views["stats"].rows[str(operation)]
    assert row["report_to_dispatch_1h_s"]["n"] == 1
    # Field time moves on 61 minutes (another call comes in): the sample has aged out
    # of the last hour, not out of the whole operation.
    later = Incident.report(
        uuid4(),
        operation,
        kind="fire",
        lat=24.9,
        lon=118.6,
        address="",
        severity=2,
        description="",
        p=provenance(71),
    )
    fold(views, enumerate(later.collect_events(), start=len(events) + 1))
    assert row["report_to_dispatch_1h_s"] == {"n": 0, "median": None, "p90": None}
    assert row["report_to_dispatch_s"]["n"] == 1
    assert row["unassigned"] == 1
