"""The live page in a real headless Chromium against a real server: what the duty
officer sees, an incident appearing, a dispatch and a refusal, images, and that
nothing is fetched from anywhere else."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from conftest import serving
from PIL import Image
from playwright.sync_api import expect

from browser.scenes import (
    HELD,
    SOON,
    open_operation,
    play_morning,
    report,
    volunteer,
)
from domain.types import Role

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings

# The courses that qualify a volunteer for a flood (the water rescue domain).
WATER_RESCUE = ["basic-fire-safety", "water-rescue"]


def test_the_page_shows_the_doksuri_morning_on_the_map_and_boards(
    settings: Settings, window: Window
) -> None:
    operation, _ = play_morning(settings)
    with serving(settings) as api:
        page = window.open(api)  # one operation in the store: the page picks it

        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        board = page.locator("#board tbody tr")
        expect(board).to_have_count(3)
        # Triage order: open before resolved, the most severe first; the flood
        # (severity 4, on scene) leads.
        expect(board.first).to_contain_text("flood")
        # Only the road, cleared in the morning's last minute, is marked as changed.
        expect(page.locator("#board tbody tr.fresh")).to_have_count(1)
        expect(page.locator("#board tbody tr.fresh")).to_contain_text("road blocked")
        expect(page.locator(".incident-icon [data-kind]")).to_have_count(3)
        expect(page.locator('[data-stat="evacuated"] strong')).to_have_text("23")
        expect(page.locator('[data-stat="rescued"] strong')).to_have_text("4")
        expect(page.locator("#roster li", has_text="Wu Min")).to_contain_text(
            "no training, no duty: basic fire safety course not passed"
        )
        assert page.evaluate("window.brigade.operationId") == operation
        assert "token=" not in page.url  # kept in sessionStorage, not the address bar
        # Named and drawn from the operations view: the area given when it opened.
        expect(page.locator("#operation")).to_have_text("Typhoon Doksuri response")
        expect(page.locator("#map")).to_have_attribute(
            "data-area", "118.52,24.88,118.66,24.98"
        )
        expect(page.locator("#map path.operation-area")).to_be_visible()

        page.locator("#language").click()
        expect(page.locator("#stats-h")).to_have_text("行动统计")
        expect(board.first).to_contain_text("内涝")
        page.locator("#language").click()


def test_the_operation_picker_lists_operations_by_name_and_opens_the_one_chosen(
    settings: Settings, window: Window
) -> None:
    morning, _ = play_morning(settings)
    with serving(settings) as api:
        drill = api.commander(
            "OpenOperation",
            name="Night drill",
            kind="drill",
            area=[118.6, 24.94, 118.62, 24.96],
        )["result"]["operation_id"]
        page = window.open(api)  # two operations: the page asks which

        choices = page.locator("#picker button[data-operation]")
        expect(choices).to_have_count(2)
        # The newest opened first; each by its name, kind and incidents so far.
        expect(choices.first).to_contain_text("Night drill")
        expect(choices.first).to_contain_text("drill · open · 0 incidents")
        expect(choices.nth(1)).to_contain_text("Typhoon Doksuri response")
        expect(choices.nth(1)).to_contain_text("3 incidents")

        choices.first.click()
        expect(page.locator("#picker")).to_be_hidden()
        expect(page.locator("#operation")).to_have_text("Night drill")
        expect(page.locator("#map")).to_have_attribute(
            "data-area", "118.6,24.94,118.62,24.96"
        )
        assert page.evaluate("window.brigade.operationId") == drill

        # Closing it shows on the header live, without a reload.
        api.commander("CloseOperation", operation_id=drill)
        expect(page.locator("#operation")).to_have_text("Night drill · closed")

        page.locator("#operation").click()
        page.locator(f'#picker button[data-operation="{morning}"]').click()
        expect(page.locator("#operation")).to_have_text("Typhoon Doksuri response")
        expect(page.locator("#map")).to_have_attribute(
            "data-area", "118.52,24.88,118.66,24.98"
        )
        expect(page.locator("#board tbody tr")).to_have_count(3)


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


def test_an_operation_without_an_area_is_framed_by_what_is_on_its_map(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)  # opened without an area
        incident = report(api, operation, lat=24.95, lon=118.61)
        # Off duty, last seen some 40 km away: a row of every operation, not drawn.
        home = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 25.2, 118.9)
        ended = api.send("EndShift", api.token(Role.VOLUNTEER, home), volunteer_id=home)
        assert ended.status_code == 200, ended.text
        page = window.open(api, operation)

        marker = page.locator(f'[data-key="incident:{incident}"]')
        expect(marker).to_be_visible()
        expect(page.locator(f'#roster li[data-key="{home}"]')).to_have_attribute(
            "data-status", "off_duty"
        )
        expect(page.locator(f'[data-key="volunteer:{home}"]')).to_have_count(0)
        # The area is drawn around the one incident, and the map fitted to it.
        area = page.locator("#map path.operation-area").bounding_box()
        at = marker.bounding_box()
        assert area is not None and at is not None
        centre = (area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
        where = (at["x"] + at["width"] / 2, at["y"] + at["height"] / 2)
        assert abs(centre[0] - where[0]) < 5 and abs(centre[1] - where[1]) < 5, (
            centre,
            where,
        )


def test_a_dispatch_goes_through_and_a_refused_one_shows_the_domains_reason(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        near = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 24.951, 118.611)
        far = volunteer(api, operation, "Lin Hua", WATER_RESCUE, 24.99, 118.70)
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
        page.locator('#incident [data-action="dispatch"]').click()
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
        page.locator('#incident [data-action="dispatch"]').click()
        page.locator(".others summary").click()
        page.locator(f'.others li[data-volunteer="{unqualified}"] button').click()
        refusal = page.locator("#action .refusal")
        expect(refusal).to_contain_text("not qualified: water rescue course missing")
        expect(refusal).to_have_attribute("data-code", "not_qualified")
        expect(page.locator('[data-stat="refused_dispatches"] strong')).to_have_text(
            "1"
        )


def test_a_resolved_incident_is_shown_as_over_and_offered_no_dispatch(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        still = report(api, operation, address="Anji Road")
        over = report(api, operation, address="Wanan Road")
        api.commander("ResolveIncident", incident_id=over, outcome="pumped out")
        page = window.open(api, operation)
        # The board shows open incidents by default; "All" brings back the rest.
        page.locator('#board select[data-filter="status"]').select_option("")

        ended = re.compile(r"\bended\b")
        row = page.locator(f'#board tr[data-key="{over}"]')
        expect(row).to_have_class(ended)
        expect(row.locator(".age")).to_have_text("—")
        expect(page.locator(f'#board tr[data-key="{still}"]')).not_to_have_class(ended)
        expect(page.locator(f'[data-key="incident:{over}"]')).to_have_class(ended)
        expect(page.locator('[data-stat="open_incidents"] strong')).to_have_text("1")
        row.click()
        expect(page.locator("#incident")).to_contain_text("Wanan Road")
        expect(page.locator('#incident [data-action="dispatch"]')).to_have_count(0)


def test_an_open_dispatch_list_follows_the_roster_without_reopening(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        chen = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 24.96, 118.62)
        flood = report(api, operation, kind="flood", address="Shuangyang Street")
        page = window.open(api, operation)
        page.locator(f'#board tr[data-key="{flood}"]').click()
        page.locator('#incident [data-action="dispatch"]').click()
        ranked = page.locator("#action .candidates.ranked li")
        expect(ranked).to_have_count(1)
        first = ranked.first.element_handle()

        # Lin Hua comes on shift nearer the flood while the list is open: she is
        # ranked first; Chen Wei moves further off and his distance follows.
        lin = volunteer(api, operation, "Lin Hua", WATER_RESCUE, 24.951, 118.612)
        expect(ranked).to_have_count(2, timeout=SOON)
        expect(ranked.nth(0)).to_have_attribute("data-volunteer", lin)
        chen_km = ranked.nth(1).locator(".km")
        before = chen_km.inner_text()
        me = api.token(Role.VOLUNTEER, chen)
        moved = api.send("ReportPosition", me, volunteer_id=chen, lat=25.05, lon=118.62)
        assert moved.status_code == 200, moved.text
        expect(chen_km).not_to_have_text(before, timeout=HELD)
        assert float(chen_km.inner_text().split()[0]) > float(before.split()[0]) + 5
        # Chen Wei's row is the same element, moved and updated, not rebuilt.
        assert first is not None and first.evaluate("li => li.isConnected")

        # Sent elsewhere by another commander: off the ranked list, with the reason.
        other = report(api, operation, kind="flood", address="Anji Road")
        api.commander("DispatchVolunteer", incident_id=other, volunteer_id=lin)
        expect(ranked).to_have_count(1, timeout=SOON)
        expect(
            page.locator(f'#action .others li[data-volunteer="{lin}"]')
        ).to_contain_text("dispatched")


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

        thumbnail = page.locator(
            f'#incident .gallery img[data-sha="{stored["sha256"]}"]'
        )
        expect(thumbnail).to_have_attribute("src", re.compile(r"^blob:"))
        # A thumbnail, decoded: the server sent it only because the token went along.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth === 320",
            arg=thumbnail.element_handle(),
        )


def test_without_tiles_the_graticule_is_relabelled_as_the_map_zooms(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        page = window.open(api, open_operation(api))
        labels = page.locator(".graticule-label.lat")
        expect(labels.first).to_have_text(re.compile(r"^\d+\.\d\d°N$"))
        for _ in range(4):  # one at a time: a click during a zoom's animation is lost
            before = labels.all_inner_texts()
            page.locator(".leaflet-control-zoom-in").click()
            expect(labels).not_to_have_text(before)
        # Finer lines, labelled to more places: "24.945°N", not "24.94°N".
        three_places = re.compile(r"^\d+\.\d{3}°N$")
        expect(labels.first).to_have_text(three_places)
        assert all(three_places.match(text) for text in labels.all_inner_texts())


def test_no_request_leaves_the_servers_origin(
    settings: Settings, window: Window
) -> None:
    play_morning(settings)
    with serving(settings) as api:
        page = window.open(api)
        expect(page.locator(".incident-icon [data-kind]")).to_have_count(3)
        page.locator(".incident-icon [data-kind]").first.click()
        expect(page.locator("#incident")).to_be_visible()
        for _ in range(2):
            page.locator(".leaflet-control-zoom-in").click()
        page.locator(".leaflet-control-zoom-out").click()
        page.locator("#language").click()

        assert any(url.startswith(api.url) for url in window.requests)
        assert any(url.startswith("ws://") for url in window.requests)
        assert window.elsewhere(api.url) == []


def test_without_a_token_the_page_asks_for_one_and_says_when_it_is_refused(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        page = window.page
        page.goto(f"{api.url}/#operation={operation}")
        login = page.locator("#login")
        expect(login).to_be_visible()

        login.locator("input").fill("not-a-token")
        login.locator("button").click()
        expect(page.locator("#connection")).to_have_attribute(
            "data-state", "unauthorized"
        )
        expect(login.locator(".error")).to_have_text(
            "The server did not accept this token."
        )

        token = api.bearer(Role.OBSERVER, "wall-screen")
        login.locator("input").fill(token)
        login.locator("button").click()
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        expect(login).to_be_hidden()
        assert page.evaluate("sessionStorage.getItem('brigade.token')") == token
        # An observer sees the operation but is offered no commands.
        report(api, operation, address="Wanan Road")
        page.locator("#board tbody tr").first.click()
        expect(page.locator("#incident")).to_contain_text("Wanan Road")
        expect(page.locator('#incident [data-action="dispatch"]')).to_have_count(0)


def test_a_commander_reports_an_incident_by_clicking_the_map(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        report(api, operation, kind="medical", severity=2, address="Anji Road")
        page = window.open(api, operation)
        expect(page.locator("#board tbody tr")).to_have_count(1)

        page.locator("#map").click(position={"x": 300, "y": 300})
        form = page.locator("#action form.report")
        form.locator('select[name="kind"]').select_option("fire")
        form.locator('select[name="severity"]').select_option("5")
        form.locator('input[name="address"]').fill("Xiao Li noodles, 12 Wanan Road")
        lat, lon = (float(x) for x in form.locator(".where").inner_text().split(","))
        form.locator('button[type="submit"]').click()

        rows = page.locator("#board tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("#toast")).to_have_text("Incident reported")
        # Sorted by severity, highest first: the new fire leads.
        page.locator('#board th[data-sort="severity"]').click()
        expect(rows.first).to_contain_text("Xiao Li noodles")
        expect(rows.first.locator(".sev-chip")).to_have_text("5")
        incident = rows.first.get_attribute("data-key")
        assert incident is not None
        stored = api.http.get(
            "/views/board",
            params={"operation_id": operation},
            headers=api.token(Role.OBSERVER),
        ).json()["rows"][incident]
        # Reported where the commander clicked (the form shows it to 5 decimals).
        assert (stored["kind"], stored["severity"]) == ("fire", 5)
        assert (round(stored["lat"], 5), round(stored["lon"], 5)) == (lat, lon)


def test_names_from_the_field_are_shown_as_text_never_as_markup(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        report(api, operation)
        name = '<b id="injected">Chen</b> Wei'
        vid = volunteer(api, operation, name, ["basic-fire-safety"], 24.96, 118.63)
        page = window.open(api, operation)

        expect(page.locator(f'#roster li[data-key="{vid}"] .name')).to_have_text(name)
        page.locator(f'path[data-key="volunteer:{vid}"]').hover()
        expect(page.locator(".leaflet-tooltip")).to_contain_text(name)
        expect(page.locator("#injected")).to_have_count(0)
