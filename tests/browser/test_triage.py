"""The duty officer's board and incident panel: what needs a decision comes first,
what has waited too long is marked and counted, and an incident's panel carries its
story, its thread with the volunteers on it, and every action as a command."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import (
    NOON,
    SCREENSHOTS,
    SOON,
    open_operation,
    report,
    simulate_doksuri,
    volunteer,
)
from domain.types import Role
from gateway.settings import Settings
from projections import triage

if TYPE_CHECKING:
    from pathlib import Path

    from browser.conftest import Window

WATER_RESCUE = ["basic-fire-safety", "water-rescue"]


def impatient(tmp_path: Path) -> Settings:
    """Severity 5 may not wait at all; severity 3 and 4 may wait an hour."""
    return Settings(
        data_dir=tmp_path / "data",
        secret="test",
        waiting_minutes={5: 0, 4: 60, 3: 60},
    )


def test_the_board_puts_what_needs_a_decision_first_and_marks_who_waited_too_long(
    tmp_path: Path, window: Window
) -> None:
    with serving(impatient(tmp_path)) as api:
        operation = open_operation(api)
        chen = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 24.951, 118.611)
        minor = report(api, operation, severity=3, address="Anji Road")
        urgent = report(api, operation, severity=5, address="Heshi village")
        covered = report(api, operation, severity=5, address="Wanan Road")
        serious = report(api, operation, severity=4, address="Luoxi Road")
        api.commander("DispatchVolunteer", incident_id=covered, volunteer_id=chen)
        page = window.open(api, operation)

        rows = page.locator("#board tbody tr")
        expect(rows).to_have_count(4)
        # Unassigned first, the most severe first; the one someone is on comes last.
        expect(rows.nth(0)).to_have_attribute("data-key", urgent)
        expect(rows.nth(1)).to_have_attribute("data-key", serious)
        expect(rows.nth(2)).to_have_attribute("data-key", minor)
        expect(rows.nth(3)).to_have_attribute("data-key", covered)
        # Severity 5 may not wait: marked, and counted in the header.
        waiting = re.compile(r"\bwaiting\b")
        expect(rows.nth(0)).to_have_class(waiting)
        expect(rows.nth(1)).not_to_have_class(waiting)
        expect(rows.nth(3)).not_to_have_class(waiting)  # someone is on it
        alarm = page.locator("#waiting-alarm")
        expect(alarm).to_have_text("1 waiting too long")
        expect(page.locator('[data-stat="needs_decision"] strong')).to_have_text("3")
        # The nearest free qualified volunteer is on the board itself: Chen Wei is
        # busy, so nobody is free for the floods.
        expect(rows.nth(0).locator(".near")).to_have_text("nobody free")
        expect(page.locator('[data-stat="available"]')).to_contain_text("water rescue")

        # Chen is released: free again, his distance shows; then sent to the urgent
        # one, which leaves the alarm and drops below the unassigned.
        api.commander("ReleaseVolunteer", incident_id=covered, volunteer_id=chen)
        expect(rows.nth(0).locator(".near")).to_have_text(
            re.compile(r"^\d+\.\d km$"), timeout=SOON + 1_000
        )
        api.commander("DispatchVolunteer", incident_id=urgent, volunteer_id=chen)
        expect(alarm).to_have_text("1 waiting too long")  # the covered one, again
        expect(rows.nth(0)).to_have_attribute("data-key", covered)
        expect(rows.nth(3)).to_have_attribute("data-key", urgent)

        # Filters: only what is assigned; only one kind.
        status = page.locator('#board select[data-filter="status"]')
        status.select_option("assigned")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-key", urgent)
        status.select_option("")
        page.locator('#board select[data-filter="kind"]').select_option("fire")
        expect(rows).to_have_count(0)
        page.locator('#board select[data-filter="kind"]').select_option("")
        expect(rows).to_have_count(4)
        # The alarm's button shows what needs a decision.
        alarm.click()
        expect(rows).to_have_count(3)


def test_the_incident_panel_tells_the_story_and_sends_every_action(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        operation = open_operation(api)
        chen = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 24.951, 118.611)
        wang = volunteer(api, operation, "Wang Fang", WATER_RESCUE, 24.952, 118.611)
        home = api.send("EndShift", api.token(Role.VOLUNTEER, wang), volunteer_id=wang)
        assert home.status_code == 200, home.text
        flood = report(
            api, operation, severity=4, address="Shuangyang Street", description="x"
        )
        page = window.open(api, operation)
        page.locator(f'#board tr[data-key="{flood}"]').click()
        panel = page.locator("#incident")
        expect(panel).to_be_visible()
        expect(panel.locator("h2")).to_have_text("flood #1 · Shuangyang Street")
        expect(panel.locator(".summary")).to_have_text("Not assessed yet.")

        # Assess: the summary and the people at risk reach the panel.
        panel.locator('[data-action="assess"] summary').click()
        panel.locator('textarea[name="summary"]').fill("water chest-deep, 6 inside")
        panel.locator('input[name="people_at_risk"]').fill("6")
        panel.locator('[data-action="assess"] button[type="submit"]').click()
        expect(panel.locator(".summary")).to_have_text("water chest-deep, 6 inside")
        expect(panel.locator('[data-field="people_at_risk"]')).to_have_text("6")

        # Dispatch from the panel; Chen is named on it with the time he was sent.
        panel.locator('[data-action="dispatch"]').click()
        expect(page.locator(f'#action li[data-volunteer="{chen}"]')).to_be_visible()
        # Off duty, Wang Fang is not offered at all.
        expect(page.locator(f'#action li[data-volunteer="{wang}"]')).to_have_count(0)
        page.locator(f'#action li[data-volunteer="{chen}"] button').click()
        team = panel.locator(f'.people-on li[data-volunteer="{chen}"]')
        expect(team).to_contain_text("Chen Wei dispatched · sent")

        # The thread: the commander writes to the team; Chen answers from his phone.
        panel.locator('.message textarea[name="text"]').fill("take the boat")
        panel.locator('.message button[type="submit"]').click()
        thread = panel.locator(".thread li")
        expect(thread).to_have_count(1)
        expect(thread.first).to_contain_text("command centre (duty-officer): ")
        me = api.token(Role.VOLUNTEER, chen)
        answer = api.send("PostMessage", me, incident_id=flood, text="on my way")
        assert answer.status_code == 200, answer.text
        expect(thread).to_have_count(2)
        expect(thread.nth(1)).to_contain_text("Chen Wei: on my way")

        # A refusal in words: an evacuation with nowhere to go.
        panel.locator('[data-action="evacuation"] summary').click()
        panel.locator('[data-action="evacuation"] input[name="count"]').fill("2")
        panel.locator('[data-action="evacuation"] button[type="submit"]').click()
        refusal = panel.locator(".refusal")
        expect(refusal).to_be_visible()
        expect(refusal).to_contain_text("destination")
        expect(refusal).to_have_attribute("data-code", "invalid_value")
        panel.locator('[data-action="evacuation"] input[name="count"]').fill("2")
        destination = panel.locator(
            '[data-action="evacuation"] input[name="destination"]'
        )
        destination.fill("Luojiang school")
        panel.locator('[data-action="evacuation"] button[type="submit"]').click()
        expect(panel.locator(".assessment")).to_contain_text("2 evacuated")

        panel.locator('[data-action="rescue"] summary').click()
        panel.locator('[data-action="rescue"] input[name="count"]').fill("1")
        panel.locator('[data-action="rescue"] button[type="submit"]').click()
        expect(panel.locator(".assessment")).to_contain_text("1 rescued")

        # Release Chen, then resolve and close.
        team.locator('[data-action="release"]').click()
        expect(panel.locator(".people-on")).to_contain_text("Nobody dispatched yet.")
        panel.locator('[data-action="resolve"] summary').click()
        panel.locator('textarea[name="outcome"]').fill("pumped out, all safe")
        panel.locator('[data-action="resolve"] button[type="submit"]').click()
        expect(panel.locator(".head .status")).to_have_text("resolved")
        panel.locator('[data-action="close"]').click()
        expect(panel.locator(".head .status")).to_have_text("closed")
        expect(panel.locator(".incident-actions button")).to_have_count(0)

        # The timeline has every event, with who did it.
        timeline = panel.locator(".timeline li")
        expect(timeline).to_have_count(10)
        expect(timeline.nth(0)).to_contain_text("reported: flood, severity 4")
        expect(
            panel.locator('.timeline li[data-what="message"]').nth(1)
        ).to_contain_text("— Chen Wei")

        # Escape closes the panel.
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()

        # The report, from the header: the closed flood by its reference, in words.
        with page.context.expect_page() as opened:
            page.locator("#report").click()
        report_tab = opened.value
        expect(report_tab.locator("h1")).to_contain_text("After-action report")
        expect(report_tab.locator("#details")).to_be_attached()
        expect(report_tab.locator("body")).to_contain_text(
            "flood #1 · Shuangyang Street"
        )


def test_the_storm_at_noon_in_triage_order_as_the_views_rules_say(
    tmp_path: Path, window: Window
) -> None:
    """The page's order is projections.triage's order, on the simulated storm."""
    settings = impatient(tmp_path)
    operation, reported = simulate_doksuri(settings, NOON)
    with serving(settings) as api:
        # Three calls just in, nobody on them yet (the simulated brigade is quick).
        for minutes, severity, address in (
            (20, 5, "Heshi village"),
            (3, 3, "12 Anji Road"),
            (1, 4, "Luoxi Road bridge"),
        ):
            at = NOON - timedelta(minutes=minutes)
            report(
                api,
                operation,
                severity=severity,
                address=address,
                occurred_at=at.isoformat(),
            )
            reported.append(at)
        # And a volunteer's SOS, less severe and newer: it goes first all the same.
        chen = volunteer(api, operation, "Chen Wei", WATER_RESCUE, 24.951, 118.611)
        at = NOON - timedelta(minutes=1)
        sos = api.send(
            "ReportIncident",
            api.token(Role.VOLUNTEER, chen),
            operation_id=operation,
            kind="other",
            lat=24.951,
            lon=118.611,
            severity=4,
            description="SOS: from a volunteer's phone",
            occurred_at=at.isoformat(),
        )
        assert sos.status_code == 200, sos.text
        reported.append(at)
        page = window.open(api, operation)
        rows = page.locator("#board tbody tr")
        expect(rows).to_have_count(len(reported))
        board = api.http.get(
            "/views/board",
            params={"operation_id": operation},
            headers=api.token(Role.OBSERVER),
        ).json()["rows"]
        assert any(triage.unassigned(row) for row in board.values())
        expected = [row["id"] for row in triage.triage(board.values(), NOON)]
        shown = page.eval_on_selector_all(
            "#board tbody tr", "rows => rows.map((row) => row.dataset.key)"
        )
        assert shown == expected
        assert board[expected[0]]["sos"] is True
        first = page.locator("#board tbody tr").first
        expect(first).to_have_attribute("data-sos", "true")
        expect(first.locator("td.kind .sos")).to_have_text("SOS")
        # Every row marked is one nobody is on, and the header counts them.
        marked = page.locator("#board tbody tr.waiting")
        count = marked.count()
        assert count > 0
        for key in marked.evaluate_all("rows => rows.map((row) => row.dataset.key)"):
            assert triage.unassigned(board[key])
        expect(page.locator("#waiting-alarm")).to_have_attribute(
            "data-count", str(count)
        )
        # The operation's whole name on hover; every severity in the legend.
        expect(page.locator("#operation")).to_have_attribute(
            "title", re.compile(r"^Typhoon Doksuri response, Luojiang · typhoon · ")
        )
        for severity in range(1, 6):
            expect(page.locator(".legend")).to_contain_text(f"Sev. {severity}")
        # Who can be sent is on the screen at 1600x900, the page not scrolled.
        expect(page.locator("#roster ul.on-shift li").first).to_be_in_viewport()
        assert page.evaluate("document.scrollingElement.scrollTop") == 0
        # The nearest free volunteer qualified for a flood, on the board itself.
        expect(rows.first.locator(".near")).to_have_text(re.compile(r"^\d+\.\d km$"))
        page.screenshot(path=str(SCREENSHOTS / "triage.png"))

        # An incident people were sent to (at noon: on scene, on the way or done),
        # in its panel beside the map.
        page.locator(
            ", ".join(
                f'#board tbody tr[data-status="{status}"]'
                for status in ("on_scene", "dispatched", "resolved")
            )
        ).first.click()
        expect(page.locator("#incident .timeline li").first).to_contain_text("reported")
        page.screenshot(path=str(SCREENSHOTS / "incident-detail.png"))
        # The SOS's panel says whose it is.
        first.click()
        expect(page.locator("#incident .head .sos")).to_have_text("SOS · Chen Wei")
