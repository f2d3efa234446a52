"""The after-action report's files: the CSV, the self-contained HTML and its plots."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

import pytest
from report_story import DRAWN_ON_SQLITE, images, tell

from replay.report import build_report

if TYPE_CHECKING:
    from uuid import UUID

    from support import Scenario

    from domain.application import Brigade


@pytest.fixture
def told(story: Scenario) -> dict[str, UUID]:
    return tell(story)


def test_the_csv_carries_the_same_numbers(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    report = build_report(brigade, [told["op"]])
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


@DRAWN_ON_SQLITE
def test_the_html_is_self_contained_with_its_plots(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    html = build_report(brigade, [told["op"]]).html()
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
    told: dict[str, UUID], brigade: Brigade
) -> None:
    first, second = (
        build_report(brigade, [told["op"]]),
        build_report(brigade, [told["op"]]),
    )
    assert first.json() == second.json()
    assert first.csv() == second.csv()
    assert first.html() == second.html()


def test_names_the_fonts_cannot_draw_are_plotted_by_id() -> None:
    from replay.report import plots

    row = {
        "volunteer_id": "5f0c3a9e-0000-4000-8000-000000000000",
        "name": "陈伟",
        "shift_hours": 8.0,
        "activity_hours": 1.5,
        "hours": 9.5,
    }
    # Under filterwarnings=error a missing glyph would fail this test.
    png = plots.service_hours({"service_hours": [row]})
    assert png.startswith(b"\x89PNG")
    assert plots.label("Chen Wei", "5f0c3a9e") == "Chen Wei"
