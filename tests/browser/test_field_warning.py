"""A risk warning on the phone: issued over the volunteer on shift, it is announced
with a banner (and a vibration) and stays above every screen in its colour, in
the app's language; raised, announced again; cancelled, gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from browser.field import brigade_serve, phone
from browser.scenes import SCREENSHOTS, open_operation, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

COURSES = ["basic-fire-safety", "water-rescue"]
PUSHED = 5_000
# Over Luojiang, where the volunteer stands (24.95 N, 118.61 E).
SQUARE = [[118.55, 24.9], [118.7, 24.9], [118.7, 25.0], [118.55, 25.0], [118.55, 24.9]]
# The phone's vibration, as the app asks for it.
BUZZ = "navigator.vibrate = (p) => { (window.buzzed ||= []).push(p); return true; };"


def test_a_warning_is_announced_on_the_phone_and_leaves_when_cancelled(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            held.context.add_init_script(BUZZ)
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            expect(page.locator("#warnings")).to_be_hidden()
            expiry = (datetime.now(UTC) + timedelta(days=1)).isoformat()
            warning = api.commander(
                "IssueWarning", operation_id=operation, event="Typhoon",
                category="Met", urgency="Expected", severity="Minor",
                certainty="Likely", area_desc="Luojiang district", polygon=SQUARE,
                headline={"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
                instruction={"zh": "加固门窗", "en": "Secure doors and windows"},
                expiry=expiry,
            )["result"]["warning_id"]  # fmt: skip

            banner = page.locator("#warning-banner")
            expect(banner).to_be_visible(timeout=PUSHED)
            expect(banner).to_have_attribute("data-level", "blue")
            expect(page.locator("#warning-banner-what")).to_have_text("New warning")
            expect(banner).to_contain_text("Typhoon blue warning")
            expect(banner).to_contain_text("Secure doors and windows")
            assert page.evaluate("window.buzzed.length") == 1
            page.screenshot(path=str(SCREENSHOTS / "field-warning.png"))
            card = page.locator(f"#warnings .warning[data-id='{warning}']")
            expect(card).to_have_attribute("data-level", "blue")
            expect(card).to_contain_text("Blue warning Typhoon blue warning")
            held.tap("#warning-dismiss")
            expect(banner).to_be_hidden()
            held.tab("outbox")  # above every screen
            expect(card).to_be_visible()

            held.tap("#language")
            expect(card).to_contain_text("蓝色预警 台风蓝色预警")
            expect(card).to_contain_text("加固门窗")
            page.reload()  # announced once: not again after a reload
            held.online()
            expect(card).to_be_visible()
            expect(banner).to_be_hidden()

            api.commander(
                "UpdateWarning", warning_id=warning, severity="Severe",
                headline={"zh": "台风橙色预警", "en": "Typhoon orange warning"},
            )  # fmt: skip
            expect(banner).to_be_visible(timeout=PUSHED)
            expect(banner).to_have_attribute("data-level", "orange")
            expect(page.locator("#warning-banner-what")).to_have_text("预警升级")
            expect(banner).to_contain_text("台风橙色预警")
            expect(card).to_have_attribute("data-level", "orange")
            assert page.evaluate("window.buzzed.length") == 1  # a fresh page since

            api.commander("CancelWarning", warning_id=warning, reason="passed")
            expect(page.locator("#warnings")).to_be_hidden(timeout=PUSHED)
            expect(card).to_have_count(0)
