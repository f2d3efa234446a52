"""A realistic operation for benchmarks: a typhoon day, mostly volunteers' positions.

Deterministic for a seed. 150 volunteers (some untrained or uninsured, who get
refused); while on shift each reports a position every 5 s; incidents are reported,
dispatched, worked (arrival, route, evacuations, rescues, images) and resolved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from domain import commands as c
from domain.ids import uuid7
from domain.training import DOMAIN_COURSES, DOMAIN_FOR_KIND
from domain.types import IncidentKind, Role, ServiceDomain

if TYPE_CHECKING:
    from collections.abc import Iterator

CST = timezone(timedelta(hours=8))
START = datetime(2023, 7, 28, 6, 0, tzinfo=CST)
NS = UUID("0b6f7c33-8d7e-4a55-b1d2-6f3e9c1d2a10")
COMMANDER = c.Actor(Role.COMMANDER, "bench")
KINDS = [
    IncidentKind.FLOOD,
    IncidentKind.TRAPPED_PERSONS,
    IncidentKind.ROAD_BLOCKED,
    IncidentKind.MEDICAL,
    IncidentKind.WATER_RESCUE,
    IncidentKind.OTHER,
]


@dataclass
class Person:
    id: UUID
    actor: c.Actor
    domains: set[ServiceDomain]
    ready: bool
    lat: float
    lon: float
    busy: UUID | None = None


@dataclass
class Call:
    id: UUID
    kind: IncidentKind
    lat: float
    lon: float
    team: list[Person] = field(default_factory=list)
    ticks: int = 0


def operation(events: int, seed: int = 7) -> Iterator[c.Command]:
    """Commands that make roughly `events` events, in an order the domain accepts."""
    rng = random.Random(seed)
    at = START
    made = 0

    def cmd(
        command_class: type[c.Command], actor: c.Actor = COMMANDER, /, **fields: Any
    ) -> c.Command:
        nonlocal made
        made += 1
        return command_class(command_id=uuid7(), actor=actor, occurred_at=at, **fields)

    op = uuid5(NS, f"operation-{seed}")
    yield cmd(
        c.OpenOperation,
        operation_id=op,
        name="Typhoon Doksuri response",
        kind="typhoon",
    )
    people: list[Person] = []
    for n in range(150):
        vid = uuid5(NS, f"volunteer-{seed}-{n}")
        me = c.Actor(Role.VOLUNTEER, str(vid))
        domains = set(rng.sample(list(DOMAIN_COURSES), rng.randint(1, 3)))
        ready = rng.random() < 0.85
        person = Person(
            vid,
            me,
            domains,
            ready,
            24.88 + rng.random() * 0.1,
            118.52 + rng.random() * 0.14,
        )
        people.append(person)
        yield cmd(
            c.RegisterVolunteer,
            volunteer_id=vid,
            name=f"Volunteer {n}",
            contact="+86",
            domains=[d.value for d in domains],
        )
        yield cmd(c.DecideVetting, volunteer_id=vid, approved=True)
        if ready:
            yield cmd(
                c.RecordCourse,
                volunteer_id=vid,
                course="basic-fire-safety",
                passed=True,
                score=80,
            )
        for domain in domains:
            yield cmd(
                c.RecordCourse,
                volunteer_id=vid,
                course=DOMAIN_COURSES[domain],
                passed=True,
                score=75,
            )
        yield cmd(
            c.RecordInsurance,
            volunteer_id=vid,
            policy="PICC",
            valid_until=START + timedelta(days=90),
        )
        yield cmd(c.StartShift, me, volunteer_id=vid, operation_id=op)
    calls: list[Call] = []
    n_calls = 0
    while made < events:
        at += timedelta(seconds=5)
        for person in people:
            person.lat = min(max(person.lat + rng.uniform(-2e-4, 2e-4), 24.8), 25.0)
            person.lon = min(max(person.lon + rng.uniform(-2e-4, 2e-4), 118.4), 118.8)
            yield cmd(
                c.ReportPosition,
                person.actor,
                volunteer_id=person.id,
                lat=round(person.lat, 6),
                lon=round(person.lon, 6),
                accuracy=8.0,
            )
        if rng.random() < 0.4:
            n_calls += 1
            kind = rng.choice(KINDS)
            call = Call(
                uuid5(NS, f"incident-{seed}-{n_calls}"),
                kind,
                24.88 + rng.random() * 0.1,
                118.52 + rng.random() * 0.14,
            )
            calls.append(call)
            yield cmd(
                c.ReportIncident,
                incident_id=call.id,
                operation_id=op,
                kind=kind.value,
                lat=call.lat,
                lon=call.lon,
                severity=rng.randint(1, 5),
                address="Luojiang",
            )
            needs = DOMAIN_FOR_KIND[kind]
            free = [
                p
                for p in people
                if p.busy is None and (needs is None or needs in p.domains)
            ]
            for person in rng.sample(free, min(len(free), rng.randint(1, 3))):
                yield cmd(
                    c.DispatchVolunteer, incident_id=call.id, volunteer_id=person.id
                )
                if person.ready:
                    person.busy = call.id
                    call.team.append(person)
        for call in list(calls):
            call.ticks += 1
            if call.ticks == 3:
                for person in call.team:
                    yield cmd(
                        c.RecordArrival,
                        person.actor,
                        incident_id=call.id,
                        volunteer_id=person.id,
                    )
            elif call.ticks == 4 and call.team:
                lead = call.team[0].actor
                yield cmd(
                    c.GuideRoute,
                    lead,
                    incident_id=call.id,
                    path=[[call.lon - 0.004, call.lat - 0.003], [call.lon, call.lat]],
                )
                yield cmd(
                    c.RecordEvacuation,
                    lead,
                    incident_id=call.id,
                    count=rng.randint(1, 20),
                    destination="school",
                )
            elif call.ticks == 6:
                yield cmd(c.ResolveIncident, incident_id=call.id, outcome="handled")
                for person in call.team:
                    person.busy = None
                calls.remove(call)
