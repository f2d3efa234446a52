"""A short scripted morning of the Typhoon Doksuri response, for the first run.

The ids are fixed, so running it twice shows idempotency at work: the second run
is acknowledged with the first run's outcomes and appends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import commands as c
from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator

CST = timezone(timedelta(hours=8), "CST")
LANDFALL = datetime(2023, 7, 28, 9, 55, tzinfo=CST)
_NS = uuid5(NAMESPACE_URL, "https://brigade.invalid/demo/doksuri-morning")
COMMANDER = c.Actor(Role.COMMANDER, "luojiang-duty-officer")


def uid(name: str) -> UUID:
    return uuid5(_NS, name)


@dataclass(frozen=True)
class Step:
    """One thing that happens, told as a person would tell it."""

    says: str
    command: c.Command


VOLUNTEERS = {
    # name: (courses passed, insured, on shift)
    "Chen Wei": (("basic-fire-safety", "water-rescue", "first-aid"), True, True),
    "Lin Hua": (("basic-fire-safety", "search-and-rescue", "first-aid"), True, True),
    "Huang Jie": (("basic-fire-safety", "road-clearance"), True, True),
    "Zhao Lei": (("basic-fire-safety", "first-aid"), True, True),
    "Wu Min": (("water-rescue",), True, True),
}


def morning() -> Iterator[Step]:
    """The steps of the morning, in field order."""
    at = LANDFALL - timedelta(hours=6)
    n = 0

    def step(
        says: str,
        command_class: type[c.Command],
        actor: c.Actor = COMMANDER,
        /,
        **fields: Any,
    ) -> Step:
        nonlocal at, n
        n += 1
        at += timedelta(minutes=3)
        command = command_class(
            command_id=uid(f"step-{n}"), actor=actor, occurred_at=at, **fields
        )
        return Step(says, command)

    op = uid("operation")
    yield step(
        "open the Typhoon Doksuri response",
        c.OpenOperation,
        operation_id=op,
        name="Typhoon Doksuri response",
        kind="typhoon",
        area=[118.52, 24.88, 118.66, 24.98],
    )
    for name, (courses, insured, on_shift) in VOLUNTEERS.items():
        vid = uid(name)
        me = c.Actor(Role.VOLUNTEER, str(vid))
        yield step(
            f"register {name}",
            c.RegisterVolunteer,
            volunteer_id=vid,
            name=name,
            contact="+86 595 0000 0000",
            community="Luojiang",
            domains=["water_rescue"],
        )
        yield step(f"vet {name}", c.DecideVetting, volunteer_id=vid, approved=True)
        for course in courses:
            yield step(
                f"{name} passes {course}",
                c.RecordCourse,
                volunteer_id=vid,
                course=course,
                passed=True,
                score=85,
            )
        if insured:
            yield step(
                f"insure {name}",
                c.RecordInsurance,
                volunteer_id=vid,
                policy="PICC-LJ-2023",
                valid_until=datetime(2023, 12, 31, 23, 59, tzinfo=CST),
            )
        if on_shift:
            yield step(
                f"{name} starts a shift",
                c.StartShift,
                me,
                volunteer_id=vid,
                operation_id=op,
            )
            yield step(
                f"{name} reports a position",
                c.ReportPosition,
                me,
                volunteer_id=vid,
                lat=24.94,
                lon=118.60,
                accuracy=8.0,
            )
    flood = uid("flood")
    yield step(
        "report a flood on Shuangyang Street",
        c.ReportIncident,
        incident_id=flood,
        operation_id=op,
        kind="flood",
        lat=24.951,
        lon=118.612,
        address="Shuangyang Street",
        severity=4,
        description="ground floors flooding",
    )
    yield step(
        "dispatch Zhao Lei to the flood",
        c.DispatchVolunteer,
        incident_id=flood,
        volunteer_id=uid("Zhao Lei"),
    )
    yield step(
        "dispatch Wu Min to the flood",
        c.DispatchVolunteer,
        incident_id=flood,
        volunteer_id=uid("Wu Min"),
    )
    yield step(
        "dispatch Chen Wei to the flood",
        c.DispatchVolunteer,
        incident_id=flood,
        volunteer_id=uid("Chen Wei"),
    )
    chen = c.Actor(Role.VOLUNTEER, str(uid("Chen Wei")))
    yield step(
        "Chen Wei arrives",
        c.RecordArrival,
        chen,
        incident_id=flood,
        volunteer_id=uid("Chen Wei"),
    )
    yield step(
        "Chen Wei guides the fire crew in",
        c.GuideRoute,
        chen,
        incident_id=flood,
        path=[[118.600, 24.940], [118.606, 24.946], [118.612, 24.951]],
        note="Anji Road is passable; Shuangyang bridge is not",
    )
    yield step(
        "Chen Wei evacuates 23 residents",
        c.RecordEvacuation,
        chen,
        incident_id=flood,
        count=23,
        destination="Luojiang Central School",
    )
    trapped = uid("trapped")
    yield step(
        "report people trapped in Heshi village",
        c.ReportIncident,
        incident_id=trapped,
        operation_id=op,
        kind="trapped_persons",
        lat=24.962,
        lon=118.635,
        address="Heshi village",
        severity=5,
        description="family on a roof",
    )
    lin = c.Actor(Role.VOLUNTEER, str(uid("Lin Hua")))
    yield step(
        "dispatch Lin Hua to Heshi",
        c.DispatchVolunteer,
        incident_id=trapped,
        volunteer_id=uid("Lin Hua"),
    )
    yield step(
        "Lin Hua arrives",
        c.RecordArrival,
        lin,
        incident_id=trapped,
        volunteer_id=uid("Lin Hua"),
    )
    yield step(
        "Lin Hua rescues 4 people", c.RecordRescue, lin, incident_id=trapped, count=4
    )
    yield step(
        "resolve Heshi",
        c.ResolveIncident,
        incident_id=trapped,
        outcome="family of 4 rescued",
    )
    road = uid("road")
    yield step(
        "report a fallen tree on Anji Road",
        c.ReportIncident,
        incident_id=road,
        operation_id=op,
        kind="road_blocked",
        lat=24.943,
        lon=118.604,
        address="Anji Road",
        severity=3,
    )
    huang = c.Actor(Role.VOLUNTEER, str(uid("Huang Jie")))
    yield step(
        "dispatch Huang Jie to Anji Road",
        c.DispatchVolunteer,
        incident_id=road,
        volunteer_id=uid("Huang Jie"),
    )
    yield step(
        "Huang Jie clears the road",
        c.ClearRoad,
        huang,
        incident_id=road,
        path=[[118.603, 24.942], [118.605, 24.944]],
        note="tree cut and moved",
    )
