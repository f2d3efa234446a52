"""The map as a duty officer reads it: streets from the district's own archive with
nothing fetched off the server, incidents grouped where they pile up, routes only
while they matter, and places in the language of the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from basemap_file import luojiang
from conftest import free_port, serving
from playwright.sync_api import expect

from browser.scenes import NOON, SCREENSHOTS, open_operation, report, simulate_doksuri
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from browser.conftest import Window

# How many colours a drawn tile of the archive shows (land, river, roads, labels).
COLOURS = """(least = 0) => {
  const counts = [];
  for (const canvas of document.querySelectorAll("#map canvas.leaflet-tile")) {
    const { width, height } = canvas;
    if (!width || !height) continue;
    const data = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(data.slice(i, i + 3).join());
    counts.push(seen.size);
  }
  // Waited for: at least two tiles drawn with more than the land in them.
  return least ? counts.filter((n) => n > least).length >= 2 : counts;
}"""


@pytest.fixture
def with_basemap(tmp_path: Path) -> Settings:
    archive = luojiang(tmp_path / "luojiang.pmtiles")
    return Settings(data_dir=tmp_path / "data", secret="test", basemap=archive)


def drawn_tiles(page: Page) -> list[int]:
    page.wait_for_function(COLOURS, arg=2)
    colours: list[int] = page.evaluate(COLOURS)
    return colours


def test_the_base_map_comes_from_the_servers_archive_and_nothing_leaves_it(
    with_basemap: Settings, window: Window
) -> None:
    ranges: list[tuple[str | None, int]] = []
    window.page.on(
        "response",
        lambda r: (
            ranges.append((r.request.headers.get("range"), r.status))
            if r.url.endswith("/basemap.pmtiles")
            else None
        ),
    )
    with serving(with_basemap) as api:
        operation = open_operation(api)
        # Either side of the Shuangyang bridge: the river and roads in view.
        report(
            api,
            operation,
            lat=24.958,
            lon=118.646,
            address="双阳街3号 (3 Shuangyang Street)",
        )
        report(
            api,
            operation,
            lat=24.945,
            lon=118.664,
            address="安吉路128号 (128 Anji Road)",
        )
        page = window.open(api, operation)
        expect(page.locator("#map")).to_have_attribute("data-basemap", "archive")
        assert max(drawn_tiles(page)) > 3  # land, water, roads: not a blank canvas
        page.locator(".leaflet-control-zoom-in").click()
        drawn_tiles(page)
        # Place names follow the language: the layer is drawn again, in Chinese.
        page.locator("#language").click()
        drawn_tiles(page)

        assert window.elsewhere(api.url) == []
    assert ranges, "the archive was never read"
    # Every read was a byte range answered with part of the file.
    assert all(asked and asked.startswith("bytes=") for asked, _ in ranges)
    assert {status for _, status in ranges} == {206}


def test_dense_incidents_cluster_and_open_ones_stay_above_the_ended(
    with_basemap: Settings, window: Window
) -> None:
    with serving(with_basemap) as api:
        operation = open_operation(api)
        # Twelve calls in one flooded street, two more across the river.
        street = [
            report(
                api, operation, lat=24.95 + i * 0.0003, lon=118.61, severity=2 + i % 3
            )
            for i in range(12)
        ]
        far = [
            report(api, operation, lat=25.10, lon=118.598, severity=5),
            report(api, operation, lat=24.94, lon=118.672, severity=1),
        ]
        for incident in street[:4]:
            api.commander("ResolveIncident", incident_id=incident, outcome="pumped out")
        page = window.open(api, operation)

        open_cluster = page.locator(".leaflet-incidents-pane .incident-cluster span")
        ended_cluster = page.locator(".leaflet-ended-pane .incident-cluster span")
        expect(open_cluster.first).to_have_attribute("data-count", "8")
        expect(ended_cluster.first).to_have_attribute("data-count", "4")
        # The cluster wears the colour of the worst open call in it.
        expect(open_cluster.first).to_have_attribute("data-severity", "4")
        for incident in far:  # alone: shown as themselves
            expect(page.locator(f'[data-key="incident:{incident}"]')).to_be_visible()
        z = page.evaluate(
            """() => ["incidents", "ended"].map((name) =>
                 Number(getComputedStyle(document.querySelector(
                   `.leaflet-${name}-pane`)).zIndex))"""
        )
        assert z[0] > z[1]

        open_cluster.first.click()  # spreads them out: each call on its own
        for incident in street[4:]:
            expect(page.locator(f'[data-key="incident:{incident}"]')).to_be_visible()
        # The board's row opens a call even from inside a cluster.
        page.locator(".leaflet-control-zoom-out").click()
        page.locator(".leaflet-control-zoom-out").click()
        hidden = page.locator(f'[data-key="incident:{street[6]}"]')
        expect(hidden).to_have_count(0)  # inside its cluster again
        page.locator(f'#board tr[data-key="{street[6]}"]').click()
        expect(hidden).to_be_visible()


def test_a_route_shows_while_its_incident_is_open_and_fades_when_it_ends(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        incident = report(api, operation, lat=24.951, lon=118.612)
        path = [[118.664, 24.945], [118.649, 24.956], [118.612, 24.951]]
        api.commander("GuideRoute", incident_id=incident, path=path, note="via bridge")
        api.commander("ClearRoad", incident_id=incident, path=path[1:], note="cleared")
        page = window.open(api, operation)
        route = page.locator('path[data-layer="route"]')
        road = page.locator('path[data-layer="road"]')
        expect(route).to_have_count(1)
        expect(road).to_have_count(1)

        api.commander("ResolveIncident", incident_id=incident, outcome="pumped out")
        expect(page.locator("path.fading")).to_have_count(2)
        expect(route).to_have_count(0)
        expect(road).to_have_count(0)


def test_addresses_read_in_chinese_in_chinese_and_in_pinyin_in_english(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        incident = report(
            api, operation, address="罗溪镇罗溪路12号 (12 Luoxi Road, Luoxi)"
        )
        plain = report(api, operation, lat=24.96, address="Heshi village")
        page = window.open(api, operation)
        marker = page.locator(f'[data-key="incident:{incident}"]')
        other = page.locator(f'[data-key="incident:{plain}"]')
        expect(marker).to_have_attribute("title", "flood · 12 Luoxi Road, Luoxi")
        page.locator("#language").click()
        expect(marker).to_have_attribute("title", "内涝 · 罗溪镇罗溪路12号")
        expect(other).to_have_attribute("title", "内涝 · Heshi village")
        page.locator("#language").click()
        expect(marker).to_have_attribute("title", "flood · 12 Luoxi Road, Luoxi")


def test_the_storm_at_noon_reads_on_the_district_map(
    with_basemap: Settings, window: Window
) -> None:
    operation, _ = simulate_doksuri(with_basemap, NOON)
    with serving(with_basemap) as api:
        page = window.open(api, operation)
        drawn_tiles(page)
        # The morning's calls gather where they came: clusters with their counts.
        clusters = page.locator(".incident-cluster span")
        expect(clusters.first).to_be_visible()
        counts = [
            int(n)
            for n in clusters.evaluate_all("spans => spans.map((s) => s.dataset.count)")
        ]
        assert sum(counts) > len(counts)
        # Only the routes of calls still open are drawn.
        routes = page.locator('path[data-layer="route"]').count()
        rows = page.evaluate(
            """() => [...brigade.views.rows.map.values()].filter(
                 (r) => r.properties.layer === "route").map((r) =>
                   brigade.views.rows.map.get(`incident:${r.properties.incident_id}`)
                     .properties.status)"""
        )
        assert routes == sum(1 for s in rows if s not in ("resolved", "closed"))
        assert routes < len(rows)
        page.locator("#map").screenshot(path=str(SCREENSHOTS / "basemap.png"))
        assert window.elsewhere(api.url) == []


def test_a_tile_server_still_draws_the_map_and_an_archive_wins_over_it(
    tmp_path: Path, window: Window
) -> None:
    port = free_port()
    tiles = f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png"
    settings = Settings(data_dir=tmp_path / "data", secret="test", tile_url=tiles)
    with serving(settings, port=port) as api:
        page = window.open(api, open_operation(api))
        expect(page.locator("#map")).to_have_attribute("data-basemap", "tiles")
        expect(page.locator("#map img.leaflet-tile").first).to_be_attached()
        assert any("/tiles/" in url for url in window.requests)

    both = settings.model_copy(update={"basemap": luojiang(tmp_path / "a.pmtiles")})
    window.requests.clear()
    with serving(both) as api:  # another origin: a page of its own
        page = window.open(api, open_operation(api))
        expect(page.locator("#map")).to_have_attribute("data-basemap", "archive")
        drawn_tiles(page)
        assert not any("/tiles/" in url for url in window.requests)
