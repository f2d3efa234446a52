"""The after-action report of a known story: its numbers, files and plots, every store.

The story's field times are set by hand, so every number below was worked out
from the story itself, not read back from the code under test.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from support import LANDFALL, Scenario, volunteer

from domain import commands as c
from domain.app import Brigade
from gateway import cli
from projections.rebuild import rebuild
from replay.report import (
    OperationAmbiguous,
    OperationNotFound,
    build_report,
    find_operation,
)

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path
    from uuid import UUID


NAME = "Typhoon Doksuri response"
# Drawing the plots takes seconds and depends only on the numbers, which the other
# tests check on every store: the tests that draw run on SQLite only.
DRAWN_ON_SQLITE = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


def t(minutes: int) -> datetime:
    """Field time: minutes after landfall (09:55 +08:00)."""
    return LANDFALL + timedelta(minutes=minutes)


def tell(story: Scenario) -> dict[str, UUID]:
    """The story. Its numbers are worked out beside the test that checks them."""
    op = story.operation(NAME)
    other = story.operation("Year-round programme 2023")
    chen = story.ready_volunteer("Chen Wei", on_shift=False)
    lin = story.ready_volunteer(
        "Lin Hua",
        ("basic-fire-safety", "water-rescue", "search-and-rescue"),
        on_shift=False,
    )
    # Not trained (basic fire safety missing), and not insured: both refused.
    wu = story.ready_volunteer("Wu Min", ("water-rescue",), on_shift=False)
    zhao = story.ready_volunteer("Zhao Lei", insured=False, on_shift=False)
    for vid in (chen, lin, wu, zhao):
        story.ok(
            c.StartShift,
            volunteer_id=vid,
            operation_id=op,
            occurred_at=t(60),
            actor=volunteer(vid),
        )

    def report(kind: str, at: int, operation: UUID = op) -> UUID:
        return story.new(
            c.ReportIncident,
            "incident_id",
            operation_id=operation,
            kind=kind,
            lat=24.95,
            lon=118.61,
            severity=4,
            occurred_at=t(at),
        )

    def dispatch(incident: UUID, vid: UUID, at: int, *, refused: bool = False) -> None:
        outcome = story.do(
            c.DispatchVolunteer,
            incident_id=incident,
            volunteer_id=vid,
            occurred_at=t(at),
        )
        assert outcome.accepted is not refused, outcome.rejection

    def arrive(incident: UUID, vid: UUID, at: int) -> None:
        story.ok(
            c.RecordArrival,
            incident_id=incident,
            volunteer_id=vid,
            occurred_at=t(at),
            actor=volunteer(vid),
        )

    def people(kind: type[c.Command], incident: UUID, count: int, at: int) -> None:
        extra: dict[str, Any] = (
            {"destination": "Luojiang school"} if kind is c.RecordEvacuation else {}
        )
        story.ok(kind, incident_id=incident, count=count, occurred_at=t(at), **extra)

    flood = report("flood", 62)
    dispatch(flood, chen, 65)
    dispatch(flood, wu, 66, refused=True)
    other_flood = report("flood", 63, other)
    people(c.RecordEvacuation, other_flood, 100, 64)
    trapped = report("trapped_persons", 70)
    dispatch(trapped, lin, 71)
    dispatch(flood, zhao, 72, refused=True)
    arrive(flood, chen, 75)
    arrive(trapped, lin, 76)
    people(c.RecordEvacuation, flood, 23, 78)
    people(c.RecordRescue, flood, 2, 80)
    story.ok(c.ResolveIncident, incident_id=flood, outcome="done", occurred_at=t(81))
    second = report("flood", 82)
    report("hornet_nest", 84)
    dispatch(second, chen, 90)
    dispatch(second, zhao, 91, refused=True)
    arrive(second, chen, 92)
    people(c.RecordEvacuation, second, 10, 95)
    # A phone that was offline: recorded after 11:30, happened at 11:14.
    people(c.RecordRescue, trapped, 4, 79)

    def activity(kind: str, who: list[UUID], hours: float, at: int, o: UUID) -> None:
        story.ok(
            c.LogServiceActivity,
            operation_id=o,
            kind=kind,
            participants=who,
            hours=hours,
            occurred_at=t(at),
        )

    activity("hornet_nest", [chen, lin], 1.5, 100, op)
    activity("publicity", [lin], 2.0, 101, op)
    activity("patrol", [chen], 3.0, 101, other)
    shops = [
        story.new(
            c.RegisterPremises,
            "premises_id",
            name=name,
            address="Wanan Road",
            lat=24.95,
            lon=118.62,
        )
        for name in ("Xiao Li noodles", "Ah Hua tea")
    ]
    for shop, at in ((shops[0], 102), (shops[0], 103), (shops[1], 104)):
        story.ok(
            c.InspectPremises,
            premises_id=shop,
            operation_id=op,
            checklist={"extinguisher": False},
            occurred_at=t(at),
        )
    hazards = []
    for shop, at, deadline in ((shops[0], 105, 110), (shops[1], 106, 107)):
        hazard = story.new(
            c.RecordHazard,
            "hazard_id",
            premises_id=shop,
            operation_id=op,
            kind="extinguisher expired",
            severity=3,
            occurred_at=t(at),
        )
        story.ok(
            c.OrderRectification,
            premises_id=shop,
            hazard_id=hazard,
            deadline=t(deadline),
            occurred_at=t(at),
        )
        hazards.append(hazard)
    story.ok(
        c.RecordRectification,
        premises_id=shops[0],
        hazard_id=hazards[0],
        evidence="new extinguisher",
        occurred_at=t(108),
    )
    for incident, at in ((trapped, 112), (second, 113)):
        story.ok(
            c.ResolveIncident, incident_id=incident, outcome="done", occurred_at=t(at)
        )
    for vid, at in ((wu, 116), (lin, 118), (chen, 120)):
        story.ok(c.EndShift, volunteer_id=vid, occurred_at=t(at), actor=volunteer(vid))
    return {"op": op, "other": other, "chen": chen, "lin": lin, "wu": wu, "zhao": zhao}


@pytest.fixture
def told(story: Scenario) -> dict[str, UUID]:
    return tell(story)


def test_the_totals_are_the_storys(told: dict[str, UUID], app: Brigade) -> None:
    data = build_report(app, [told["op"]]).data
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


def test_response_times_are_worked_out_from_the_clock(
    told: dict[str, UUID], app: Brigade
) -> None:
    times = build_report(app, [told["op"]]).data["response_times"]
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
    told: dict[str, UUID], app: Brigade
) -> None:
    data = build_report(app, [told["op"]]).data
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


def test_service_hours_are_this_operations(told: dict[str, UUID], app: Brigade) -> None:
    rows = build_report(app, [told["op"]]).data["service_hours"]
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
    told: dict[str, UUID], app: Brigade
) -> None:
    live = rebuild(app)["stats"].rows[str(told["op"])]
    assert build_report(app, [told["op"]]).data["stats"] == {str(told["op"]): live}


def test_a_report_up_to_a_position_sees_only_what_was_known(
    told: dict[str, UUID], app: Brigade
) -> None:
    from projections.catalog import all_views, fold

    last = app.recorder.max_notification_id()
    assert last is not None
    upto = last // 2
    views = all_views()
    events = app.recorder.select_notifications(start=1, limit=upto, stop=upto)
    fold(views, [(n.id, app.mapper.to_domain_event(n)) for n in events], emit=False)
    report = build_report(app, [told["op"]], upto=upto)
    assert report.position == upto
    key = str(told["op"])
    assert report.data["stats"] == {key: views["stats"].rows[key]}
    assert report.data["totals"]["people_evacuated"] < 33


def test_operations_reported_together_add_up(
    told: dict[str, UUID], app: Brigade
) -> None:
    data = build_report(app, [told["op"], told["other"]]).data
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


def test_the_csv_carries_the_same_numbers(told: dict[str, UUID], app: Brigade) -> None:
    report = build_report(app, [told["op"]])
    rows = list(csv.DictReader(io.StringIO(report.csv())))
    assert list(rows[0]) == ["section", "name", "detail", "value"]
    totals = {r["name"]: r["value"] for r in rows if r["section"] == "totals"}
    assert totals["rescue_turnouts"] == "3"
    assert totals["people_evacuated"] == "33"
    assert totals["premises_inspected"] == "2"
    medians = {
        r["name"]: float(r["value"])
        for r in rows
        if r["section"] == "response_times" and r["detail"] == "median"
    }
    assert medians == {"report_to_dispatch_s": 180.0, "dispatch_to_arrival_s": 300.0}
    refusals = {
        r["name"]: r["value"] for r in rows if r["section"] == "refusals_by_code"
    }
    assert refusals == {"not_insured": "2", "training_incomplete": "1"}
    hours = {
        r["name"]: r["value"]
        for r in rows
        if r["section"] == "service_hours" and r["detail"] == "hours"
    }
    assert hours[str(told["lin"])] == "4.47"


def images(html: str) -> list[bytes]:
    found = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)">', html)
    return [base64.b64decode(data, validate=True) for data in found]


@DRAWN_ON_SQLITE
def test_the_html_is_self_contained_with_its_plots(
    told: dict[str, UUID], app: Brigade
) -> None:
    html = build_report(app, [told["op"]]).html()
    plots = images(html)
    assert len(plots) == 6
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5_000 for p in plots)
    # Nothing to fetch: no URL, no stylesheet or script, no source but the plots.
    text = re.sub(r'src="data:image/png;base64,[^"]+"', "", html)
    assert not re.search(r"https?:|//[a-z]|<link|<script|src=|url\(", text, re.I)
    for label, value in (
        ("Service activities", 2),
        ("Storefronts / premises inspected", 2),
        ("Rescue turn-outs (dispatches)", 3),
        ("Hornet nests", 2),
        ("People rescued", 6),
        ("People evacuated", 33),
    ):
        assert f'<div class="value">{value}</div><div>{label}</div>' in html


@DRAWN_ON_SQLITE
def test_the_same_events_give_the_same_report(
    told: dict[str, UUID], app: Brigade
) -> None:
    first, second = build_report(app, [told["op"]]), build_report(app, [told["op"]])
    assert first.json() == second.json()
    assert first.csv() == second.csv()
    assert first.html() == second.html()


def test_operations_are_found_by_id_or_unique_name(
    told: dict[str, UUID], story: Scenario, app: Brigade
) -> None:
    assert find_operation(app, NAME) == told["op"]
    assert find_operation(app, str(told["other"])) == told["other"]
    with pytest.raises(OperationNotFound):
        find_operation(app, "Typhoon Lekima response")
    with pytest.raises(OperationNotFound):
        find_operation(app, "00000000-0000-0000-0000-000000000000")
    twin = story.operation(NAME)
    with pytest.raises(OperationAmbiguous) as raised:
        find_operation(app, NAME)
    assert sorted(raised.value.candidates) == sorted([str(told["op"]), str(twin)])
    assert find_operation(app, str(twin)) == twin


@DRAWN_ON_SQLITE
def test_brigade_report_writes_the_three_files(
    told: dict[str, UUID],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGADE_DATABASE_URL", store_url)
    out = tmp_path / "aar"
    assert cli.main(["report", NAME, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"Rescue turn-outs \(dispatches\) +3\n", printed)
    data: dict[str, Any] = json.loads((out / "report.json").read_text("utf-8"))
    assert data["totals"]["people_evacuated"] == 33
    assert (out / "report.csv").read_text("utf-8").startswith("section,name,")
    assert len(images((out / "report.html").read_text("utf-8"))) == 6
    both = tmp_path / "both"
    assert cli.main(["report", NAME, str(told["other"]), "--out", str(both)]) == 0
    together = json.loads((both / "report.json").read_text("utf-8"))
    assert together["totals"]["people_evacuated"] == 133
    assert cli.main(["report", "no such operation", "--out", str(out)]) == 1
    assert "[operation_not_found]" in capsys.readouterr().err


def test_names_the_fonts_cannot_draw_are_plotted_by_id() -> None:
    from replay import report_plots

    row = {
        "volunteer_id": "5f0c3a9e-0000-4000-8000-000000000000",
        "name": "陈伟",
        "shift_hours": 8.0,
        "activity_hours": 1.5,
        "hours": 9.5,
    }
    # Under filterwarnings=error a missing glyph would fail this test.
    png = report_plots.service_hours({"service_hours": [row]})
    assert png.startswith(b"\x89PNG")
    assert report_plots.label("Chen Wei", "5f0c3a9e") == "Chen Wei"


def test_the_simulated_year_reports_the_published_figures(tmp_path: Path) -> None:
    """`brigade simulate doksuri`, then the report of its two operations."""
    import asyncio

    from domain.store.config import store_env
    from domain.writer import CommandWriter
    from replay.sim_drive import WriterSink, play
    from replay.simulator import Params, Simulation

    # The published defaults; phones report rarely, to keep the test short.
    simulation = Simulation(Params(moving_every=3600.0, still_every=7200.0))
    app = Brigade(env=store_env(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path))
    try:
        writer = CommandWriter(app)
        try:
            tally = asyncio.run(play(simulation, WriterSink(writer)))
        finally:
            writer.close()
        assert tally.ok, tally.examples
        operations = [simulation.programme, simulation.doksuri]
        data = build_report(app, operations).data
        programme, doksuri = (build_report(app, [o]).data for o in operations)
    finally:
        app.close()
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
    assert programme["totals"]["rescue_turnouts"] == 0
    assert doksuri["totals"]["rescue_turnouts"] == 767
    assert doksuri["totals"]["people_evacuated"] == 153
