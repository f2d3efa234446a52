"""The after-action report reads as a person writes: times to the minute, words
not codes, incidents by kind, number and place, and the detail tables last."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from report_story import DRAWN_ON_SQLITE, tell

from replay.report import build_report

if TYPE_CHECKING:
    from uuid import UUID

    from support import Scenario

    from domain.application import Brigade


@pytest.fixture
def told(story: Scenario) -> dict[str, UUID]:
    return tell(story)


def text_of(html: str) -> str:
    """What a reader sees: no style, no plots, no tags."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    html = re.sub(r'src="data:image/png;base64,[^"]+"', "", html)
    return re.sub(r"<[^>]+>", " ", html)


@DRAWN_ON_SQLITE
def test_the_report_says_times_to_the_minute_and_words_not_codes(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    report = build_report(brigade, [told["op"]])
    html = report.html()
    text = text_of(html)
    # No seconds, no microseconds, no ISO "T" between date and time.
    assert not re.search(r"\d\d:\d\d:\d\d", text)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)
    # No codes: neither the domain's snake_case nor any id.
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(
        r"\b[a-z]+_[a-z_]+\b", text
    )
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)
    assert "trapped persons 人员被困" in text
    assert "not insured 无有效保险" in text
    # Incidents by what, which and where; the trapped persons waited 2 minutes.
    assert re.search(r"trapped persons #\d+ · ", text)
    assert report.data["incidents"][0]["number"] == 1
    # At a glance first; every row's tables after.
    glance, details = html.index('id="glance"'), html.index('id="details"')
    assert glance < html.index("<img") < details
    assert html.index("<h3>Service hours per volunteer") > details
    assert "@media print" in html


@DRAWN_ON_SQLITE
def test_every_incident_is_in_the_report_with_its_wait(
    told: dict[str, UUID], brigade: Brigade
) -> None:
    incidents = build_report(brigade, [told["op"]]).data["incidents"]
    assert [i["number"] for i in incidents] == list(range(1, len(incidents) + 1))
    assert [i["kind"] for i in incidents][:2] == ["flood", "trapped_persons"]
    waits = {i["kind"]: i["waited_s"] for i in incidents if i["waited_s"] is not None}
    assert waits, incidents
    # The report's own median over the same waits, as the stats view holds it.
    median = build_report(brigade, [told["op"]]).data["response_times"]
    assert median["report_to_dispatch_s"]["n"] == len(
        [i for i in incidents if i["waited_s"] is not None]
    )
