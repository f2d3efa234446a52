"""The calls of the storm: their kinds, where and when they come, the work on scene.

Calls come with the storm's intensity (a peak four hours after landfall). Each
kind needs a team of a size and some minutes of work; a volunteer's field work
on a call is told in the order it happens, all before the call is resolved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain import commands as c
from domain.training import DOMAIN_FOR_KIND
from domain.types import IncidentKind
from replay.sim import images, roads
from replay.sim.model import (
    COMMANDER,
    CST,
    LANDFALL,
    LonLat,
    metres,
    rounded,
)
from replay.sim.names import shelter

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from domain.types import ServiceDomain
    from replay.sim.model import Plan
    from replay.sim.people import Person

OPEN_AT = datetime(2023, 7, 27, 16, 0, tzinfo=CST)  # the typhoon warning is raised
FIRST_CALL = datetime(2023, 7, 27, 20, 0, tzinfo=CST)
LAST_CALL = datetime(2023, 7, 29, 20, 0, tzinfo=CST)
SHIFTS_FROM = datetime(2023, 7, 27, 18, 0, tzinfo=CST)
SHIFTS_TO = datetime(2023, 7, 30, 8, 0, tzinfo=CST)
PEAK = LANDFALL + timedelta(hours=4)
SPEED = 25_000 / 3600  # metres per second through flooded streets
MINUTE = timedelta(minutes=1)

# kind: weight, team size, minutes of work on scene, what the caller says
KINDS: dict[IncidentKind, tuple[int, tuple[int, int], tuple[int, int], list[str]]] = {
    IncidentKind.FLOOD: (
        20,
        (1, 2),
        (20, 60),
        ["ground floors flooding", "water knee-deep in the street"],
    ),
    IncidentKind.ROAD_BLOCKED: (
        24,
        (1, 2),
        (15, 50),
        ["fallen tree across the road", "landslide debris on the road"],
    ),
    IncidentKind.TRAPPED_PERSONS: (
        9,
        (2, 3),
        (25, 70),
        ["family trapped upstairs", "car stalled in floodwater, driver inside"],
    ),
    IncidentKind.WATER_RESCUE: (
        5,
        (2, 3),
        (25, 60),
        ["residents cut off by the river", "person swept into a drainage channel"],
    ),
    IncidentKind.FIRE: (
        4,
        (2, 3),
        (15, 40),
        ["short-circuit fire in a flooded shop", "electrical fire in a house"],
    ),
    IncidentKind.MEDICAL: (
        12,
        (1, 2),
        (15, 35),
        ["injured by falling debris", "elderly resident needs oxygen"],
    ),
    IncidentKind.OTHER: (
        26,
        (1, 2),
        (15, 45),
        ["power line down", "loose roof sheets", "low-lying homes to be cleared"],
    ),
}
EVACUATE_AT = {
    IncidentKind.FLOOD,
    IncidentKind.OTHER,
    IncidentKind.TRAPPED_PERSONS,
    IncidentKind.WATER_RESCUE,
}
RESCUE_AT = {
    IncidentKind.TRAPPED_PERSONS,
    IncidentKind.WATER_RESCUE,
    IncidentKind.FLOOD,
}
SHELTERS = ["Luojiang Central School", "Shuangyang community centre", "Heshi town hall"]


@dataclass
class Leg:
    """A trip: from wherever the volunteer is at `start` to `to`, by `end`."""

    start: datetime
    end: datetime
    to: LonLat


@dataclass
class Call:
    id: UUID
    kind: IncidentKind
    size: int
    at: datetime
    point: LonLat = (0.0, 0.0)
    address: str = ""
    evacuations: list[int] = field(default_factory=list)
    rescues: list[int] = field(default_factory=list)
    refusals: int = 0

    @property
    def needs(self) -> ServiceDomain | None:
        return DOMAIN_FOR_KIND[self.kind]


def intensity(at: datetime) -> float:
    hours = (at - PEAK).total_seconds() / 3600
    return 0.5 + 4.0 * math.exp(-((hours / 10) ** 2))


def moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment drawn with the storm's intensity (rejection sampling)."""
    span = (end - start).total_seconds()
    while True:
        at = start + timedelta(seconds=round(rng.uniform(0, span)))
        if rng.uniform(0, 4.5) < intensity(at):
            return at


def split(rng: random.Random, total: int, low: int, high: int) -> list[int]:
    parts: list[int] = []
    while total > 0:
        part = min(total, rng.randint(low, high))
        parts.append(part)
        total -= part
    return parts


def travel(a: LonLat, b: LonLat) -> timedelta:
    return timedelta(seconds=round(metres(a, b) / SPEED) + 180)


def field_work(
    rng: random.Random,
    plan: Plan,
    call: Call,
    lead: Person,
    team: list[Person],
    times: tuple[datetime, datetime, datetime],
    origin: LonLat,
) -> datetime:
    """Assess, guide, clear, photograph, evacuate, rescue, resolve and close.

    `times`: the first arrival, the last, and when the call was resolved; `origin`:
    where the first to arrive set out from. Returns when the call was closed.
    """
    first, last, resolved = times
    add = plan.add
    at_risk = sum(call.evacuations) + sum(call.rescues)
    add(
        first + 2 * MINUTE,
        c.AssessIncident,
        lead.actor,
        incident_id=call.id,
        summary=f"{call.kind.value.replace('_', ' ')} confirmed",
        severity=None,
        people_at_risk=at_risk or None,
    )
    if call.kind is IncidentKind.ROAD_BLOCKED:
        ends = [call.point, (call.point[0] + 0.0008, call.point[1] + 0.0005)]
        add(
            first + (resolved - first) * 0.6,
            c.ClearRoad,
            lead.actor,
            incident_id=call.id,
            path=[rounded(p) for p in ends],
            note="debris cut and moved to the verge",
        )
    elif rng.random() < 0.4:
        path = roads.route(origin, call.point)
        add(
            first + 4 * MINUTE,
            c.GuideRoute,
            lead.actor,
            incident_id=call.id,
            path=[rounded(p) for p in path],
            note="main road passable; avoid the underpass",
        )
    for n in range(rng.choice([0, 0, 1, 1, 2])):
        image = images.photo(rng)
        add(
            first + timedelta(minutes=6 + 5 * n),
            c.RecordImage,
            lead.actor,
            blob=image,
            incident_id=call.id,
            sha256=images.sha256(image),
            media_type=images.MEDIA_TYPE,
            size=len(image),
            lat=call.point[1],
            lon=call.point[0],
            caption=f"{call.address}, {call.kind.value.replace('_', ' ')}",
        )
    if rng.random() < 0.2:
        add(
            first + 8 * MINUTE,
            c.PostMessage,
            lead.actor,
            incident_id=call.id,
            text="water still rising; keep the second team on standby",
        )
    span = (resolved - last - 6 * MINUTE) / (
        len(call.evacuations) + len(call.rescues) + 1
    )
    at = last + 3 * MINUTE
    for count in call.rescues:
        at += span
        add(
            at,
            c.RecordRescue,
            rng.choice(team).actor,
            incident_id=call.id,
            count=count,
        )
    for count in call.evacuations:
        at += span
        add(
            at,
            c.RecordEvacuation,
            rng.choice(team).actor,
            incident_id=call.id,
            count=count,
            destination=shelter(rng.choice(SHELTERS)),
        )
    outcome = "handled"
    if call.rescues or call.evacuations:
        outcome = f"{sum(call.rescues)} rescued, {sum(call.evacuations)} evacuated"
    add(resolved, c.ResolveIncident, COMMANDER, incident_id=call.id, outcome=outcome)
    closed = resolved + timedelta(minutes=rng.randint(20, 90))
    add(closed, c.CloseIncident, COMMANDER, incident_id=call.id)
    for person in team:
        if rng.random() < 0.25:
            add(
                resolved + timedelta(hours=3),
                c.RateSatisfaction,
                COMMANDER,
                volunteer_id=person.id,
                rating=rng.choice([3, 4, 4, 5, 5, 5]),
                incident_id=call.id,
                comment="",
            )
    return closed
