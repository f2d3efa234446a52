"""A refusal in the duty officer's language: in Chinese, a refused dispatch is said
by its code's Chinese words (gateway/web/js/refusals.js), with the server's own
detail in brackets; in English, the server's message as it is."""

# Chinese text is written with Chinese punctuation.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import open_operation, report, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings


def test_a_refused_dispatch_is_said_in_chinese(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        # On shift and near, but without the water rescue course.
        chen = volunteer(api, operation, "陈伟", ["basic-fire-safety"], 24.95, 118.61)
        # Vetted, trained and insured, but never on shift.
        wang = api.commander(
            "RegisterVolunteer", name="王芳", contact="+86 595 0001",
            domains=["water_rescue"],
        )["result"]["volunteer_id"]  # fmt: skip
        api.commander("DecideVetting", volunteer_id=wang, approved=True)
        for course in ("basic-fire-safety", "water-rescue"):
            api.commander(
                "RecordCourse", volunteer_id=wang, course=course, passed=True, score=90
            )
        until = (datetime.now(UTC) + timedelta(days=365)).isoformat()
        api.commander(
            "RecordInsurance", volunteer_id=wang, policy="PICC", valid_until=until
        )
        flood = report(api, operation, address="双阳街")
        # Another officer tried Wang first: the incident's timeline keeps the refusal.
        off = api.send(
            "DispatchVolunteer", api.token(Role.COMMANDER), incident_id=flood,
            volunteer_id=wang,
        )  # fmt: skip
        assert off.status_code == 409, off.text
        assert off.json()["code"] == "off_shift"

        page = window.open(api, operation)
        page.locator("#language").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        page.locator(f'#board tr[data-key="{flood}"]').click()
        panel = page.locator("#incident")
        timeline = panel.locator(".timeline")
        expect(timeline).to_contain_text("派遣 王芳 被拒：不在岗")
        expect(timeline).not_to_contain_text("not on shift")

        # The duty officer tries Chen, who lacks the course: the domain says no, in
        # Chinese first, its own detail after.
        panel.locator('[data-action="dispatch"]').click()
        # Nobody qualified is free, so the others are shown at once.
        chen_button = page.locator(f'.others li[data-volunteer="{chen}"] button')
        expect(chen_button).to_be_visible()
        chen_button.click()
        refusal = page.locator("#action .refusal")
        expect(refusal).to_have_attribute("data-code", "not_qualified")
        expect(refusal).to_have_text(
            "被拒绝: 不具备此类警情的资质（not qualified: water rescue course missing）"
        )
        page.locator(f'#board tr[data-key="{flood}"]').click()
        expect(timeline).to_contain_text("派遣 陈伟 被拒：不具备此类警情的资质")

        # Back in English: the server's message, as it was.
        page.locator("#language").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.locator(f'#board tr[data-key="{flood}"]').click()
        expect(timeline).to_contain_text(
            "dispatch of 陈伟 refused: not qualified: water rescue course missing"
        )
        expect(timeline).to_contain_text("dispatch of 王芳 refused: off shift")


def test_the_office_says_a_code_it_has_no_words_for_in_the_centres_words(
    settings: Settings, window: Window
) -> None:
    """The programme office's page (its own strict policy) loads the command centre's
    table from /web/js/refusals.js for the codes its own words do not name."""
    with serving(settings) as api:
        page = window.page
        page.goto(f"{api.url}/office#token={api.bearer(Role.OFFICER, 'office')}")
        expect(page.locator("#login")).to_be_hidden()
        said = page.evaluate(
            """async () => {
              const { office, refusal } = await import("/web/office/office.js");
              const busy = {
                code: "busy", message: "busy: already dispatched to incident 7",
              };
              const vetted = {
                code: "vetting_already_decided", message: "decided on 3 Dec",
              };
              office.lang = "zh";
              const zh = [refusal(busy), refusal(vetted)];
              office.lang = "en";
              return [...zh, refusal(busy)];
            }"""
        )
    assert said == [
        "未记录：仍在处置另一起警情（busy: already dispatched to incident 7）",
        "未记录：已审核过: decided on 3 Dec",
        "Not recorded: busy: already dispatched to incident 7",
    ]
