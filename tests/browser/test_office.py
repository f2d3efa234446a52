"""The programme office records a course, and the roster's dispatchability changes;
it makes a course required through the catalogue, and everyone without it stops
being dispatchable, in words; a refusal of the domain is shown in words too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from browser.office_scenes import brigade_serve, shop_with_hazard
from browser.scenes import SCREENSHOTS
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from playwright.sync_api import Browser


def volunteer(api: Api, name: str, courses: tuple[str, ...]) -> str:
    """Vetted, insured and on shift, with these courses passed."""
    vid: str = api.commander(
        "RegisterVolunteer", name=name, contact="+86 138 0000 0000",
        community="Luojiang", domains=["water_rescue", "first_aid"],
    )["result"]["volunteer_id"]  # fmt: skip
    api.commander("DecideVetting", volunteer_id=vid, approved=True)
    for course in courses:
        api.commander(
            "RecordCourse", volunteer_id=vid, course=course, passed=True, score=88
        )
    until = (datetime.now(UTC) + timedelta(days=12)).isoformat()
    api.commander(
        "RecordInsurance", volunteer_id=vid, policy="PICC-1", valid_until=until
    )
    api.commander("StartShift", volunteer_id=vid)
    return vid


def test_an_officer_records_a_course_and_the_roster_changes(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path) as api:
        lin = volunteer(api, "林芳 Lin Fang", ("water-rescue",))
        wu = volunteer(api, "吴敏 Wu Min", ("basic-fire-safety", "first-aid"))
        api.commander("RegisterVolunteer", name="赵磊 Zhao Lei", contact="+86 139")
        shop = shop_with_hazard(api, due_in=timedelta(days=10))
        officer = api.bearer(Role.OFFICER, "programme office")

        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{api.url}/office#token={officer}")

        expect(page.locator("#login")).to_be_hidden()
        row = page.locator(f"#roster tr[data-volunteer='{lin}']")
        expect(row.locator(".dispatch")).to_have_text(
            "no training, no duty: basic fire safety course not passed"
        )
        expect(
            page.locator(f"#roster tr[data-volunteer='{wu}'] .dispatch")
        ).to_have_text("可派遣")
        # Lists the office works from: insurance running out in 12 days, Zhao
        # waiting for vetting, and Lin's first-aid gap.
        expect(page.locator(f"#expiring li[data-volunteer='{lin}']")).to_contain_text(
            "还剩 11 天"
        )
        expect(page.locator("#pending li")).to_have_text(["赵磊 Zhao Lei"])
        expect(page.locator("#gaps tr[data-domain='first_aid']")).to_contain_text(
            "林芳"
        )

        # The officer records Lin's basic fire safety course
        page.locator("#volunteer").select_option(lin)
        page.locator("#course-form select[name=course]").select_option(
            "basic-fire-safety"
        )
        page.locator("#course-form button[type=submit]").click()
        expect(page.locator("#message")).to_have_text("已记录。")
        expect(row.locator(".dispatch")).to_have_text("可派遣")
        expect(row).to_have_attribute("data-dispatchable", "true")
        roster = api.http.get("/views/roster", headers=api.token(Role.OFFICER, "o"))
        assert roster.json()["rows"][lin]["dispatchable"] is True

        # A refusal of the domain, in words: vetting is decided once
        page.locator("#vetting-form button[value=yes]").click()
        expect(page.locator("#message")).to_contain_text(
            "已审核过: vetting was already decided: approved"
        )

        # The catalogue is data: a new required course takes everyone off duty
        define = page.locator("#define-form")
        define.locator("input[name=course]").fill("typhoon-shelters")
        define.locator("input[name=title]").fill("typhoon shelters")
        define.locator("input[name=required]").check()
        define.locator("button[type=submit]").click()
        expect(
            page.locator("#catalogue tr[data-course='typhoon-shelters']")
        ).to_contain_text("必修")
        expect(row.locator(".dispatch")).to_have_text(
            "no training, no duty: typhoon shelters course not passed"
        )
        page.locator("#catalogue button.retire[data-course='typhoon-shelters']").click()
        expect(row.locator(".dispatch")).to_have_text("可派遣")

        # An owner's link for a shop with an open hazard, as a QR code to print
        owners = page.locator(f"#owners tr[data-premises='{shop['premises']}']")
        expect(owners).to_contain_text("陈记茶叶店")
        owners.locator("button.owner-link").click()
        expect(page.locator("#notice")).to_be_visible()
        expect(page.locator("#notice-link")).to_contain_text(f"{api.url}/owner#token=")
        qr = page.locator("#notice-qr")
        expect(qr).to_have_attribute("src", re.compile("^data:image/svg"))
        assert qr.evaluate("img => img.complete && img.naturalWidth") > 0
        page.screenshot(path=SCREENSHOTS / "office.png", full_page=True)

        # Points: Wu's two courses, one qualifying (first aid): 5 + 10
        expect(page.locator(f"#points tr[data-volunteer='{wu}'] td").last).to_have_text(
            "15"
        )
        context.close()
        assert errors == []
