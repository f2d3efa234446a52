"""My check-on round on the phone: a commander starts a round of Qiaonan naming
Chen Wei; his phone shows it, the highest risk first, with what he needs at each
door; he marks the elder evacuated (two people, to the school) and the operation's
evacuated count moves. In English and in Chinese; offline, the next answer waits
in the outbox and is stored when the network is back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect
from support import eventually

from browser.field import brigade_serve, phone
from browser.scenes import SCREENSHOTS, open_operation, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from playwright.sync_api import Browser

COURSES = ["basic-fire-safety", "water-rescue"]
PUSHED = 5_000


def evacuated(api: Api, operation: str) -> int:
    rows = api.http.get("/views/stats", headers=api.token(Role.OBSERVER)).json()
    return int(rows["rows"].get(operation, {}).get("evacuated", 0))


def test_a_round_reaches_the_phone_and_an_evacuation_counts(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        chen = volunteer(api, operation, "Chen Wei", COURSES, 24.91, 118.59)
        place = {"area": "Qiaonan", "lat": 24.91, "lon": 118.59, "consent": True}
        elder = api.commander(
            "RegisterVulnerable",
            kind="elderly_alone", address="3 Lane, Qiaonan", name="Zheng Meilan",
            contact="+86 595 1234", people=2, risk=5, needs="wheelchair", **place,
        )["result"]["entry_id"]  # fmt: skip
        school = api.commander(
            "RegisterVulnerable", kind="children_facility", address="1 School Rd",
            name="Qiaonan kindergarten", people=40, risk=2, **place,
        )["result"]["entry_id"]  # fmt: skip
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, chen))
            tab = page.locator("#round-tab")
            expect(tab).to_be_hidden()
            round_id = api.commander(
                "StartCheckRound", operation_id=operation, area="Qiaonan",
                volunteer_ids=[chen],
            )["result"]["round_id"]  # fmt: skip
            expect(tab).to_be_visible(timeout=PUSHED)
            expect(page.locator("#toast")).to_have_text("New check-on round: Qiaonan")
            held.tab("round")
            expect(page.locator("#screen-round h1")).to_have_text("My round")
            entries = page.locator("#rounds .entry")
            expect(entries).to_have_count(2)
            first = page.locator(f"#rounds .entry[data-entry='{elder}']")
            expect(entries.first).to_have_attribute("data-entry", elder)
            expect(first).to_contain_text("Zheng Meilan")
            expect(first).to_contain_text("3 Lane, Qiaonan")
            expect(first).to_contain_text("Needs: wheelchair")
            expect(first).to_contain_text("risk 5")
            expect(page.locator("#rounds h2")).to_contain_text("2 left to check")
            page.screenshot(path=str(SCREENSHOTS / "field-round.png"))

            before = evacuated(api, operation)
            first.locator("button[data-outcome=evacuated]").tap()
            form = first.locator("form[data-outcome=evacuated]")
            expect(form.locator("input[name=count]")).to_have_value("2")
            form.locator("input[name=destination]").fill("Luojiang middle school")
            form.locator("button[type=submit]").tap()
            expect(first.locator(".checked")).to_have_text(
                "evacuated 2 → Luojiang middle school", timeout=PUSHED
            )
            expect(first).to_have_attribute("data-outcome", "evacuated")
            eventually(
                lambda: evacuated(api, operation) == before + 2,
                what="the operation's evacuated count never moved",
            )
            expect(page.locator("#rounds h2")).to_contain_text("1 left to check")
            other = page.locator(f"#rounds .entry[data-entry='{school}']")
            expect(other.locator("button[data-outcome=safe]")).to_have_text("Safe")

            held.tap("#language")
            expect(page.locator("#screen-round h1")).to_have_text("我的走访")
            expect(first.locator(".checked")).to_have_text(
                "已转移 2 人 → Luojiang middle school"
            )
            expect(other.locator("button[data-outcome=safe]")).to_have_text("平安")
            expect(other.locator("button[data-outcome=needs_help]")).to_have_text(
                "需要帮助"
            )
            expect(page.locator("#rounds h2")).to_contain_text("还有 1 户待走访")
            expect(tab).to_have_text("走访●")

            # At a door with no network: the answer waits in the outbox, the entry
            # says it was sent, and the server has it once the network is back.
            held.context.set_offline(True)
            expect(page.locator("#net")).to_have_attribute("data-state", "offline")
            other.locator("button[data-outcome=safe]").tap()
            expect(other.locator(".checked")).to_have_text("已提交：平安")  # noqa: RUF001
            expect(other).to_have_attribute("data-outcome", "sent")
            assert held.waiting() == 1
            held.context.set_offline(False)
            expect(other).to_have_attribute("data-outcome", "safe", timeout=PUSHED)
            expect(other.locator(".checked")).to_have_text("平安")
            expect(page.locator("#rounds h2")).to_contain_text("还有 0 户待走访")
            left = api.http.get("/views/checkons", headers=api.token(Role.COMMANDER))
            assert left.json()["rows"][round_id]["safe"] == 1
