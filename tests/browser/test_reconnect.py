"""The page rides out a server restart: it resumes from its last position without a
reload or a gap, and meets a reset by taking the snapshots again."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import open_operation, report, written_while_down

# Back after a restart: the backoff's waits (0.5 s, 1 s, 2 s, ... with jitter) and a
# busy machine's slower start come first.
BACK = 15_000

if TYPE_CHECKING:
    from conftest import Api
    from playwright.sync_api import Page

    from browser.conftest import Window
    from gateway.settings import Settings


def opened_with_an_incident(api: Api, window: Window) -> tuple[int, str, str, Page]:
    """An operation with one incident, on the page, which is marked so that a reload
    would show; the server's port (to restart on), the operation, the incident."""
    port = int(api.url.rsplit(":", 1)[1])
    operation = open_operation(api)
    before = report(api, operation, address="before the restart")
    page = window.open(api, operation)
    expect(page.locator(f'#board tr[data-key="{before}"]')).to_be_visible()
    page.evaluate("window.loadedOnce = true")
    return port, operation, before, page


def test_after_a_server_restart_the_page_resumes_without_a_reload_or_a_gap(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        port, operation, _, page = opened_with_an_incident(api, window)
        last = api.position()
        expect(page.locator("body")).to_have_attribute("data-position", str(last))

    expect(page.locator("#connection")).not_to_have_attribute("data-state", "connected")
    meanwhile = written_while_down(settings, operation, 2)
    with serving(settings, port=port) as api:
        # Sent at once, most likely before the page is back.
        meanwhile.append(report(api, operation, address="just after the restart"))
        for incident in meanwhile:
            expect(page.locator(f'#board tr[data-key="{incident}"]')).to_be_visible(
                timeout=BACK
            )
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(page.locator("#board tbody tr")).to_have_count(4)
        assert page.evaluate("window.loadedOnce") is True  # no reload

    subscribes = [json.loads(f) for f in window.sent if '"subscribe"' in f]
    assert subscribes[0]["after"] is None
    # It came back asking for what it missed after its last position, not afresh,
    # and was given it: no reset, no second snapshot.
    assert subscribes[-1]["after"] == last
    assert [f for f in window.received if '"resumed":true' in f]
    assert not [f for f in window.received if '"type":"reset"' in f]


def test_a_reset_is_met_by_taking_the_snapshots_again(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        port, operation, before, page = opened_with_an_incident(api, window)

    # The restarted server starts from views saved after these: it cannot resume.
    missed = written_while_down(settings, operation, 2, checkpoint=True)
    with serving(settings, port=port) as api:
        for incident in [before, *missed]:
            expect(page.locator(f'#board tr[data-key="{incident}"]')).to_be_visible(
                timeout=BACK
            )
        expect(page.locator("#board tbody tr")).to_have_count(3)
        assert page.evaluate("window.loadedOnce") is True

    resets = [json.loads(f) for f in window.received if '"type":"reset"' in f]
    assert len(resets) == 1


def test_the_reconnect_waits_are_the_documented_capped_backoff_with_jitter(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        page = window.open(api, open_operation(api))
        waits = page.evaluate(
            """async () => {
              const { backoff } = await import("/web/js/feed.js");
              const at = (attempt, r) => backoff(attempt, () => r);
              return [0, 1, 2, 5, 6, 20].map((n) => [at(n, 0), at(n, 0.999999)]);
            }"""
        )
    # min(30 s, 0.5 s x 2^attempt) times a factor from 0.5 to 1 (docs/protocol.md).
    expected = [min(30_000, 500 * 2**n) for n in (0, 1, 2, 5, 6, 20)]
    for (low, high), cap in zip(waits, expected, strict=True):
        assert low == cap / 2
        assert cap * 0.999 < high <= cap
