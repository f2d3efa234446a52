"""The story the after-action report tests tell, and reading the report's plots.

The story's field times are set by hand, so every number the tests check was
worked out from the story itself, not read back from the code under test.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from support import LANDFALL, Scenario, volunteer

from domain import commands as c

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID


NAME = "Typhoon Doksuri response"
# Drawing the plots takes seconds and depends only on the numbers, which the other
# tests check on every store: the tests that draw run on SQLite only.
DRAWN_ON_SQLITE = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


def t(minutes: int) -> datetime:
    """Field time: minutes after landfall (09:55 +08:00)."""
    return LANDFALL + timedelta(minutes=minutes)


def tell(story: Scenario) -> dict[str, UUID]:
    """The story. Its numbers are worked out beside the test that checks them."""
    op = story.operation(NAME)
    other = story.operation("Year-round programme 2023")
    chen = story.ready_volunteer("Chen Wei", on_shift=False)
    lin = story.ready_volunteer(
        "Lin Hua",
        ("basic-fire-safety", "water-rescue", "search-and-rescue"),
        on_shift=False,
    )
    # Not trained (basic fire safety missing), and not insured: both refused.
    wu = story.ready_volunteer("Wu Min", ("water-rescue",), on_shift=False)
    zhao = story.ready_volunteer("Zhao Lei", insured=False, on_shift=False)
    for vid in (chen, lin, wu, zhao):
        story.ok(
            c.StartShift,
            volunteer_id=vid,
            operation_id=op,
            occurred_at=t(60),
            actor=volunteer(vid),
        )

    def report(kind: str, at: int, operation: UUID = op) -> UUID:
        return story.new(
            c.ReportIncident,
            "incident_id",
            operation_id=operation,
            kind=kind,
            lat=24.95,
            lon=118.61,
            severity=4,
            occurred_at=t(at),
        )

    def dispatch(incident: UUID, vid: UUID, at: int, *, refused: bool = False) -> None:
        outcome = story.do(
            c.DispatchVolunteer,
            incident_id=incident,
            volunteer_id=vid,
            occurred_at=t(at),
        )
        assert outcome.accepted is not refused, outcome.rejection

    def arrive(incident: UUID, vid: UUID, at: int) -> None:
        story.ok(
            c.RecordArrival,
            incident_id=incident,
            volunteer_id=vid,
            occurred_at=t(at),
            actor=volunteer(vid),
        )

    def people(kind: type[c.Command], incident: UUID, count: int, at: int) -> None:
        extra: dict[str, Any] = (
            {"destination": "Luojiang school"} if kind is c.RecordEvacuation else {}
        )
        story.ok(kind, incident_id=incident, count=count, occurred_at=t(at), **extra)

    flood = report("flood", 62)
    dispatch(flood, chen, 65)
    dispatch(flood, wu, 66, refused=True)
    other_flood = report("flood", 63, other)
    people(c.RecordEvacuation, other_flood, 100, 64)
    trapped = report("trapped_persons", 70)
    dispatch(trapped, lin, 71)
    dispatch(flood, zhao, 72, refused=True)
    arrive(flood, chen, 75)
    arrive(trapped, lin, 76)
    people(c.RecordEvacuation, flood, 23, 78)
    people(c.RecordRescue, flood, 2, 80)
    story.ok(c.ResolveIncident, incident_id=flood, outcome="done", occurred_at=t(81))
    second = report("flood", 82)
    report("hornet_nest", 84)
    dispatch(second, chen, 90)
    dispatch(second, zhao, 91, refused=True)
    arrive(second, chen, 92)
    people(c.RecordEvacuation, second, 10, 95)
    # A phone that was offline: recorded after 11:30, happened at 11:14.
    people(c.RecordRescue, trapped, 4, 79)

    def activity(kind: str, who: list[UUID], hours: float, at: int, o: UUID) -> None:
        story.ok(
            c.LogServiceActivity,
            operation_id=o,
            kind=kind,
            participants=who,
            hours=hours,
            occurred_at=t(at),
        )

    activity("hornet_nest", [chen, lin], 1.5, 100, op)
    activity("publicity", [lin], 2.0, 101, op)
    activity("patrol", [chen], 3.0, 101, other)
    shops = [
        story.new(
            c.RegisterPremises,
            "premises_id",
            name=name,
            address="Wanan Road",
            lat=24.95,
            lon=118.62,
        )
        for name in ("Xiao Li noodles", "Ah Hua tea")
    ]
    for shop, at in ((shops[0], 102), (shops[0], 103), (shops[1], 104)):
        story.ok(
            c.InspectPremises,
            premises_id=shop,
            operation_id=op,
            checklist={"extinguisher": False},
            occurred_at=t(at),
        )
    hazards = []
    for shop, at, deadline in ((shops[0], 105, 110), (shops[1], 106, 107)):
        hazard = story.new(
            c.RecordHazard,
            "hazard_id",
            premises_id=shop,
            operation_id=op,
            kind="extinguisher expired",
            severity=3,
            occurred_at=t(at),
        )
        story.ok(
            c.OrderRectification,
            premises_id=shop,
            hazard_id=hazard,
            deadline=t(deadline),
            occurred_at=t(at),
        )
        hazards.append(hazard)
    story.ok(
        c.RecordRectification,
        premises_id=shops[0],
        hazard_id=hazards[0],
        evidence="new extinguisher",
        occurred_at=t(108),
    )
    for incident, at in ((trapped, 112), (second, 113)):
        story.ok(
            c.ResolveIncident, incident_id=incident, outcome="done", occurred_at=t(at)
        )
    for vid, at in ((wu, 116), (lin, 118), (chen, 120)):
        story.ok(c.EndShift, volunteer_id=vid, occurred_at=t(at), actor=volunteer(vid))
    return {"op": op, "other": other, "chen": chen, "lin": lin, "wu": wu, "zhao": zhao}


def images(html: str) -> list[bytes]:
    found = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)">', html)
    return [base64.b64decode(data, validate=True) for data in found]
