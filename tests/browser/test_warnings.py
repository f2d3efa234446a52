"""Risk warnings on the command centre's map: a duty officer raises a typhoon warning,
sees its area in blue, raises it to orange, and sees it go when it is lifted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import open_operation

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings

SQUARE = [[118.55, 24.9], [118.7, 24.9], [118.7, 25.0], [118.55, 25.0], [118.55, 24.9]]


def test_a_warning_is_drawn_in_its_colour_raised_and_lifted(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        expiry = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        warning = api.commander(
            "IssueWarning", operation_id=operation, event="Typhoon", category="Met",
            urgency="Expected", severity="Minor", certainty="Likely",
            area_desc="Luojiang", polygon=SQUARE,
            headline={"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
            instruction={"zh": "加固门窗", "en": "Secure doors and windows"},
            expiry=expiry,
        )["result"]["warning_id"]  # fmt: skip
        page = window.open(api)
        area = page.locator(f'#map path[data-layer="warning"][data-key="{warning}"]')
        expect(area).to_have_attribute("data-level", "blue")
        area.hover()
        expect(page.locator(".warning-tip")).to_contain_text("Typhoon blue warning")

        api.commander(
            "UpdateWarning", warning_id=warning, severity="Severe",
            headline={"en": "Typhoon orange warning"},
        )  # fmt: skip
        expect(area).to_have_attribute("data-level", "orange")
        tip = page.locator(".warning-tip")
        expect(tip).to_contain_text("orange warning · Typhoon orange warning")
        page.locator("#language").click()
        page.mouse.move(5, 5)
        expect(tip).to_have_count(0)
        area.hover()
        expect(tip).to_contain_text("橙色预警 · 台风蓝色预警")

        api.commander("CancelWarning", warning_id=warning, reason="passed")
        expect(area).to_have_count(0)
        expect(tip).to_have_count(0)
