"""The after-action report of a known story: its numbers, on every store.

The story (report_story.tell) has its field times set by hand, so every number
below was worked out from the story itself, not read back from the code under test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from report_story import NAME, tell

from projections.rebuild import rebuild
from replay.report import build_report

if TYPE_CHECKING:
    from uuid import UUID

    from conftest import Played
    from support import Scenario

    from domain.application import Brigade


@pytest.fixture
def told(story: Scenario) -> dict[str, UUID]:
    return tell(story)


def test_the_totals_are_the_storys(told: dict[str, UUID], brigade: Brigade) -> None:
    data = build_report(brigade, [told["op"]]).data
    assert data["operations"][0]["name"] == NAME
    assert data["totals"] == {
        "service_activities": 2,  # hornet nest and publicity; the patrol is elsewhere
        "premises_inspected": 2,  # Xiao Li noodles inspected twice counts once
        "rescue_turnouts": 3,  # Chen twice, Lin once; refusals are no turn-out
        "hornet_nests": 2,  # one incident, one activity
        "people_rescued": 6,
        "people_evacuated": 33,  # the other operation's 100 are not ours
        "incidents": 4,
        "dispatches_refused": 3,
        "hazards_found": 2,
        "hazards_rectified": 1,
        "hazards_overdue": 1,  # Ah Hua tea: deadline 11:42, never rectified
        "activity_hours": 5.0,  # 1.5 h x 2 people + 2 h x 1
    }
    assert data["labels"]["rescue_turnouts"]["en"] == "Rescue turn-outs (dispatches)"
    assert data["incidents_by_kind"] == {
        "flood": 2,
        "trapped_persons": 1,
        "hornet_nest": 1,
    }
    assert data["refusals"]["by_code"] == {"not_insured": 2, "training_incomplete": 1}
    assert data["refusals"]["total"] == 3
    assert data["hazards"]["found"] == 2
    assert [h["overdue"] for h in data["hazards"]["ledger"]] == [False, True]
    # The ledger flags exactly the hazards the stats view counts overdue.
    assert (
        sum(h["overdue"] for h in data["hazards"]["ledger"])
        == (data["hazards"]["overdue"])
    )


def test_response_times_are_worked_out_from_the_clock(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    times = build_report(brigade, [told["op"]]).data["response_times"]
    to_dispatch = times["report_to_dispatch_s"]
    # Reported 10:57, 11:05, 11:17; first dispatched 11:00, 11:06, 11:25.
    assert sorted(s["seconds"] for s in to_dispatch["samples"]) == [60, 180, 480]
    # Nearest rank: the median is the 2nd of 3, the 90th percentile the 3rd.
    assert (to_dispatch["n"], to_dispatch["median"], to_dispatch["p90"]) == (
        3,
        180,
        480,
    )
    to_arrival = times["dispatch_to_arrival_s"]
    # Chen 11:00 -> 11:10, Lin 11:06 -> 11:11, Chen again 11:25 -> 11:27.
    assert [s["seconds"] for s in to_arrival["samples"]] == [600, 300, 120]
    assert (to_arrival["n"], to_arrival["median"], to_arrival["p90"]) == (3, 300, 600)
    assert (to_arrival["min"], to_arrival["max"]) == (120, 600)


def test_series_over_time_follow_field_time(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    data = build_report(brigade, [told["op"]]).data
    series = data["incidents_over_time"]
    assert series["bin_minutes"] == 5  # 10:57 to 11:19 fits in 5-minute bins
    assert [b["start"][11:16] for b in series["bins"]] == [
        "10:55",
        "11:00",
        "11:05",
        "11:10",
        "11:15",
    ]
    assert [b["counts"] for b in series["bins"]] == [
        {"flood": 1, "hornet_nest": 0, "trapped_persons": 0},
        {"flood": 0, "hornet_nest": 0, "trapped_persons": 0},
        {"flood": 0, "hornet_nest": 0, "trapped_persons": 1},
        {"flood": 0, "hornet_nest": 0, "trapped_persons": 0},
        {"flood": 1, "hornet_nest": 1, "trapped_persons": 0},
    ]
    # The late rescue (recorded last, happened at 11:14) takes its field-time place.
    assert [(p["at"][11:16], p["evacuated"], p["rescued"]) for p in data["people"]] == [
        ("11:13", 23, 0),
        ("11:14", 23, 4),
        ("11:15", 23, 6),
        ("11:30", 33, 6),
    ]
    assert [
        (p["at"][11:16], p["found"], p["rectified"])
        for p in data["hazards"]["over_time"]
    ] == [("11:40", 1, 0), ("11:41", 2, 0), ("11:43", 2, 1)]


def test_service_hours_are_this_operations(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    rows = build_report(brigade, [told["op"]]).data["service_hours"]
    hours = {
        r["name"]: (r["hours"], r["shift_hours"], r["activity_hours"], r["dispatches"])
        for r in rows
    }
    assert hours == {
        # 10:55 to 11:53 on shift (0.97 h), 1.5 + 2 h of activities.
        "Lin Hua": (4.47, 0.97, 3.5, 1),
        # 10:55 to 11:55 (1 h) and 1.5 h; the 3 h patrol was another operation's.
        "Chen Wei": (2.5, 1.0, 1.5, 2),
        "Wu Min": (0.93, 0.93, 0.0, 0),
        # Still on shift: an open shift counts no hours yet (as on the roster).
        "Zhao Lei": (0.0, 0.0, 0.0, 0),
    }
    assert [r["name"] for r in rows] == ["Lin Hua", "Chen Wei", "Wu Min", "Zhao Lei"]


def test_the_report_and_the_stats_view_agree(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    live = rebuild(brigade)["stats"].rows[str(told["op"])]
    assert build_report(brigade, [told["op"]]).data["stats"] == {str(told["op"]): live}


def test_a_report_up_to_a_position_sees_only_what_was_known(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    from projections.catalog import all_views, fold

    last = brigade.recorder.max_notification_id()
    assert last is not None
    upto = last // 2
    views = all_views()
    events = brigade.recorder.select_notifications(start=1, limit=upto, stop=upto)
    fold(views, [(n.id, brigade.mapper.to_domain_event(n)) for n in events], emit=False)
    report = build_report(brigade, [told["op"]], upto=upto)
    assert report.position == upto
    key = str(told["op"])
    assert report.data["stats"] == {key: views["stats"].rows[key]}
    assert report.data["totals"]["people_evacuated"] < 33


def test_operations_reported_together_add_up(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    data = build_report(brigade, [told["op"], told["other"]]).data
    assert [o["name"] for o in data["operations"]] == [
        NAME,
        "Year-round programme 2023",
    ]
    # The programme adds one flood with 100 evacuated and a 3-hour patrol.
    totals = data["totals"]
    assert (totals["incidents"], totals["people_evacuated"]) == (5, 133)
    assert (totals["service_activities"], totals["activity_hours"]) == (3, 8.0)
    assert totals["rescue_turnouts"] == 3
    assert data["incidents_by_kind"] == {
        "flood": 3,
        "hornet_nest": 1,
        "trapped_persons": 1,
    }
    assert data["by_operation"][str(told["other"])]["people_evacuated"] == 100
    assert data["by_operation"][str(told["op"])]["people_evacuated"] == 33
    chen = next(r for r in data["service_hours"] if r["name"] == "Chen Wei")
    assert (chen["hours"], chen["activity_hours"]) == (5.5, 4.5)
    assert data["response_times"]["report_to_dispatch_s"]["median"] == 180


def test_the_simulated_year_reports_the_published_figures(
    published_year: Played,
) -> None:
    """`brigade simulate doksuri`, then the report of its two operations."""
    brigade, simulation, tally = (
        published_year.brigade,
        published_year.simulation,
        published_year.tally,
    )
    assert tally.ok, tally.examples
    operations = [simulation.programme, simulation.doksuri]
    data = build_report(brigade, operations).data
    programme, doksuri = (build_report(brigade, [o]).data for o in operations)
    assert {k: data["totals"][k] for k in list(data["totals"])[:6]} == {
        "service_activities": 820,
        "premises_inspected": 595,
        "rescue_turnouts": 767,
        "hornet_nests": 145,
        "people_rescued": 50,
        "people_evacuated": 153,
    }
    assert data["refusals"]["total"] == simulation.refusals
    # Each alone: the programme's year, the storm's response.
    assert programme["totals"]["service_activities"] == 820
    # The year's 767 turn-outs: the programme's hornet nests and the storm's calls.
    assert programme["totals"]["rescue_turnouts"] == 145
    assert doksuri["totals"]["rescue_turnouts"] == 767 - 145
    assert doksuri["totals"]["people_evacuated"] == 153
