"""The after-action report served by a real server, and opened in a real browser.

The store holds the scripted Doksuri morning (replay/sim/morning.py), whose numbers
are worked out by hand below: steps are three field minutes apart.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from conftest import serving

from domain.application import Brigade
from domain.store.config import store_env
from domain.types import Role
from domain.write import CommandWriter
from gateway.settings import Settings
from replay.sim.morning import morning, uid

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api

OPERATION = str(uid("operation"))
NAME = "Typhoon Doksuri response"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def served(store_url: str, tmp_path: Path) -> Iterator[Api]:
    """A real server on a store that holds the Doksuri morning."""
    brigade = Brigade(env=store_env(store_url, tmp_path))
    writer = CommandWriter(brigade)
    try:
        for step in morning():
            writer.execute(step.command)
    finally:
        writer.close()
        brigade.close()
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test"
    )
    with serving(settings) as api:
        yield api


def test_an_observer_gets_the_report_in_three_forms(served: Api) -> None:
    observer = served.token(Role.OBSERVER, "fire-station")
    data = served.http.get(f"/operations/{OPERATION}/report.json", headers=observer)
    assert data.status_code == 200, data.text
    assert data.headers["content-type"] == "application/json"
    report = data.json()
    assert report["totals"]["rescue_turnouts"] == 3  # Chen, Lin, Huang
    assert report["totals"]["dispatches_refused"] == 2  # Zhao, Wu
    assert report["totals"]["people_evacuated"] == 23
    assert report["totals"]["people_rescued"] == 4
    assert report["refusals"]["by_code"] == {
        "not_qualified": 1,  # Zhao Lei has no water-rescue course
        "training_incomplete": 1,  # Wu Min has no basic fire safety
    }
    # The flood waited 9 minutes for Chen Wei, Heshi and Anji Road 3 each.
    to_dispatch = report["response_times"]["report_to_dispatch_s"]
    assert (to_dispatch["median"], to_dispatch["p90"]) == (180, 540)
    to_arrival = report["response_times"]["dispatch_to_arrival_s"]
    assert (to_arrival["n"], to_arrival["median"]) == (2, 180)

    table = served.http.get(f"/operations/{OPERATION}/report.csv", headers=observer)
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("text/csv")
    disposition = f'inline; filename="report-{OPERATION}.csv"'
    assert table.headers["content-disposition"] == disposition
    rows = list(csv.DictReader(io.StringIO(table.text)))
    totals = {r["name"]: r["value"] for r in rows if r["section"] == "totals"}
    assert totals["people_evacuated"] == "23"

    page = served.http.get(f"/operations/{OPERATION}/report", headers=observer)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.count('src="data:image/png;base64,') == 6
    assert '<div class="value">3</div><div>Rescue turn-outs (dispatches)</div>' in (
        page.text
    )


def test_the_operation_may_be_named(served: Api) -> None:
    observer = served.token(Role.OBSERVER)
    by_name = served.http.get(
        f"/operations/{quote(NAME)}/report.json", headers=observer
    )
    assert by_name.status_code == 200
    assert by_name.json()["operations"][0]["id"] == OPERATION
    together = served.http.get(
        "/reports.json",
        params={"operation": [NAME, OPERATION]},  # one operation, named twice
        headers=observer,
    )
    assert together.status_code == 200
    assert [o["id"] for o in together.json()["operations"]] == [OPERATION]


def test_no_token_no_report(served: Api) -> None:
    for suffix in ("", ".json", ".csv"):
        for path in (f"/operations/{OPERATION}/report", "/reports"):
            response = served.http.get(path + suffix, params={"operation": OPERATION})
            assert response.status_code == 401
            assert response.json()["code"] == "unauthenticated"


def test_an_unknown_operation_is_a_404_with_its_code(served: Api) -> None:
    observer = served.token(Role.OBSERVER)
    for ref in ("00000000-0000-0000-0000-000000000000", "Typhoon Lekima"):
        response = served.http.get(f"/operations/{quote(ref)}/report", headers=observer)
        assert response.status_code == 404
        assert response.json()["code"] == "operation_not_found"
    response = served.http.get(
        "/reports.csv", params={"operation": [OPERATION, "Lekima"]}, headers=observer
    )
    assert (response.status_code, response.json()["code"]) == (
        404,
        "operation_not_found",
    )


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_report_opens_in_a_browser_with_its_plots(served: Api) -> None:
    from playwright.sync_api import sync_playwright

    url = f"{served.url}/operations/{OPERATION}/report"
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            context = browser.new_context(
                extra_http_headers=served.token(Role.OBSERVER)
            )
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            response = page.goto(url)
            assert response is not None and response.status == 200
            page.wait_for_load_state("load")
            drawn = page.eval_on_selector_all(
                "img",
                "images => images.map(i => [i.complete, i.naturalWidth, i.alt])",
            )
            heading = page.inner_text("h1")
            evacuated = page.inner_text("#total-people_evacuated .value")
        finally:
            browser.close()
    assert len(drawn) == 6
    assert all(complete and width >= 800 for complete, width, _ in drawn), drawn
    assert "Typhoon Doksuri response" in heading
    assert evacuated == "23"
    # The page fetched nothing but itself: the plots are in it.
    fetched = [u for u in requested if not u.startswith("data:")]
    assert fetched == [url]
    assert not any(re.match(r"https?://(?!127\.0\.0\.1)", u) for u in requested)
