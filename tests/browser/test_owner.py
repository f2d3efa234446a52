"""A shop owner scans the QR code on the inspection notice, sees what to fix and by
when with the inspector's photo, and sends a self-check with a photo from the
phone: the hazard ledger moves on."""

# Chinese text is written with Chinese punctuation.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from PIL import Image
from playwright.sync_api import expect
from support import eventually

from browser.office_scenes import (
    PHONE,
    brigade_serve,
    hazard_row,
    png,
    shop_with_hazard,
)
from browser.scenes import SCREENSHOTS
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser


def test_an_owner_opens_the_qr_link_and_sends_a_self_check_with_a_photo(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path) as api:
        shop = shop_with_hazard(api, due_in=timedelta(days=1))
        assert shop["qr_svg"].startswith("<svg")
        assert shop["link"] == f"{api.url}/owner#token={shop['token']}"
        # Within two days of its deadline: the scheduler queues a reminder, and
        # the file channel delivers it.
        eventually(lambda: hazard_row(api, shop["hazard"])["reminders"] != [])
        outbox = api.settings.data_dir / "notifications.jsonl"
        eventually(outbox.exists)
        assert "陈记茶叶店" in outbox.read_text(encoding="utf-8")

        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(shop["link"])

        card = page.locator(f"[data-hazard='{shop['hazard']}']")
        expect(page.locator("#premises-name")).to_have_text("陈记茶叶店")
        expect(card.locator("h3")).to_contain_text("安全出口堵塞")
        expect(card).to_contain_text("后门堆放纸箱")
        expect(card).to_contain_text("即将到期")  # due soon, in Chinese first
        expect(page.locator("#reminder-list li")).to_have_count(1)
        photo = card.locator("img.photo-of-inspector")
        expect(photo).to_have_attribute("src", re.compile("^blob:"))
        assert photo.evaluate("img => img.naturalWidth") > 0
        assert "token=" not in page.url  # the token left the address bar

        submit = card.locator("button[type=submit]")
        box = submit.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
        card.locator("textarea[name=note]").fill("纸箱已清走 boxes gone")
        card.locator("input[type=file]").set_input_files(
            {
                "name": "exit.png",
                "mimeType": "image/png",
                "buffer": png((40, 160, 60), (3000, 2000)),
            }
        )
        expect(card.locator(".previews img")).to_have_count(1)
        page.screenshot(path=SCREENSHOTS / "owner.png", full_page=True)
        submit.click()

        expect(page.locator("#message")).to_have_text("自查已提交，等待复查。")
        expect(card).to_contain_text("已提交自查")
        row = hazard_row(api, shop["hazard"])
        assert row["state"] == "self_checked"
        assert row["self_check"]["note"] == "纸箱已清走 boxes gone"
        assert row["self_check"]["by"] == f"owner:{shop['premises']}"
        [sent] = row["self_check"]["photos"]
        # Made smaller on the phone: a 3000 px photo arrives at most 1600 px wide.
        image = api.http.get(f"/images/{sent}", headers=api.token(Role.COMMANDER))
        assert image.headers["content-type"] == "image/jpeg"
        assert max(Image.open(io.BytesIO(image.content)).size) == 1600

        page.locator("#language").click()
        expect(page.locator("#hazards-h")).to_have_text("Hazards to fix")
        context.close()
        assert errors == []


def test_a_revoked_owner_link_says_so_in_chinese_first(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path, BRIGADE_REMINDER_EVERY="0") as api:
        shop = shop_with_hazard(api, due_in=timedelta(days=10))
        api.commander("RevokeToken", token_id=shop["token_id"], reason="shop sold")
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        page = context.new_page()
        page.goto(shop["link"])
        expect(page.locator("#message")).to_contain_text("此链接已失效")
        expect(page.locator("#hazard-list article")).to_have_count(0)
        context.close()
