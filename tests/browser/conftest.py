"""A real headless Chromium (Debian's package) and a tab that records what it does.

No browser is downloaded: Playwright drives the chromium on the PATH (or the one
BRIGADE_TEST_CHROMIUM names). Without it the browser tests fail (CI installs it);
they do not skip.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    WebSocket,
    sync_playwright,
)

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api

CHROMIUM = os.environ.get("BRIGADE_TEST_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("no chromium on the PATH: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The embedded store in a fresh folder; a restart reopens the same one."""
    return Settings(data_dir=tmp_path / "data", secret="test")


class Window:
    """A tab on the command centre, with every request it made."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.sent: list[str] = []
        self.received: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._socket)
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # What the page's Content-Security-Policy stopped never shows as a request.
        self.blocked: list[str] = []
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.blocked.append(message.text)

    def _socket(self, socket: WebSocket) -> None:
        self.requests.append(socket.url)
        socket.on("framesent", lambda payload: self.sent.append(str(payload)))
        socket.on("framereceived", lambda payload: self.received.append(str(payload)))

    def open(
        self, api: Api, operation: str | None = None, token: str | None = None
    ) -> Page:
        """The page signed in with `token` (default: the duty officer's)."""
        token = token or api.bearer(Role.COMMANDER, "duty-officer")
        fragment = f"token={token}" + (f"&operation={operation}" if operation else "")
        self.page.goto(f"{api.url}/#{fragment}")
        return self.page

    def elsewhere(self, origin: str) -> list[str]:
        """Requests that went (or were stopped going) anywhere but this origin."""
        own = urlsplit(origin).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).netloc != own
        ] + self.blocked


@pytest.fixture
def window(browser: Browser) -> Iterator[Window]:
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    window = Window(context.new_page())
    yield window
    context.close()
    assert window.errors == [], window.errors
