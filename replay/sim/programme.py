"""The year-round programme: service activities and shop fire-safety checks.

Everything here belongs to one operation of kind `programme` that runs through
2023. Its stats row carries three published figures: `activities` (service
activities logged), `hornet_nests` (hornet-nest incidents, each a turn-out:
replay/sim/nests.py) and `premises_inspected` (distinct storefronts inspected at
least once; a follow-up visit does not count twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain import commands as c
from domain.training import DOMAIN_COURSES
from domain.types import ActivityKind, ServiceDomain
from replay.sim import images
from replay.sim.model import COMMANDER, COMMUNITIES, CST, STREETS, YEAR_END

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from replay.sim.model import Ids, Plan
    from replay.sim.people import Person

STORM_FROM = datetime(2023, 7, 26, 0, 0, tzinfo=CST)
STORM_TO = datetime(2023, 7, 31, 0, 0, tzinfo=CST)
# Field work ends two days before the programme closes for the year.
LAST_DAY = YEAR_END - timedelta(days=2)

OTHER_KINDS = [
    (ActivityKind.PUBLICITY, 30, "fire safety talk at the market"),
    (ActivityKind.PATROL, 28, "evening patrol of the old streets"),
    (ActivityKind.DRILL, 14, "evacuation drill at a primary school"),
    (ActivityKind.FACILITY_MAINTENANCE, 13, "hydrants and extinguisher boxes checked"),
    (
        ActivityKind.VULNERABLE_REGISTRATION,
        15,
        "elderly people living alone registered",
    ),
]
CHECKLIST = {
    "extinguishers in date": "extinguisher expired",
    "exits clear": "blocked fire exit",
    "wiring safe": "overloaded extension leads",
    "no e-bike charging indoors": "electric bike charging indoors",
    "smoke alarm works": "smoke alarm not working",
    "gas stored safely": "gas cylinder stored indoors",
}
SHOPS = [
    ("noodles", "restaurant"),
    ("tea house", "restaurant"),
    ("grocery", "retail"),
    ("pharmacy", "retail"),
    ("hardware", "retail"),
    ("e-bike repair", "workshop"),
    ("hair salon", "services"),
    ("internet cafe", "entertainment"),
    ("guest house", "lodging"),
    ("textiles", "retail"),
]


def _when(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A working-hours moment between two dates, never in the days of the storm."""
    while True:
        day = start + timedelta(days=rng.uniform(0, (end - start).days))
        moment = day.replace(hour=rng.randint(8, 18), minute=rng.randrange(60))
        if not STORM_FROM <= moment < STORM_TO and start <= moment < end:
            return moment


def _who(
    people: list[Person], at: datetime, domain: ServiceDomain | None
) -> tuple[datetime, list[Person]]:
    """Who could serve at `at`; if nobody yet, the first moment somebody can."""
    able = [p for p in people if p.can_serve(at, domain)]
    if able:
        return at, able
    course = None if domain is None else DOMAIN_COURSES[domain]
    moments = [p.passed_at.get(course) if course else p.approved_at for p in people]
    known = [m for m in moments if m is not None]
    if not known and domain is not None:  # nobody trained in it: anyone vetted goes
        return _who(people, at, None)
    if not known:
        raise ValueError("nobody is vetted: no service activity or inspection")
    later = max(at, min(known) + timedelta(hours=2))
    return later, [p for p in people if p.can_serve(later, domain)]


def activities(
    rng: random.Random,
    plan: Plan,
    people: list[Person],
    operation: UUID,
    total: int,
    hornet_nests: int,
) -> None:
    """`total` service activities, `hornet_nests` of them removing hornet nests."""
    for i in range(total):
        if i < hornet_nests:  # nests are found from late spring to autumn
            kind, note = ActivityKind.HORNET_NEST, "hornet nest removed"
            domain: ServiceDomain | None = ServiceDomain.HORNET_REMOVAL
            start, end = datetime(2023, 5, 1, tzinfo=CST), LAST_DAY
        else:
            kind, _, note = rng.choices(OTHER_KINDS, [w for _, w, _ in OTHER_KINDS])[0]
            domain = None
            start, end = datetime(2023, 3, 1, tzinfo=CST), LAST_DAY
        at, able = _who(people, _when(rng, start, end), domain)
        team = rng.sample(able, min(len(able), rng.randint(1, 5)))
        community, lon, lat, spread = rng.choice(COMMUNITIES)
        plan.add(
            at,
            c.LogServiceActivity,
            team[0].actor,
            activity_id=None,
            operation_id=operation,
            kind=kind.value,
            participants=[p.id for p in team],
            hours=rng.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0]),
            lat=round(lat + rng.gauss(0, spread / 2), 6),
            lon=round(lon + rng.gauss(0, spread / 2), 6),
            note=f"{note}, {community}",
        )


def inspections(
    rng: random.Random,
    ids: Ids,
    plan: Plan,
    people: list[Person],
    operation: UUID,
    storefronts: int,
) -> None:
    """Inspect `storefronts` shops (a few twice); follow each hazard found."""
    registered_only = max(1, storefronts // 30)
    for i in range(storefronts + registered_only):
        community, lon, lat, spread = rng.choice(COMMUNITIES)
        street = rng.choice(STREETS[community])
        shop, category = rng.choice(SHOPS)
        at, able = _who(
            people,
            _when(rng, datetime(2023, 3, 1, tzinfo=CST), LAST_DAY),
            ServiceDomain.HAZARD_INSPECTION,
        )
        inspector = rng.choice(able)
        premises = ids.of(f"premises:{i}")
        plan.add(
            at,
            c.RegisterPremises,
            inspector.actor,
            premises_id=premises,
            name=f"{rng.choice(['Lao', 'Xiao', 'Da'])} {street.split()[0]} {shop}",
            address=f"{rng.randint(1, 240)} {street}",
            lat=round(lat + rng.gauss(0, spread / 2), 6),
            lon=round(lon + rng.gauss(0, spread / 2), 6),
            owner=f"owner of shop {i + 1}",
            category=category,
        )
        if i >= storefronts:
            continue  # registered for the next round, not inspected yet
        at += timedelta(minutes=rng.randint(5, 15))
        checklist = {item: rng.random() > 0.07 for item in CHECKLIST}
        plan.add(
            at,
            c.InspectPremises,
            inspector.actor,
            premises_id=premises,
            operation_id=operation,
            checklist=checklist,
            note="",
        )
        for n, (item, ok) in enumerate(checklist.items()):
            if not ok:
                hazard = ids.of(f"hazard:{i}:{n}")
                _hazard(rng, plan, inspector, operation, premises, hazard, item, at)
        if rng.random() < 0.08:  # a follow-up visit later in the year
            again = at + timedelta(days=rng.randint(45, 120))
            if again < LAST_DAY and not STORM_FROM <= again < STORM_TO:
                plan.add(
                    again,
                    c.InspectPremises,
                    inspector.actor,
                    premises_id=premises,
                    operation_id=operation,
                    checklist=dict.fromkeys(CHECKLIST, True),
                    note="follow-up visit",
                )


def _hazard(
    rng: random.Random,
    plan: Plan,
    inspector: Person,
    operation: UUID,
    premises: UUID,
    hazard: UUID,
    item: str,
    found: datetime,
) -> None:
    """One hazard's loop: most are fixed and closed, some fail, a few go overdue."""
    image = images.photo(rng) if rng.random() < 0.5 else None
    at = found + timedelta(minutes=2)
    plan.add(
        at,
        c.RecordHazard,
        inspector.actor,
        blob=image,
        premises_id=premises,
        operation_id=operation,
        hazard_id=hazard,
        kind=CHECKLIST[item],
        severity=rng.randint(2, 4),
        photo_sha256=None if image is None else images.sha256(image),
        note="",
    )
    at += timedelta(days=1)
    deadline = at + timedelta(days=rng.randint(7, 15))
    ref: dict[str, Any] = {"premises_id": premises, "hazard_id": hazard}
    plan.add(at, c.OrderRectification, COMMANDER, deadline=deadline, **ref)
    fate = rng.random()
    if fate < 0.08:
        return  # nothing done: overdue once the deadline passes
    at += timedelta(days=rng.randint(1, 4))
    if at >= YEAR_END:
        return
    plan.add(at, c.SubmitSelfCheck, COMMANDER, note="owner says it is fixed", **ref)
    if fate < 0.15:
        return  # a self-check, then silence
    rounds = 2 if fate > 0.88 else 1  # the first repair does not pass
    for n in range(rounds):
        at += timedelta(days=rng.randint(1, 5))
        evidence = images.photo(rng) if rng.random() < 0.5 else None
        if at >= YEAR_END:
            return
        plan.add(
            at,
            c.RecordRectification,
            inspector.actor,
            blob=evidence,
            evidence="repaired and photographed",
            evidence_sha256=None if evidence is None else images.sha256(evidence),
            **ref,
        )
        if fate < 0.20:
            return  # rectified, re-inspection not yet done
        at += timedelta(days=rng.randint(1, 3))
        if at >= YEAR_END:
            return
        passed = n == rounds - 1
        plan.add(
            at,
            c.ReinspectHazard,
            inspector.actor,
            passed=passed,
            note="" if passed else "still not fixed",
            **ref,
        )
    at += timedelta(hours=2)
    if at < YEAR_END:
        plan.add(at, c.CloseHazard, COMMANDER, **ref)
