"""The command centre in a real headless Chromium against a real server.

Each test drives the page as the duty officer would and checks what they would see:
the map and boards, an incident appearing, a dispatch and a refusal, the page
riding out a server restart, and that nothing is fetched from anywhere else.
No browser is downloaded: Playwright drives Debian's chromium. Without it these
tests fail (CI installs it); they do not skip.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from conftest import serving
from PIL import Image
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    WebSocket,
    expect,
    sync_playwright,
)

from domain import commands as c
from domain.ids import uuid7
from domain.types import Role
from gateway.blobs import DiskBlobs
from gateway.bootstrap import open_store, start_writer
from gateway.settings import Settings
from gateway.tokens import create_token
from projections.rebuild import rebuild
from replay.morning import CST, morning
from replay.sim_drive import WriterSink, play
from replay.simulator import Params, Simulation

if TYPE_CHECKING:
    from collections.abc import Iterator

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

    def open(self, api: Api, operation: str | None = None) -> Page:
        token = create_token(api.key, Role.COMMANDER, "duty-officer")
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


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SOON = 1_000  # ms: "within a second"


def play_morning(settings: Settings) -> tuple[str, dict[str, tuple[int, datetime]]]:
    """The scripted Doksuri morning, written to the store: its operation's id and
    the position and field time each step reached, by what the step says."""
    app = open_store(settings)
    writer = start_writer(app)
    try:
        steps = list(morning())
        reached = {}
        for step in steps:
            outcome = writer.execute(step.command)
            position = outcome.positions[-1] if outcome.positions else -1
            reached[step.says] = (position, step.command.occurred_at)
    finally:
        writer.close()
        app.close()
    operation = steps[0].command.operation_id  # type: ignore[attr-defined]
    return str(operation), reached


def open_operation(api: Api) -> str:
    result = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    return str(result["result"]["operation_id"])


def report(api: Api, operation: str, kind: str = "flood", **fields: Any) -> str:
    fields = {"lat": 24.95, "lon": 118.61, "severity": 4, **fields}
    result = api.commander(
        "ReportIncident", operation_id=operation, kind=kind, **fields
    )
    return str(result["result"]["incident_id"])


def volunteer(
    api: Api, operation: str, name: str, courses: list[str], lat: float, lon: float
) -> str:
    """A vetted, insured volunteer on shift at a place, with these courses passed."""
    vid = api.commander(
        "RegisterVolunteer", name=name, contact="+86 595 0000", domains=["water_rescue"]
    )["result"]["volunteer_id"]
    api.commander("DecideVetting", volunteer_id=vid, approved=True)
    for course in courses:
        api.commander(
            "RecordCourse", volunteer_id=vid, course=course, passed=True, score=90
        )
    until = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    api.commander("RecordInsurance", volunteer_id=vid, policy="PICC", valid_until=until)
    me = api.token(Role.VOLUNTEER, vid)
    for command, body in (
        ("StartShift", {"operation_id": operation}),
        ("ReportPosition", {"lat": lat, "lon": lon}),
    ):
        response = api.send(command, me, volunteer_id=vid, **body)
        assert response.status_code == 200, response.text
    return str(vid)


def test_the_page_shows_the_doksuri_morning_on_the_map_and_boards(
    settings: Settings, window: Window
) -> None:
    operation, _ = play_morning(settings)
    with serving(settings) as api:
        page = window.open(api)  # one operation in the store: the page picks it

        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        board = page.locator("#board tbody tr")
        expect(board).to_have_count(3)
        # Newest first: the road blocked at Anji Road was reported last.
        expect(board.first).to_contain_text("road blocked")
        expect(page.locator(".incident-icon [data-kind]")).to_have_count(3)
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("23")
        expect(page.locator('[data-stat="rescued"] strong')).to_have_text("4")
        expect(page.locator("#roster li", has_text="Wu Min")).to_contain_text(
            "no training, no duty: basic fire safety course not passed"
        )
        assert page.evaluate("window.brigade.operationId") == operation

        page.locator("#language").click()
        expect(page.locator("#stats-h")).to_have_text("行动统计")
        expect(board.first).to_contain_text("道路阻断")
        page.locator("#language").click()


def test_an_incident_reported_over_http_is_on_the_map_and_board_within_a_second(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        page = window.open(api, operation)
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(page.locator("#board tbody tr")).to_have_count(0)

        incident = report(api, operation, kind="fire", address="Wanan Road")

        row = page.locator(f'#board tr[data-key="{incident}"]')
        expect(row).to_contain_text("fire", timeout=SOON)
        expect(row).to_contain_text("Wanan Road", timeout=SOON)
        marker = page.locator(f'[data-key="incident:{incident}"] [data-kind="fire"]')
        expect(marker).to_be_visible(timeout=SOON)


def test_a_dispatch_goes_through_and_a_refused_one_shows_the_domains_reason(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        near = volunteer(
            api,
            operation,
            "Chen Wei",
            ["basic-fire-safety", "water-rescue"],
            24.951,
            118.611,
        )
        far = volunteer(
            api,
            operation,
            "Lin Hua",
            ["basic-fire-safety", "water-rescue"],
            24.99,
            118.70,
        )
        unqualified = volunteer(
            api,
            operation,
            "Zhao Lei",
            ["basic-fire-safety", "first-aid"],
            24.95,
            118.61,
        )
        flood = report(api, operation, kind="flood", address="Shuangyang Street")
        page = window.open(api, operation)

        page.locator(f'#board tr[data-key="{flood}"]').click()
        page.locator('.popup [data-action="dispatch"]').click()
        ranked = page.locator(".candidates.ranked li")
        # Qualified and available, nearest first; the unqualified one is not offered.
        expect(ranked).to_have_count(2)
        expect(ranked.nth(0)).to_have_attribute("data-volunteer", near)
        expect(ranked.nth(1)).to_have_attribute("data-volunteer", far)
        ranked.nth(0).locator("button").click()

        row = page.locator(f'#board tr[data-key="{flood}"]')
        expect(row).to_have_attribute("data-status", "dispatched")
        expect(page.locator(f'#roster li[data-key="{near}"]')).to_have_attribute(
            "data-status", "dispatched"
        )

        # The commander tries the volunteer without the course: the domain says no.
        page.locator(f'#board tr[data-key="{flood}"]').click()
        page.locator('.popup [data-action="dispatch"]').click()
        page.locator(".others summary").click()
        page.locator(f'.others li[data-volunteer="{unqualified}"] button').click()
        refusal = page.locator("#action .refusal")
        expect(refusal).to_contain_text("not qualified: water rescue course missing")
        expect(refusal).to_have_attribute("data-code", "not_qualified")
        expect(page.locator('[data-stat="refused_dispatches"] strong')).to_have_text(
            "1"
        )


def test_an_incidents_popup_shows_its_images_fetched_with_the_token(
    settings: Settings, window: Window
) -> None:
    image = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 200)).save(image, format="PNG")
    with serving(settings) as api:
        operation = open_operation(api)
        incident = report(api, operation, kind="flood", address="Jiangbin Road")
        stored = api.http.post(
            "/images", content=image.getvalue(), headers=api.token(Role.COMMANDER)
        ).json()
        api.commander(
            "RecordImage",
            incident_id=incident,
            sha256=stored["sha256"],
            media_type="image/png",
            size=stored["size"],
            caption="water at the door",
        )
        page = window.open(api, operation)
        page.locator(f'#board tr[data-key="{incident}"]').click()

        thumbnail = page.locator(f'.popup img[data-sha="{stored["sha256"]}"]')
        expect(thumbnail).to_have_attribute("src", re.compile(r"^blob:"))
        # A thumbnail, decoded: the server sent it only because the token went along.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth === 320",
            arg=thumbnail.element_handle(),
        )


def written_while_down(
    settings: Settings, operation: str, n: int, *, checkpoint: bool = False
) -> list[str]:
    """Incidents reported straight into the store while no server runs.

    With `checkpoint`, the views are then rebuilt and saved at the new head, so a
    restarted server keeps no history from before it: a client must start afresh.
    """
    app = open_store(settings)
    writer = start_writer(app)
    try:
        outcomes = [
            writer.execute(
                c.ReportIncident(
                    command_id=uuid7(),
                    actor=c.Actor(Role.COMMANDER, "duty-officer"),
                    occurred_at=datetime.now(UTC),
                    operation_id=UUID(operation),
                    kind="flood",
                    lat=24.95,
                    lon=118.61,
                    severity=3,
                    address=f"while down {i}",
                )
            )
            for i in range(n)
        ]
        if checkpoint:
            rebuild(app, app.checkpoints)
    finally:
        writer.close()
        app.close()
    return [str(outcome.result["incident_id"]) for outcome in outcomes]


def test_after_a_server_restart_the_page_resumes_without_a_reload_or_a_gap(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        port = int(api.url.rsplit(":", 1)[1])
        operation = open_operation(api)
        before = report(api, operation, address="before the restart")
        page = window.open(api, operation)
        expect(page.locator(f'#board tr[data-key="{before}"]')).to_be_visible()
        page.evaluate("window.loadedOnce = true")
        last = api.position()
        expect(page.locator("body")).to_have_attribute("data-position", str(last))

    expect(page.locator("#connection")).not_to_have_attribute("data-state", "connected")
    meanwhile = written_while_down(settings, operation, 2)
    with serving(settings, port=port) as api:
        # Sent at once, most likely before the page is back.
        meanwhile.append(report(api, operation, address="just after the restart"))
        for incident in meanwhile:
            expect(page.locator(f'#board tr[data-key="{incident}"]')).to_be_visible(
                timeout=5_000
            )
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(page.locator("#board tbody tr")).to_have_count(4)
        assert page.evaluate("window.loadedOnce") is True  # no reload

    subscribes = [json.loads(f) for f in window.sent if '"subscribe"' in f]
    assert subscribes[0]["after"] is None
    # It came back asking for what it missed after its last position, not afresh,
    # and was given it: no reset, no second snapshot.
    assert subscribes[-1]["after"] == last
    assert [f for f in window.received if '"resumed":true' in f]
    assert not [f for f in window.received if '"type":"reset"' in f]


def test_a_reset_is_met_by_taking_the_snapshots_again(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        port = int(api.url.rsplit(":", 1)[1])
        operation = open_operation(api)
        before = report(api, operation, address="before the restart")
        page = window.open(api, operation)
        expect(page.locator(f'#board tr[data-key="{before}"]')).to_be_visible()
        page.evaluate("window.loadedOnce = true")

    # The restarted server starts from views saved after these: it cannot resume.
    missed = written_while_down(settings, operation, 2, checkpoint=True)
    with serving(settings, port=port) as api:
        for incident in [before, *missed]:
            expect(page.locator(f'#board tr[data-key="{incident}"]')).to_be_visible(
                timeout=5_000
            )
        expect(page.locator("#board tbody tr")).to_have_count(3)
        assert page.evaluate("window.loadedOnce") is True

    resets = [json.loads(f) for f in window.received if '"type":"reset"' in f]
    assert len(resets) == 1


def test_no_request_leaves_the_servers_origin(
    settings: Settings, window: Window
) -> None:
    play_morning(settings)
    with serving(settings) as api:
        page = window.open(api)
        expect(page.locator(".incident-icon [data-kind]")).to_have_count(3)
        page.locator(".incident-icon [data-kind]").first.click()
        expect(page.locator(".popup")).to_be_visible()
        for _ in range(2):
            page.locator(".leaflet-control-zoom-in").click()
        page.locator(".leaflet-control-zoom-out").click()
        page.locator("#language").click()

        assert any(url.startswith(api.url) for url in window.requests)
        assert any(url.startswith("ws://") for url in window.requests)
        assert window.elsewhere(api.url) == []


def test_replay_shows_an_earlier_moment_and_plays_forward_from_it(
    settings: Settings, window: Window
) -> None:
    _, reached = play_morning(settings)
    dispatched, at = reached["dispatch Chen Wei to the flood"]
    with serving(settings) as api:
        page = window.open(api)
        board = page.locator("#board tbody tr")
        expect(board).to_have_count(3)

        page.locator('#modes [data-mode="replay"]').click()
        bar = page.locator("#replay-bar")
        expect(bar).to_have_attribute("data-state", "paused")
        page.locator("#replay-scrub").fill(str(dispatched))

        # The flood just reported and dispatched to; nobody evacuated yet.
        expect(bar).to_have_attribute("data-position", str(dispatched))
        expect(board).to_have_count(1)
        expect(board.first).to_have_attribute("data-status", "dispatched")
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("0")
        # The field clock of that moment, as the field wrote it.
        clock = at.strftime("%Y-%m-%d %H:%M:%S ") + at.isoformat()[-6:]
        expect(page.locator("#clock")).to_have_text(clock)

        page.locator("#replay-speed").select_option("1000")
        page.locator("#replay-play").click()
        expect(board).to_have_count(3, timeout=10_000)
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("23")

        page.locator('#modes [data-mode="live"]').click()
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(board).to_have_count(3)


# The simulated Doksuri operation (60 volunteers, a tenth of the published totals)
# played up to the evening of landfall day: seconds to write, and a busy map.
LANDFALL_EVENING = datetime(2023, 7, 28, 18, 40, tzinfo=CST)
NOON = datetime(2023, 7, 28, 12, 0, tzinfo=CST)


def simulate_doksuri(settings: Settings, until: datetime) -> tuple[str, list[datetime]]:
    """The simulated operation written to the store up to a field time: its id and
    when each of its incidents was reported."""
    simulation = Simulation(Params(volunteers=60).scaled(0.1).quick())
    stream = list(
        itertools.takewhile(lambda p: p.command.occurred_at < until, simulation)
    )
    reported = [
        p.command.occurred_at
        for p in stream
        if isinstance(p.command, c.ReportIncident)
        and p.command.operation_id == simulation.doksuri
    ]
    app = open_store(settings)
    writer = start_writer(app)
    try:
        sink = WriterSink(writer, DiskBlobs(settings.data_dir / "blobs").put)
        # Playwright's own event loop runs in this thread: the simulation gets one.
        with ThreadPoolExecutor(1) as thread:
            tally = thread.submit(asyncio.run, play(stream, sink)).result()
        assert tally.ok, tally.examples
    finally:
        writer.close()
        app.close()
    return str(simulation.doksuri), reported


def test_the_simulated_doksuri_operation_live_and_replayed_to_noon(
    settings: Settings, window: Window
) -> None:
    operation, reported = simulate_doksuri(settings, LANDFALL_EVENING)
    with serving(settings) as api:
        page = window.open(api, operation)
        board = page.locator("#board tbody tr")
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(board).to_have_count(len(reported))
        expect(page.locator(".incident-icon [data-kind]")).to_have_count(len(reported))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "live.png")
        page.locator("#language").click()
        expect(page.locator("#stats-h")).to_have_text("行动统计")
        page.screenshot(path=SCREENSHOTS / "live-zh.png")
        page.locator("#language").click()

        page.locator('#modes [data-mode="replay"]').click()
        expect(page.locator("#replay-bar")).to_have_attribute("data-state", "paused")
        page.locator("#replay-moment").fill(NOON.strftime("%Y-%m-%dT%H:%M:%S"))
        by_noon = [at for at in reported if at <= NOON]
        assert 0 < len(by_noon) < len(reported)
        expect(board).to_have_count(len(by_noon))
        expect(page.locator("#clock")).to_contain_text("2023-07-28 1")
        page.screenshot(path=SCREENSHOTS / "replay.png")
