"""Offline first: a volunteer in a basement with no signal keeps working; the phone
keeps every action in its outbox (a photo too), opens again with no network, and
once the network (or the server) is back each action is stored exactly once, in
the order it was made."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from PIL import Image
from playwright.sync_api import expect
from support import eventually

from browser.field import Phone, brigade_serve, phone, photo, stored
from browser.scenes import SCREENSHOTS, open_operation, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

COURSES = ["basic-fire-safety", "water-rescue"]
# What each of the five actions appends, in the order the volunteer made them.
EXPECTED = [
    ("ReportIncident", "Incident.Reported"),
    ("RegisterPremises", "Premises.Registered"),
    ("InspectPremises", "Premises.Inspected"),
    ("RecordHazard", "Premises.HazardFound"),
    ("LogServiceActivity", "ServiceActivity.Logged"),
]


def five_actions(held: Phone) -> None:
    """A flood reported where she stands, a shop registered and inspected, a
    blocked exit photographed, and two hours of patrol: all with no network."""
    page = held.page
    held.tab("report")
    form = page.locator("#report")
    form.locator("[name=kind]").select_option("flood")
    form.locator("[name=severity]").select_option("4")
    form.locator("[name=address]").fill("Shuangyang Street basement")
    form.locator("[name=description]").fill("water at the stairs")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#outbox-chip")).to_have_attribute("data-waiting", "1")

    held.tab("daily")
    page.locator("#screen-daily details:has(#register-premises) > summary").tap()
    shop = page.locator("#register-premises")
    shop.locator("[name=name]").fill("Xiao Li noodles")
    shop.locator("[name=address]").fill("12 Wanan Road")
    shop.locator("button[type=submit]").tap()
    expect(page.locator("#premises-work")).to_be_visible()
    inspect = page.locator("#inspect")
    inspect.locator("[name='check:exits_clear']").check()
    inspect.locator("[name='check:alarms_work']").check()
    inspect.locator("button[type=submit]").tap()
    hazard = page.locator("#hazard")
    hazard.locator("[name=kind]").fill("blocked exit")
    hazard.locator("[name=photo]").set_input_files(files=[photo()])
    hazard.locator("button[type=submit]").tap()
    expect(page.locator("#outbox-chip")).to_have_attribute("data-waiting", "4")
    page.locator("#screen-daily details:has(#activity) > summary").tap()
    activity = page.locator("#activity")
    activity.locator("[name=kind]").select_option("patrol")
    activity.locator("[name=hours]").fill("2")
    activity.locator("button[type=submit]").tap()
    expect(page.locator("#outbox-chip")).to_have_attribute("data-waiting", "5")


def stored_once_in_order(log: dict[str, list[tuple[int, str]]], held: Phone) -> None:
    entries = held.outbox()
    assert [(command, state) for _, command, state in entries] == [
        (command, "done") for command, _ in EXPECTED
    ]
    events = [log.get(command_id, []) for command_id, _, _ in entries]
    # exactly one event for each, of the kind it asked for
    assert [[kind for _, kind in found] for found in events] == [
        [kind] for _, kind in EXPECTED
    ]
    positions = [found[0][0] for found in events]
    assert positions == sorted(positions)


def hazard_photo_was_shrunk(api_url: str, token: str, held: Phone) -> None:
    """The hazard's photo reached the server at most 1600 px on its longer side."""
    import httpx

    hazards = httpx.get(
        f"{api_url}/views/hazards", headers={"Authorization": f"Bearer {token}"}
    ).json()["rows"]
    assert len(hazards) == 1
    sha = next(iter(hazards.values())).get("photo_sha256")
    if sha is None:  # the ledger does not carry it: find it in the phone's outbox
        sha = held.page.evaluate(
            """async () => {
              const open = indexedDB.open("brigade-field");
              const db = await new Promise((ok) => {
                open.onsuccess = () => ok(open.result);
              });
              const all = db.transaction("outbox").objectStore("outbox").getAll();
              const rows = await new Promise((ok) => {
                all.onsuccess = () => ok(all.result);
              });
              return rows.find((r) => r.command === "RecordHazard").uploaded.sha256;
            }"""
        )
    image = httpx.get(
        f"{api_url}/images/{sha}", headers={"Authorization": f"Bearer {token}"}
    )
    width, height = Image.open(io.BytesIO(image.content)).size
    assert max(width, height) == 1600


def test_offline_five_actions_and_a_photo_are_each_stored_once_in_order(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        token = api.bearer(Role.VOLUNTEER, vid)
        with phone(browser) as held:
            page = held.sign_in(api.url, token)
            held.controlled()
            held.context.set_offline(True)
            expect(page.locator("#net")).to_have_attribute("data-state", "offline")

            five_actions(held)
            page.reload()  # no network: the service worker opens the app
            expect(page.locator("#outbox-chip")).to_have_attribute("data-waiting", "5")
            expect(page.locator("#net")).to_have_attribute("data-state", "offline")
            held.tab("outbox")
            expect(page.locator("#outbox li[data-state=waiting]")).to_have_count(5)
            page.screenshot(path=str(SCREENSHOTS / "field-outbox-offline.png"))

            held.context.set_offline(False)
            expect(page.locator("#outbox-chip")).to_have_attribute(
                "data-waiting", "0", timeout=30_000
            )
            stored_once_in_order(stored(server.settings), held)
            hazard_photo_was_shrunk(api.url, token, held)


def test_the_server_killed_and_restarted_while_the_outbox_drains_stores_each_once(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            held.controlled()
            held.context.set_offline(True)
            five_actions(held)

            # One bar of signal: each command takes a while, so the server can
            # die with some sent and some waiting.
            held.context.set_offline(False)
            cdp = held.context.new_cdp_session(page)
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": 400,
                    "downloadThroughput": 50_000,
                    "uploadThroughput": 50_000,
                },
            )
            eventually(lambda: held.waiting() < 5, timeout=30, every=0.05)
            server.kill()
            assert held.waiting() > 0
            server.start()
            expect(page.locator("#outbox-chip")).to_have_attribute(
                "data-waiting", "0", timeout=60_000
            )
            stored_once_in_order(stored(server.settings), held)
