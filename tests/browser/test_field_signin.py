"""Getting a phone in and out: the commander's enrolment link signs the phone in
(once); a revoked token signs it out and says why; the app speaks the phone's
language, Chinese or English."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from browser.field import brigade_serve, phone
from browser.scenes import SCREENSHOTS, open_operation, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

COURSES = ["basic-fire-safety", "water-rescue"]
# gateway/web/field/js/i18n.js
REVOKED = "This phone's token was revoked: ask your commander for a new enrolment link."
USED = "The enrolment link did not work: the code was already used"


def test_the_enrolment_link_signs_the_phone_in_once(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        made = api.commander("CreateEnrolment", volunteer_id=vid)["result"]
        link = made["link"]
        assert "#enrol=" in link
        with phone(browser) as held:
            page = held.page
            page.goto(link)  # as the QR code opens it
            held.online()
            expect(page.locator("#who")).to_have_text("Xu Ming")
            expect(page.locator("#shift-chip")).to_have_attribute("data-on", "true")
            assert "enrol=" not in page.url  # the code leaves the address bar
            page.reload()  # the token stays on the phone
            held.online()
            expect(page.locator("#who")).to_have_text("Xu Ming")

        with phone(browser) as other:  # the same link on a second phone
            other.page.goto(link)
            expect(other.page.locator("#signin")).to_be_visible()
            expect(other.page.locator("#signin-why")).to_have_text(USED)


def test_a_revoked_token_signs_the_phone_out_and_says_why(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        issued = api.issue(Role.VOLUNTEER, vid)
        with phone(browser) as held:
            page = held.sign_in(api.url, issued.token)
            api.commander(
                "RevokeToken", token_id=str(issued.claims.token_id), reason="lost"
            )
            expect(page.locator("#signin")).to_be_visible(timeout=10_000)
            expect(page.locator("#signin-why")).to_have_text(REVOKED)
            expect(page.locator("#tabs")).to_be_hidden()
            page.screenshot(path=str(SCREENSHOTS / "field-signed-out.png"))
            page.reload()  # still signed out, still saying why
            expect(page.locator("#signin-why")).to_have_text(REVOKED)


def test_the_app_speaks_chinese_on_a_chinese_phone_and_english_on_request(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser, locale="zh-CN") as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            expect(page.locator("#net")).to_have_text("在线")
            expect(page.locator("#shift")).to_have_text("结束值班")
            expect(page.locator("#tabs [data-tab=job]")).to_contain_text("任务")
            assert page.evaluate("document.documentElement.lang") == "zh-CN"
            page.screenshot(path=str(SCREENSHOTS / "field-me-zh.png"))

            held.tap("#language")
            expect(page.locator("#shift")).to_have_text("End shift")
            expect(page.locator("#net")).to_have_text("online")
            page.reload()  # the choice is kept
            held.online()
            expect(page.locator("#shift")).to_have_text("End shift")

            # A refusal in words, in the language chosen: a second shift start
            held.tap("#shift")  # ends the shift
            expect(page.locator("#shift")).to_have_text("Start shift")
            held.tap("#language")
            held.tab("outbox")
            expect(page.locator("#outbox li[data-command=EndShift]")).to_contain_text(
                "已保存"
            )

        with phone(browser, locale="en-GB") as english:
            page = english.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            expect(page.locator("#shift")).to_have_text("Start shift")
            expect(page.locator("#tabs [data-tab=job]")).to_contain_text("Task")


def test_every_label_is_in_both_languages_and_every_target_takes_a_thumb(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            missing = page.evaluate(
                """async () => {
                  const tables = await import("/field/js/i18n.js");
                  const gaps = [];
                  for (const name of ["LABELS", "TERMS", "CODES"]) {
                    const { en, zh } = tables[name];
                    for (const key in en) if (!(key in zh)) gaps.push(`zh ${key}`);
                    for (const key in zh) if (!(key in en)) gaps.push(`en ${key}`);
                  }
                  return gaps;
                }"""
            )
            assert missing == []
            # Gloves on: every control on every screen at least 44 px tall.
            for tab in ("me", "report", "daily", "outbox"):
                held.tab(tab)
                small = page.evaluate(
                    """() => [...document.querySelectorAll(
                        "button, input, select, textarea, summary")]
                      .filter((el) => el.offsetParent !== null)
                      .map((el) => [el.id || el.name || el.textContent.trim(),
                                    el.getBoundingClientRect().height])
                      .filter(([, height]) => height < 44)"""
                )
                assert small == [], (tab, small)
            held.tab("daily")
            page.locator("#screen-daily details:has(#activity) > summary").tap()
            page.screenshot(path=str(SCREENSHOTS / "field-daily.png"))
