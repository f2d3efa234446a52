"""The report tells each risk warning's course: issued, raised, lowered, lifted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from report_story import t

from domain import commands as c
from replay.report import build_report

if TYPE_CHECKING:
    from uuid import UUID

    from support import Clock, Scenario

    from domain.application import Brigade

AREA = [[118.6, 24.9], [118.7, 24.9], [118.7, 25.0], [118.6, 24.9]]
LEVEL = {"Minor": "blue", "Moderate": "yellow", "Severe": "orange", "Extreme": "red"}


def issue(story: Scenario, operation: UUID, at: int, **more: Any) -> UUID:
    fields: dict[str, Any] = {
        "operation_id": operation,
        "event": "Typhoon",
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "area_desc": "Luojiang",
        "polygon": AREA,
        "headline": {"zh": "台风预警", "en": "Typhoon warning"},
        "expiry": t(at) + timedelta(hours=12),
        "occurred_at": t(at),
    }
    return story.new(c.IssueWarning, "warning_id", **(fields | more))


def test_each_warning_of_the_operation_and_its_course(
    story: Scenario, brigade: Brigade, clock: Clock
) -> None:
    clock.now = t(60 * 14)  # the server's clock: after all of the story
    op = story.operation("Doksuri")
    other = story.operation("Haikui")
    typhoon = issue(story, op, 0)
    for at, severity in ((60, "Extreme"), (180, "Severe")):
        story.ok(
            c.UpdateWarning, warning_id=typhoon, severity=severity, occurred_at=t(at)
        )
    story.ok(c.CancelWarning, warning_id=typhoon, reason="passed", occurred_at=t(300))
    # Taken in from the weather service; nobody lifts it: it expires at 12 h.
    sent = t(30).isoformat()
    rain = issue(
        story,
        op,
        30,
        severity="Minor",
        headline={"zh": "暴雨蓝色预警"},
        source={"sender": "cma.gov.cn", "identifier": "CMA-1", "sent": sent},
    )
    issue(story, other, 10)  # another operation's: not in this report
    # A later event moves field time past the rain warning's expiry.
    story.ok(c.OpenOperation, name="later", kind="drill", occurred_at=t(60 * 13))

    report = build_report(brigade, [op])
    warnings = report.data["warnings"]
    assert [w["id"] for w in warnings] == [str(typhoon), str(rain)]
    course = [(s["step"], s["level"], s["at"][:16]) for s in warnings[0]["steps"]]
    assert course == [
        ("issued", "yellow", t(0).isoformat()[:16]),
        ("raised", "red", t(60).isoformat()[:16]),
        ("lowered", "orange", t(180).isoformat()[:16]),
        ("cancelled", "orange", t(300).isoformat()[:16]),
    ]
    assert warnings[0]["status"] == "cancelled" and warnings[0]["reason"] == "passed"
    assert warnings[1]["from"] == "cma.gov.cn"
    assert [(s["step"], s["level"]) for s in warnings[1]["steps"]] == [
        ("issued", "blue"),
        ("expired", "blue"),
    ]
    assert (
        warnings[1]["steps"][-1]["at"][:16]
        == (t(30) + timedelta(hours=12)).isoformat()[:16]
    )

    html = report.html()
    section = html[html.index('id="warnings"') : html.index('id="over-time"')]
    assert "台风预警 / Typhoon warning" in section
    assert '<span class="level red">red 红色</span> raised 升级' in section
    assert "lowered 降级" in section and "lifted 解除" in section
    assert "expired 到期" in section and "cma.gov.cn" in section
    rows = [line for line in report.csv().splitlines() if line.startswith("warning,")]
    assert len(rows) == 6
    assert rows[1].endswith(" raised,red")
