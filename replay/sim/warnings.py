"""The typhoon warnings of Doksuri's week in Luojiang, as the duty officer relays them.

One warning over the district, raised as the storm closed in and lifted after it
passed, as Quanzhou's observatory did: blue when the operation opens, orange the
night before landfall, red in the small hours of the 28th, lifted on the 29th.
Each is a CAP revision (`Alert`, `Update`, `Update`, `Cancel`) in the CAP feed.
"""

# Chinese is written with its own full-width commas and semicolons.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain import commands as c
from replay.sim.calls import OPEN_AT
from replay.sim.model import COMMANDER, CST, LUOJIANG

if TYPE_CHECKING:
    from uuid import UUID

    from replay.sim.model import Ids, Plan

WEST, SOUTH, EAST, NORTH = LUOJIANG
AREA = [[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]
LIFTED_AT = datetime(2023, 7, 29, 10, 0, tzinfo=CST)

# (when, severity, urgency, certainty, zh and en colour, what to do in zh and en)
LEVELS: list[tuple[datetime, str, str, str, tuple[str, str], tuple[str, str]]] = [
    (
        OPEN_AT, "Minor", "Future", "Likely", ("蓝色", "blue"),
        ("检查加固门窗、围板、棚架；海上作业人员回港避风",
         "Check and secure doors, windows, hoardings and scaffolds; boats return "
         "to port"),
    ),
    (
        datetime(2023, 7, 27, 22, 0, tzinfo=CST), "Severe", "Expected", "Likely",
        ("橙色", "orange"),
        ("停止户外作业和集会；转移危房、低洼地人员",
         "Stop outdoor work and gatherings; move people out of unsafe buildings "
         "and low ground"),
    ),
    (
        datetime(2023, 7, 28, 4, 0, tzinfo=CST), "Extreme", "Immediate", "Observed",
        ("红色", "red"),
        ("人员留在防风安全处，切勿外出；志愿者听从指挥统一行动",
         "Stay in a wind-safe place and do not go out; volunteers act only when "
         "dispatched"),
    ),
]  # fmt: skip


def typhoon_warnings(plan: Plan, ids: Ids, operation: UUID) -> UUID:
    """Plan the warning's issue, two raises and its lifting; its id."""
    warning = ids.of("warning:doksuri-typhoon")
    for n, (at, severity, urgency, certainty, colour, todo) in enumerate(LEVELS):
        zh, en = colour
        fields: dict[str, Any] = {
            "severity": severity,
            "urgency": urgency,
            "certainty": certainty,
            "headline": {
                "zh": f"洛江区台风{zh}预警",
                "en": f"Typhoon {en} warning for Luojiang",
            },
            "instruction": {"zh": todo[0], "en": todo[1]},
            "expiry": at + timedelta(hours=48),
        }
        if n == 0:
            plan.add(
                at, c.IssueWarning, COMMANDER, warning_id=warning,
                operation_id=operation, event="Typhoon", category="Met",
                area_desc="Luojiang district, Quanzhou 泉州市洛江区", polygon=AREA,
                description={
                    "zh": "第5号台风“杜苏芮”将影响我区，风雨逐渐加大。",
                    "en": "Typhoon Doksuri (No. 5) will bring rising wind and rain.",
                },
                **fields,
            )  # fmt: skip
        else:
            plan.add(at, c.UpdateWarning, COMMANDER, warning_id=warning, **fields)
    plan.add(
        LIFTED_AT, c.CancelWarning, COMMANDER, warning_id=warning,
        reason="Doksuri has passed: the typhoon warning is lifted",
    )  # fmt: skip
    return warning
