"""The simulated year as the programme published it: nests are turn-outs.

"767 rescue turn-outs, of which 145 hornet nests, 50+ rescued and 153 evacuated
in Doksuri": the nests are incidents of the year-round programme with a
volunteer sent to each, the storm's calls make the other 622 turn-outs and all
its rescues and evacuations, and the report says which operation each comes from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projections.rebuild import rebuild
from replay.report import build_report
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from conftest import Played


def test_the_nests_are_turn_outs_of_the_programme(published_year: Played) -> None:
    brigade, simulation = published_year.brigade, published_year.simulation
    stats = rebuild(brigade)["stats"].rows
    programme = stats[str(simulation.programme)]
    doksuri = stats[str(simulation.doksuri)]

    assert programme["incidents_by_kind"] == {"hornet_nest": 145}
    assert programme["dispatches"] == programme["hornet_nests"] == 145
    assert "hornet_nest" not in programme["activities_by_kind"]
    assert programme["activities"] == 820
    assert doksuri["dispatches"] == 767 - 145
    assert doksuri["hornet_nests"] == 0
    assert (doksuri["rescued"], doksuri["evacuated"]) == (50, 153)
    assert (programme["rescued"], programme["evacuated"]) == (0, 0)
    # Each nest was reached: dispatched, arrived, so it has a response time.
    assert programme["dispatch_to_arrival_s"]["n"] == 145


def test_the_report_says_where_each_figure_comes_from(published_year: Played) -> None:
    brigade, simulation = published_year.brigade, published_year.simulation
    report = build_report(brigade, [simulation.programme, simulation.doksuri])
    data = report.data
    names = {o["id"]: o["name"] for o in data["operations"]}
    year, storm = names[str(simulation.programme)], names[str(simulation.doksuri)]

    assert data["totals"]["rescue_turnouts"] == 767
    assert data["totals"]["hornet_nests"] == 145
    assert data["sources"]["rescue_turnouts"] == [year, storm]
    assert data["sources"]["hornet_nests"] == [year]
    assert data["sources"]["service_activities"] == [year]
    assert data["sources"]["people_rescued"] == [storm]
    assert data["sources"]["people_evacuated"] == [storm]
    html = report.html()
    assert f"from 来自: {year} + {storm}" in html


def test_replay_at_the_end_is_the_live_years_views(published_year: Played) -> None:
    brigade = published_year.brigade
    head = brigade.recorder.max_notification_id() or 0
    live = rebuild(brigade)
    replayed = TimeTravel(brigade).at_position(head)
    for name in ("stats", "board", "roster"):
        assert replayed.rows(name) == live[name].rows, name
