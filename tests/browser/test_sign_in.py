"""The page and its token: told a day ahead that it runs out, and signed out with
the reason when it is revoked."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import open_operation
from domain.types import Role
from gateway.tokens import sign

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings

REVOKED = "This token was revoked: ask for a new one."  # gateway/web/js/i18n.js


def test_a_revoked_token_signs_the_page_out_and_says_why(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        screen = api.issue(Role.COMMANDER, "wall screen")
        page = window.open(api, operation, token=screen.token)
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(page.locator("#who")).to_have_text("wall screen · commander")

        api.commander("RevokeToken", token_id=str(screen.claims.token_id))

        login = page.locator("#login")
        expect(login).to_be_visible(timeout=5_000)
        expect(login.locator(".error")).to_have_text(REVOKED)


def test_a_token_running_out_within_a_day_says_so_in_the_header(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        claims = api.issue(Role.OBSERVER, "wall").claims
        soon = sign(api.keys, replace(claims, expires_at=int(time.time()) + 3 * 3600))
        page = window.open(api, operation, token=soon)

        expect(page.locator("#who")).to_contain_text("wall · observer · token expires")
        # A token with weeks to run says nothing of it
        later = window.open(api, operation, token=api.bearer(Role.OBSERVER, "press"))
        later.reload()  # the address changed only after its '#'
        expect(later.locator("#who")).to_have_text("press · observer")
