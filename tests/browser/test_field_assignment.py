"""A volunteer on shift is dispatched: the phone shows it at once, with how far it
is; she answers "on my way", talks with the command centre, arrives, assesses,
evacuates people and sends a photo; the command centre's views show it all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect
from support import eventually

from browser.field import brigade_serve, phone, photo
from browser.scenes import SCREENSHOTS, open_operation, report, volunteer
from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from playwright.sync_api import Browser

COURSES = ["basic-fire-safety", "water-rescue"]
# Bounded waits, not timings: a dispatch shows "within a second" when connected.
PUSHED = 5_000


def at(api: Api, vid: str) -> tuple[float, float] | None:
    """Where the command centre's roster has the volunteer."""
    rows = api.http.get("/views/roster", headers=api.token(Role.COMMANDER))
    position = rows.json()["rows"][vid].get("position")
    return None if position is None else (position["lat"], position["lon"])


def test_a_dispatch_reaches_the_phone_and_the_volunteer_works_it(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            expect(page.locator("#shift-chip")).to_have_attribute("data-on", "true")
            held.tap("#share")
            expect(page.locator("#share")).to_have_attribute("aria-pressed", "true")
            expect(page.locator("#fix")).to_contain_text("accuracy ±8 m")
            expect(page.locator("#fix")).to_contain_text("Sharing position")
            expect(page.locator("#share")).to_have_text("Stop sharing my position")
            eventually(lambda: at(api, vid) == (24.951, 118.612), what="not shared")
            page.screenshot(path=str(SCREENSHOTS / "field-me.png"))
            held.tab("job")
            expect(page.locator("#job-none")).to_be_visible()

            incident = report(
                api,
                operation,
                address="Shuangyang Street",
                description="water at the door",
                lat=24.961,
                lon=118.612,
            )
            api.commander(
                "DispatchVolunteer",
                incident_id=incident,
                volunteer_id=vid,
                note="bring the pump",
            )
            job = page.locator("#job")
            expect(job).to_be_visible(timeout=PUSHED)
            expect(page.locator("#job-address")).to_have_text("Shuangyang Street")
            expect(page.locator("#job-description")).to_contain_text("bring the pump")
            # 24.951 -> 24.961 is about 1.1 km; at 15 km/h that is 5 minutes
            expect(page.locator("#job-distance")).to_have_text("1.1 km from here")
            expect(page.locator("#coming")).to_have_text("On my way · ETA 5 min")
            page.screenshot(path=str(SCREENSHOTS / "field-assignment.png"))

            held.tap("#coming")
            expect(page.locator("#job-answer")).to_contain_text("on your way · ETA 5")
            board = api.http.get(
                "/views/board", headers=api.token(Role.COMMANDER)
            ).json()["rows"]
            answers = board[incident].get("answers", {})
            assert answers.get(vid, {}).get("answer") == "coming", board[incident]

            # Dispatched, she cannot end her shift: the phone says why, in words.
            held.tab("me")
            held.tap("#shift")
            expect(page.locator("#shift-why")).to_have_text(
                "End shift: you are still dispatched to an incident", timeout=PUSHED
            )
            expect(page.locator("#shift-chip")).to_have_attribute("data-on", "true")
            held.tab("job")

            # The command centre writes; she answers.
            api.commander("PostMessage", incident_id=incident, text="pump on its way")
            messages = page.locator("#job-messages li")
            expect(messages.filter(has_text="pump on its way")).to_have_count(
                1, timeout=PUSHED
            )
            page.locator("#message [name=text]").fill("road flooded, going round")
            held.tap("#message button[type=submit]")
            mine = page.locator(
                "#job-messages li[data-mine=true][data-waiting=false]",
                has_text="road flooded, going round",
            )
            expect(mine).to_have_count(1, timeout=PUSHED)

            # She walks there: the distance follows her.
            held.move(24.956, 118.612)
            expect(page.locator("#job-distance")).to_have_text(
                "556 m from here", timeout=PUSHED
            )
            eventually(lambda: at(api, vid) == (24.956, 118.612), what="not moved")
            held.move(24.961, 118.612)
            held.tap("#arrived")
            expect(job).to_have_attribute("data-state", "on_scene", timeout=PUSHED)

            page.locator("#job details:has(#assess) > summary").tap()
            page.locator("#assess [name=summary]").fill("ground floor flooded")
            page.locator("#assess [name=severity]").select_option("4")
            page.locator("#assess [name=people_at_risk]").fill("3")
            held.tap("#assess button[type=submit]")
            page.locator("#job details:has(#evacuate) > summary").tap()
            page.locator("#evacuate [name=count]").fill("3")
            page.locator("#evacuate [name=destination]").fill("Luojiang school")
            held.tap("#evacuate button[type=submit]")
            page.locator("#job details:has(#job-photo) > summary").tap()
            page.locator("#job-photo [name=photo]").set_input_files(files=[photo()])
            page.locator("#job-photo [name=caption]").fill("water at the door")
            held.tap("#job-photo button[type=submit]")
            held.tap("#route-guided")
            expect(page.locator("#outbox-chip")).to_have_attribute(
                "data-waiting", "0", timeout=20_000
            )
            expect(page.locator("#job-route li")).to_have_count(1, timeout=PUSHED)

            def recorded() -> bool:
                row = api.http.get(
                    "/views/board", headers=api.token(Role.COMMANDER)
                ).json()["rows"][incident]
                return bool(
                    row["evacuated"] == 3
                    and row["images"] == 1
                    and row["status"] == "on_scene"
                )

            eventually(recorded, what="the board does not show her work")
            held.tab("outbox")
            refused = page.locator("#outbox li[data-state=refused]")
            expect(refused).to_have_count(1)  # the shift she could not end
            expect(refused).to_have_attribute("data-command", "EndShift")
            page.screenshot(path=str(SCREENSHOTS / "field-outbox.png"))


def test_a_volunteer_reports_an_incident_where_she_stands_with_a_photo(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            held.tab("report")
            expect(page.locator("#report-where")).to_have_text(
                "here: 24.95100, 118.61200"
            )
            form = page.locator("#report")
            form.locator("[name=kind]").select_option("road_blocked")
            form.locator("[name=address]").fill("Anji Road")
            form.locator("[name=photo]").set_input_files(files=[photo()])
            form.locator("[name=caption]").fill("tree across the road")
            page.screenshot(path=str(SCREENSHOTS / "field-report.png"))
            form.locator("button[type=submit]").tap()
            held.tab("outbox")
            expect(page.locator("#outbox li[data-state=done]")).to_have_count(
                2, timeout=20_000
            )
            entries = held.outbox()
            assert [(command, state) for _, command, state in entries] == [
                ("ReportIncident", "done"),
                ("RecordImage", "done"),
            ]

        board = api.http.get("/views/board", headers=api.token(Role.COMMANDER))
        (row,) = board.json()["rows"].values()
        assert (row["kind"], row["address"], row["images"]) == (
            "road_blocked",
            "Anji Road",
            1,
        )
        assert (row["lat"], row["lon"]) == (24.951, 118.612)


def test_two_taps_on_sos_and_the_volunteer_sees_help_coming(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            # On the first screen already, without scrolling.
            expect(page.locator("#sos-me")).to_be_in_viewport()
            held.tab("report")
            expect(page.locator("#report-where")).to_have_text(
                "here: 24.95100, 118.61200"
            )
            sos = page.locator("#sos")
            held.tap("#sos")  # a pocket's tap arms it
            expect(sos).to_have_attribute("data-armed", "true")
            expect(sos).to_have_text("Tap again to send SOS")
            page.screenshot(path=str(SCREENSHOTS / "field-sos.png"))
            held.tap("#sos")
            expect(sos).to_have_text("SOS: I need help")
            held.tab("outbox")
            expect(page.locator("#outbox li[data-state=done]")).to_have_count(
                1, timeout=20_000
            )
            # Two taps, one SOS: the first only armed it.
            assert [command for _, command, _ in held.outbox()] == ["ReportIncident"]

            board = api.http.get("/views/board", headers=api.token(Role.COMMANDER))
            ((incident, row),) = board.json()["rows"].items()
            assert (row["kind"], row["severity"]) == ("other", 5)
            assert row["description"].startswith("SOS: from a volunteer's phone")
            assert (row["lat"], row["lon"]) == (24.951, 118.612)
            timeline = api.http.get(
                "/views/timeline", headers=api.token(Role.COMMANDER)
            )
            (entries,) = [r["entries"] for r in timeline.json()["rows"].values()]
            assert entries[0]["actor"] == f"volunteer:{vid}"

            # Her report on her phone: nobody yet; then who is coming, and words.
            held.tab("report")
            card = page.locator(f"#reports li.report[data-incident='{incident}']")
            expect(card.locator(".report-status")).to_have_text(
                "My SOS · nobody sent yet"
            )
            expect(card).to_have_attribute("data-sos", "true")
            lin = volunteer(api, operation, "Lin Hui", COURSES, 24.96, 118.62)
            api.commander("DispatchVolunteer", incident_id=incident, volunteer_id=lin)
            answer = api.send(
                "AnswerDispatch",
                api.token(Role.VOLUNTEER, lin),
                volunteer_id=lin,
                incident_id=incident,
                answer="coming",
                eta_minutes=8,
            )
            assert answer.status_code == 200, answer.text
            api.commander("PostMessage", incident_id=incident, text="Stay on the roof")
            expect(card.locator(".report-status")).to_contain_text(
                "help is on the way", timeout=PUSHED
            )
            expect(card.locator(".sent li")).to_have_text(
                ["Lin Hui · on the way · ETA 8 min"]
            )
            expect(card.locator(".messages li .text")).to_have_text(
                ["Stay on the roof"]
            )
            page.screenshot(path=str(SCREENSHOTS / "field-my-report.png"))
            card.locator("input[name=text]").fill("North side, two of us")
            card.locator("button[type=submit]").tap()
            expect(card.locator(".messages li .text")).to_have_text(
                ["Stay on the roof", "North side, two of us"], timeout=PUSHED
            )

        texts = [
            (e["actor"], e["text"])
            for e in api.http.get(
                "/views/timeline", headers=api.token(Role.COMMANDER)
            ).json()["rows"][incident]["entries"]
            if e["what"] == "message"
        ]
        assert texts[-1] == (f"volunteer:{vid}", "North side, two of us")


def test_a_volunteer_who_cannot_go_says_why_and_sees_her_release(
    browser: Browser, tmp_path: Path
) -> None:
    with brigade_serve(tmp_path / "data", tmp_path) as server:
        api = server.start()
        operation = open_operation(api)
        vid = volunteer(api, operation, "Xu Ming", COURSES, 24.95, 118.61)
        with phone(browser) as held:
            page = held.sign_in(api.url, api.bearer(Role.VOLUNTEER, vid))
            incident = report(api, operation, address="Heshi village")
            api.commander("DispatchVolunteer", incident_id=incident, volunteer_id=vid)
            held.tab("job")
            expect(page.locator("#job-dot")).to_be_visible(timeout=PUSHED)
            held.tap("#not-coming")
            page.locator("#decline [name=reason]").fill("road under water")
            held.tap("#decline button[type=submit]")
            expect(page.locator("#job-answer")).to_have_text(
                "You answered: cannot go · road under water", timeout=PUSHED
            )
            expect(page.locator("#job-dot")).to_be_hidden()
            roster = api.http.get("/views/roster", headers=api.token(Role.COMMANDER))
            answer = roster.json()["rows"][vid].get("answer") or {}
            assert answer.get("answer") == "not_coming", answer

            api.commander(
                "ReleaseVolunteer",
                incident_id=incident,
                volunteer_id=vid,
                reason="another crew is closer",
            )
            notice = page.locator("#job-notice")
            expect(notice).to_have_text(
                "You were released from this incident. · another crew is closer",
                timeout=PUSHED,
            )
            expect(page.locator("#job-answers")).to_be_hidden()
