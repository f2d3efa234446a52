"""Replay mode: the same map and panels, fed by /ws/playback, at an earlier moment;
and the screenshots of the simulated Doksuri operation, live and replayed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import (
    LANDFALL_EVENING,
    NOON,
    SCREENSHOTS,
    play_morning,
    simulate_doksuri,
)

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings


def test_replay_shows_an_earlier_moment_and_plays_forward_from_it(
    settings: Settings, window: Window
) -> None:
    _, reached = play_morning(settings)
    dispatched, at = reached["dispatch Chen Wei to the flood"]
    with serving(settings) as api:
        page = window.open(api)
        board = page.locator("#board tbody tr")
        expect(board).to_have_count(3)

        page.locator('#modes [data-mode="replay"]').click()
        bar = page.locator("#replay-bar")
        expect(bar).to_have_attribute("data-state", "paused")
        page.locator("#replay-scrub").fill(str(dispatched))

        # The flood just reported and dispatched to; nobody evacuated yet.
        expect(bar).to_have_attribute("data-position", str(dispatched))
        expect(board).to_have_count(1)
        expect(board.first).to_have_attribute("data-status", "dispatched")
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("0")
        # The field clock of that moment, as the field wrote it.
        clock = at.strftime("%Y-%m-%d %H:%M:%S ") + at.isoformat()[-6:]
        expect(page.locator("#clock")).to_have_text(clock)

        page.locator("#replay-speed").select_option("1000")
        page.locator("#replay-play").click()
        expect(board).to_have_count(3, timeout=10_000)
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("23")

        page.locator('#modes [data-mode="live"]').click()
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(board).to_have_count(3)


ON_THE_MAP = """(n) => [...document.querySelectorAll(".incident-cluster [data-count]")]
  .reduce((sum, c) => sum + Number(c.dataset.count),
          document.querySelectorAll(".incident-icon [data-kind]").length) === n"""


# The simulated Doksuri operation (60 volunteers, a tenth of the published totals)
# played up to the evening of landfall day: seconds to write, and a busy map.


def test_the_simulated_doksuri_operation_live_and_replayed_to_noon(
    settings: Settings, window: Window
) -> None:
    operation, reported = simulate_doksuri(settings, LANDFALL_EVENING)
    with serving(settings) as api:
        page = window.open(api, operation)
        board = page.locator("#board tbody tr")
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(board).to_have_count(len(reported))
        # Every incident on the map: on its own, or counted in its cluster.
        page.wait_for_function(ON_THE_MAP, arg=len(reported))
        # Its name in the header, its area (Luojiang, as opened) drawn on the map.
        expect(page.locator("#operation")).to_have_text(
            "Typhoon Doksuri response, Luojiang"
        )
        expect(page.locator("#map")).to_have_attribute(
            "data-area", "118.52,24.88,118.76,25.12"
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "live.png")
        page.locator("#language").click()
        expect(page.locator("#stats-h")).to_have_text("行动统计")
        page.screenshot(path=SCREENSHOTS / "live-zh.png")
        page.locator("#language").click()

        page.locator('#modes [data-mode="replay"]').click()
        expect(page.locator("#replay-bar")).to_have_attribute("data-state", "paused")
        page.locator("#replay-moment").fill(NOON.strftime("%Y-%m-%dT%H:%M:%S"))
        by_noon = [at for at in reported if at <= NOON]
        assert 0 < len(by_noon) < len(reported)
        expect(board).to_have_count(len(by_noon))
        expect(page.locator("#clock")).to_contain_text("2023-07-28 1")
        page.screenshot(path=SCREENSHOTS / "replay.png")
