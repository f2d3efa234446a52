"""A volunteer's phone for the field app's browser tests: a phone's viewport and touch,
location granted and moved by the test; real `brigade serve` processes that a test
may kill and start again where the phone looks for them; and what the log holds."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections import defaultdict
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from conftest import Api, free_port, ready
from PIL import Image
from playwright.sync_api import FilePayload, expect
from support import eventually

from domain.application import Brigade
from domain.store.config import store_env
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, BrowserContext, Page

HERE = {"latitude": 24.951, "longitude": 118.612, "accuracy": 8}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "permissions": ["geolocation"],
    "geolocation": HERE,
}


class Phone:
    """The field app in a phone's browser, signed in with a token."""

    def __init__(self, browser: Browser, locale: str = "en-GB") -> None:
        self.context: BrowserContext = browser.new_context(**PHONE, locale=locale)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, url: str, fragment: str = "") -> Page:
        self.page.goto(f"{url}/field" + (f"#{fragment}" if fragment else ""))
        return self.page

    def sign_in(self, url: str, token: str) -> Page:
        page = self.open(url, f"token={token}")
        self.online()
        return page

    def online(self) -> None:
        """The state strip says the channel is up."""
        expect(self.page.locator("#net")).to_have_attribute(
            "data-state", "online", timeout=10_000
        )

    def controlled(self) -> None:
        """The service worker has taken the page: the app now opens offline."""
        eventually(
            lambda: self.page.evaluate("navigator.serviceWorker.controller !== null"),
            what="no service worker took the page",
        )

    def tap(self, selector: str) -> None:
        self.page.locator(selector).tap()

    def tab(self, name: str) -> None:
        self.tap(f"#tabs [data-tab={name}]")

    def move(self, lat: float, lon: float) -> None:
        self.context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 8})

    def waiting(self) -> int:
        return int(self.page.locator("#outbox-chip").get_attribute("data-waiting") or 0)

    def outbox(self) -> list[tuple[str, str, str]]:
        """(command id, command, state) of the outbox's entries, oldest first."""
        self.tab("outbox")
        items = self.page.locator("#outbox li[data-id]")
        found = [
            (
                str(item.get_attribute("data-id")),
                str(item.get_attribute("data-command")),
                str(item.get_attribute("data-state")),
            )
            for item in items.all()
        ]
        return found[::-1]

    def close(self) -> None:
        self.context.close()


@contextmanager
def phone(browser: Browser, locale: str = "en-GB") -> Iterator[Phone]:
    held = Phone(browser, locale)
    try:
        yield held
    finally:
        held.close()
    assert held.errors == [], held.errors


class Serve:
    """A real `brigade serve` on a fixed port, on an SQLite store in `data`."""

    def __init__(self, data: Path, logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = Settings(data_dir=data, secret="test")
        self.env = {
            **os.environ,
            "BRIGADE_DATA_DIR": str(data),
            "BRIGADE_SECRET": "test",
        }
        self.logs = logs
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.clients: list[Api] = []

    def start(self) -> Api:
        self.starts += 1
        log = self.logs / f"serve-{self.port}-{self.starts}.log"
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gateway.cli",
                    "serve",
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

        def up() -> bool:
            assert self.process is not None
            assert self.process.poll() is None, log.read_text()[-4000:]
            return ready(self.url)

        eventually(up, timeout=30)
        self.clients.append(Api(self.url, self.settings))
        return self.clients[-1]

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        for client in self.clients:
            client.http.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@contextmanager
def brigade_serve(data: Path, logs: Path) -> Iterator[Serve]:
    server = Serve(data, logs)
    try:
        yield server
    finally:
        server.stop()


def stored(settings: Settings) -> dict[str, list[tuple[int, str]]]:
    """Every command id in the log, with the position and class of its events."""
    brigade = Brigade(env=store_env(settings.database_url, settings.data_dir))
    try:
        found: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for notification in brigade.recorder.select_notifications(
            start=None, limit=10**7
        ):
            event = brigade.mapper.to_domain_event(notification)
            command_id = getattr(event, "command_id", None)
            if command_id is not None:
                found[str(command_id)].append(
                    (notification.id, type(event).__qualname__)
                )
        return dict(found)
    finally:
        brigade.close()


def photo(width: int = 2400, height: int = 1800) -> FilePayload:
    """A camera's picture, bigger than the phone sends, for a file input."""
    image = Image.new("RGB", (width, height), (30, 90, 160))
    for x in range(0, width, 200):
        image.paste((240, 200, 40), (x, 0, x + 60, height))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=85)
    return FilePayload(
        name="IMG_0001.jpg", mimeType="image/jpeg", buffer=data.getvalue()
    )
