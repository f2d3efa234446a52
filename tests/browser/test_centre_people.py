"""People from the command centre: a commander enrols a volunteer's phone from the
roster (the QR code and the link appear, and the link signs a phone in), revokes a
lost phone's token (the phone signs out), and sees the register's entries not yet
checked on, highest risk first, starts a round for an area, and watches an entry
leave the list when its volunteer records the check."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from browser.field import brigade_serve, phone
from browser.scenes import SCREENSHOTS, open_operation, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from playwright.sync_api import Browser

    from browser.conftest import Window

COURSES = ["basic-fire-safety", "water-rescue"]
# gateway/web/field/js/i18n.js
REVOKED = "This phone's token was revoked: ask your commander for a new enrolment link."


def register(api: Api, name: str, area: str, risk: int, people: int = 1) -> str:
    result = api.commander(
        "RegisterVulnerable",
        kind="elderly_alone",
        area=area,
        lat=24.91,
        lon=118.59,
        address=f"{name}'s lane",
        name=name,
        people=people,
        risk=risk,
        consent=True,
    )
    return str(result["result"]["entry_id"])


def test_a_commander_enrols_a_phone_and_revokes_it_when_lost(
    browser: Browser, window: Window, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        page = window.open(api, operation)
        page.locator(f'#roster li[data-key="{vid}"]').click()
        panel = page.locator("#action")
        expect(panel.locator("h2")).to_have_text("Volunteer: Xu Ming")
        # The token the test's volunteer helper was given is listed already.
        tokens = panel.locator(".tokens li[data-token]")
        expect(tokens).to_have_count(1)
        expect(tokens.locator('input[name="reason"]')).to_be_hidden()
        panel.locator('[data-action="enrol"]').click()
        qr = panel.locator(".enrolment img.qr")
        expect(qr).to_be_visible()
        # The server's SVG, shown as an image from a blob: URL, and drawn.
        assert qr.get_attribute("src").startswith("blob:")  # type: ignore[union-attr]
        assert qr.evaluate("(img) => img.complete && img.naturalWidth > 0")
        link = panel.locator(".enrolment a.link").inner_text()
        assert re.fullmatch(rf"{re.escape(api.url)}/field#enrol=[A-Z0-9]+", link), link
        expect(panel.locator(".enrolment .expires")).to_contain_text(
            "Works once, until"
        )
        assert window.elsewhere(api.url) == []
        links = panel.locator(".links li[data-enrolment]")
        expect(links).to_have_count(1)
        expect(links.first).to_have_attribute("data-state", "waiting")

        with phone(browser) as held:
            held.page.goto(link)  # as the phone's camera opens the QR code
            held.online()
            expect(held.page.locator("#who")).to_have_text("Xu Ming")

            # The phone is among the volunteer's tokens once the panel lists them again.
            page.keyboard.press("Escape")
            expect(panel).to_be_hidden()
            page.locator(f'#roster li[data-key="{vid}"]').click()
            expect(tokens).to_have_count(2)
            expect(links.first).to_have_attribute("data-state", "used")
            # A second link, withdrawn before any phone used it.
            panel.locator('[data-action="enrol"]').click()
            expect(links).to_have_count(2)
            waiting = panel.locator('.links li[data-state="waiting"]')
            waiting.locator('[data-action="withdraw"]').click()
            expect(page.locator("#toast")).to_have_text("Link withdrawn")
            expect(panel.locator('.links li[data-state="cancelled"]')).to_have_count(1)
            expect(panel.locator(".enrolment")).to_be_hidden()  # its QR code too
            redeemed = [
                row["token_id"]
                for row in api.http.get(
                    "/enrolments",
                    params={"volunteer_id": vid},
                    headers=api.token(Role.COMMANDER),
                ).json()["rows"]
                if row["token_id"]
            ]
            phones = panel.locator(f'.tokens li[data-token="{redeemed[0]}"]')
            phones.locator('[data-action="revoke"]').click()
            expect(phones.locator('input[name="reason"]')).to_have_value("phone lost")
            phones.locator('button[type="submit"]').click()
            expect(page.locator("#toast")).to_have_text(
                "Token revoked: that phone is signed out"
            )
            expect(tokens).to_have_count(1)
            expect(phones).to_have_count(0)
            # The phone's session is closed, and it says why.
            expect(held.page.locator("#signin")).to_be_visible(timeout=10_000)
            expect(held.page.locator("#signin-why")).to_have_text(REVOKED)


def test_check_ons_list_what_is_not_yet_checked_by_risk_and_a_round_starts_here(
    window: Window, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        lin = register(api, "Lin Shu", "Qiaonan", risk=3)
        zheng = register(api, "Zheng Meilan", "Qiaonan", risk=5, people=2)
        school = register(api, "Heshi kindergarten", "Heshi", risk=4, people=40)
        page = window.open(api, operation)

        section = page.locator("#checkons")
        pending = section.locator("ul.pending li")
        expect(pending).to_have_count(3)
        # Highest risk first.
        expect(pending.nth(0)).to_have_attribute("data-entry", zheng)
        expect(pending.nth(1)).to_have_attribute("data-entry", school)
        expect(pending.nth(2)).to_have_attribute("data-entry", lin)
        expect(section.locator("h2 .count")).to_have_text("3")
        qiaonan = section.locator('ul.areas li[data-area="Qiaonan"]')
        expect(qiaonan).to_contain_text("registered: 2 · people: 3 · 2 not yet checked")
        expect(qiaonan).to_contain_text("no round yet")

        qiaonan.locator('[data-action="start-round"]').click()
        form = page.locator("#action form.round-form")
        form.locator('button[type="submit"]').click()  # nobody chosen: said so
        expect(form.locator(".refusal")).to_have_text("Choose at least one volunteer.")
        form.locator(f'input[value="{vid}"]').check()
        form.locator('button[type="submit"]').click()
        expect(page.locator("#toast")).to_have_text("Round started in Qiaonan")
        expect(page.locator("#action")).to_be_hidden()
        expect(qiaonan).to_contain_text("on a round (1 checking)")
        expect(pending.nth(0)).to_have_attribute("data-round", re.compile(".+"))
        page.evaluate("document.getElementById('toast').hidden = true")
        page.screenshot(path=str(SCREENSHOTS / "checkons.png"))

        # The volunteer records the check from the phone (over HTTP here).
        round_id = pending.nth(0).get_attribute("data-round")
        response = api.send(
            "RecordCheck",
            api.token(Role.VOLUNTEER, vid),
            round_id=round_id,
            entry_id=zheng,
            outcome="safe",
        )
        assert response.status_code == 200, response.text
        expect(pending).to_have_count(2)
        expect(section.locator(f'li[data-entry="{zheng}"]')).to_have_count(0)
        expect(qiaonan).to_contain_text("1 not yet checked")
        expect(section.locator("h2 .count")).to_have_text("2")
        expect(qiaonan).to_contain_text("found: 1 safe · 0 evacuated · 0 need help")

        # Lin Shu is evacuated: the round and the operation's count both move.
        response = api.send(
            "RecordCheck",
            api.token(Role.VOLUNTEER, vid),
            round_id=round_id,
            entry_id=lin,
            outcome="evacuated",
            count=1,
            destination="Qiaonan school",
        )
        assert response.status_code == 200, response.text
        expect(qiaonan).to_contain_text("found: 1 safe · 1 evacuated · 0 need help")
        expect(qiaonan).to_contain_text("0 not yet checked")
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("1")
        expect(pending).to_have_count(1)


def test_an_observer_sees_counts_per_area_only(window: Window, tmp_path: Path) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        register(api, "Zheng Meilan", "Qiaonan", risk=5, people=2)
        page = window.open(
            api, operation, token=api.bearer(Role.OBSERVER, "district-office")
        )
        section = page.locator("#checkons")
        expect(section.locator('ul.areas li[data-area="Qiaonan"]')).to_have_text(
            "Qiaonanregistered: 1 · people: 2"
        )
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(section.locator("ul.pending")).to_be_hidden()
        expect(section.locator('[data-action="start-round"]')).to_have_count(0)
        assert "Zheng Meilan" not in page.content()


def test_a_link_used_meanwhile_cannot_be_withdrawn_and_the_panel_says_why(
    window: Window, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        page = window.open(api, operation)
        page.locator(f'#roster li[data-key="{vid}"]').focus()
        page.keyboard.press("Enter")  # a roster line opens by keyboard too
        panel = page.locator("#action")
        panel.locator('[data-action="enrol"]').click()
        waiting = panel.locator('.links li[data-state="waiting"]')
        expect(waiting).to_have_count(1)
        # The phone takes the code while the panel still shows it waiting.
        code = panel.locator(".enrolment a.link").inner_text().split("#enrol=")[1]
        assert api.http.post("/enrol", json={"code": code}).status_code == 200
        waiting.locator('[data-action="withdraw"]').click()
        refusal = waiting.locator(".refusal")
        expect(refusal).to_have_text("Refused: this enrolment code was already used")
        expect(refusal).to_have_attribute("data-code", "enrolment_used")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
