"""`brigade bench fieldapp`: the field app's shell, its size and how soon it is usable.

Against a real `brigade serve` (embedded store), with Debian's Chromium through
Playwright on a phone's viewport:

- **size**: every file the service worker keeps (its `SHELL` list, read from
  sw.js) plus the icons, fetched from the server and gzipped (level 6, what a
  server would send), against the issue's budget of 250 KB with no map library;
- **first load**: a fresh phone (no cache, no service worker) on a simulated slow
  link (Chromium's `Network.emulateNetworkConditions`: 400 kbit/s each way, 400 ms
  round trip), until the app is drawn and answers taps (the page's
  `field-usable` performance mark), and until its channel is up;
- **reload**: the same phone and link again, the shell now from the service
  worker.

Each is the median of a few runs. The baseline in the same run is the command
centre's page (`/`, with Leaflet) on the same link, until its `load` event.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench.server import brigade_server, commander_token, issue
from domain.types import Role

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

BUDGET = 250_000  # bytes gzipped, without a map library
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to each round trip
    "downloadThroughput": 400_000 / 8,  # bytes/s
    "uploadThroughput": 400_000 / 8,
}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "permissions": ["geolocation"],
    "geolocation": {"latitude": 24.951, "longitude": 118.612, "accuracy": 10},
}
RUNS = 3
CHROMIUM = os.environ.get("BRIGADE_TEST_CHROMIUM") or shutil.which("chromium")
EXTRA = ["/field/icons/icon-512.png"]  # in the manifest, not kept by the worker


def shell(base: str) -> list[str]:
    """The paths the service worker keeps, as sw.js lists them."""
    source = httpx.get(f"{base}/field/sw.js").text
    listed = source[source.index("const SHELL") : source.index("];")]
    return [*re.findall(r'"(/field[^"]*)"', listed), "/field/sw.js", *EXTRA]


def sizes(base: str) -> tuple[int, int, dict[str, int]]:
    """Raw and gzipped bytes of the shell, and each file's gzipped size."""
    each = {}
    raw = 0
    for path in shell(base):
        response = httpx.get(f"{base}{path}")
        response.raise_for_status()
        raw += len(response.content)
        each[path] = len(gzip.compress(response.content, compresslevel=6))
    return raw, sum(each.values()), each


def slow(context: BrowserContext, page: Page) -> None:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)


def mark(page: Page, name: str) -> float:
    """Milliseconds from navigation start to a performance mark (waits for it)."""
    page.wait_for_selector("body[data-usable=true]", timeout=60_000)
    found: float = page.evaluate(
        "(name) => performance.getEntriesByName(name)[0].startTime", name
    )
    return found


def online_at(page: Page) -> float:
    page.wait_for_selector("#net[data-state=online]", timeout=60_000)
    found: float = page.evaluate("performance.now()")
    return found


def field_loads(browser: Browser, base: str, token: str) -> dict[str, list[float]]:
    """First load, channel up, and reload from the service worker, per run."""
    runs: dict[str, list[float]] = {"first": [], "online": [], "reload": []}
    for _ in range(RUNS):
        context = browser.new_context(**PHONE)
        try:
            page = context.new_page()
            slow(context, page)
            page.goto(f"{base}/field#token={token}", wait_until="commit")
            runs["first"].append(mark(page, "field-usable"))
            runs["online"].append(online_at(page))
            # Polled: the page's CSP refuses wait_for_function's eval.
            for _ in range(100):
                if page.evaluate("navigator.serviceWorker.controller !== null"):
                    break
                page.wait_for_timeout(100)
            page.reload(wait_until="commit")
            runs["reload"].append(mark(page, "field-usable"))
        finally:
            context.close()
    return runs


def centre_loads(browser: Browser, base: str, token: str) -> list[float]:
    """The command centre's page on the same link, until its load event."""
    times = []
    for _ in range(RUNS):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            page = context.new_page()
            slow(context, page)
            page.goto(f"{base}/#token={token}", wait_until="load", timeout=120_000)
            loaded: float = page.evaluate(
                "performance.getEntriesByType('navigation')[0].loadEventStart"
            )
            times.append(loaded)
        finally:
            context.close()
    return times


def volunteer_token(base: str, commander: str) -> str:
    headers = {"Authorization": f"Bearer {commander}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        body = {"name": "Xu Ming", "contact": "+86 595 0000"}
        answer = http.post("/commands/RegisterVolunteer", json=body)
        answer.raise_for_status()
        vid = answer.json()["result"]["volunteer_id"]
        return issue(http, Role.VOLUNTEER, volunteer_id=vid)


def run() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        commander = commander_token(data)
        with brigade_server(data) as (base, _):
            token = volunteer_token(base, commander)
            raw, zipped, each = sizes(base)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                try:
                    field = field_loads(browser, base, token)
                    centre = centre_loads(browser, base, commander)
                finally:
                    browser.close()
    median = {name: statistics.median(times) for name, times in field.items()}
    centre_ms = statistics.median(centre)
    print("field app shell (every file the service worker keeps, and the icons)")
    for path, size in sorted(each.items(), key=lambda item: -item[1]):
        print(f"  {size / 1000:7.1f} KB  {path}")
    print(
        f"  total {raw / 1000:.1f} KB, gzipped {zipped / 1000:.1f} KB "
        f"(budget {BUDGET / 1000:.0f} KB: {zipped / BUDGET:.0%} of it)"
    )
    print("slow link (400 kbit/s each way, 400 ms round trip), median of", RUNS)
    print(f"  first load, usable:          {median['first']:7.0f} ms  (goal 3000)")
    print(f"  first load, channel up:      {median['online']:7.0f} ms")
    print(f"  reload from service worker:  {median['reload']:7.0f} ms  (goal 1000)")
    print(f"  command centre page, loaded: {centre_ms:7.0f} ms  (baseline)")
    print(
        f"  first load {median['first'] / centre_ms:.2f}x the command centre's, "
        f"reload {median['reload'] / median['first']:.2f}x the first load"
    )
    within = zipped <= BUDGET and median["first"] <= 3000 and median["reload"] <= 1000
    return 0 if within else 1
