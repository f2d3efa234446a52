"""The simulated brigade: volunteers with their domains, grades, vetting and training.

Most are ready for duty. Some are not, and the domain refuses them when they are
tried: vetting still pending or rejected, the required basic course failed, a
policy that expired at the end of June. Many claim a domain whose course they never
passed ("not qualified: water rescue course missing").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain import commands as c
from domain.training import DOMAIN_COURSES, REQUIRED_COURSES, dispatch_refusal
from domain.types import Grade, Role, ServiceDomain, Vetting
from replay.sim.model import COMMANDER, COMMUNITIES, CST, YEAR_START, Ids, LonLat

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from domain.training import Refusal
    from replay.sim.model import Plan

BASIC = next(iter(REQUIRED_COURSES))
INSURED_UNTIL = datetime(2023, 12, 31, 23, 59, tzinfo=CST)
EXPIRED_ON = datetime(2023, 6, 30, 23, 59, tzinfo=CST)

SURNAMES = (
    "Chen Lin Huang Cai Zhuang Hong Su Ke Wu Li Wang Zhang Xu Zheng Guo Fu Shi Yang "
    "Xie Liu".split()
)
GIVEN = (
    "Wei Hua Jie Min Lei Fang Jun Ying Qiang Tao Yan Bin Hui Ping Rong Xin Yu Hao "
    "Jing Kai Ling Ming Na Peng Qing Rui Shan Ting Xiang Yong Zhen".split()
)
# Primary domains in turn, so every domain a call can need has people in it.
PRIMARY = [
    ServiceDomain.WATER_RESCUE,
    ServiceDomain.ROAD_CLEARANCE,
    ServiceDomain.SEARCH_AND_RESCUE,
    ServiceDomain.WATER_RESCUE,
    ServiceDomain.FIRST_AID,
    ServiceDomain.HAZARD_INSPECTION,
    ServiceDomain.WATER_RESCUE,
    ServiceDomain.ROAD_CLEARANCE,
    ServiceDomain.SEARCH_AND_RESCUE,
    ServiceDomain.WATER_RESCUE,
    ServiceDomain.FIRE_SUPPORT,
    ServiceDomain.HORNET_REMOVAL,
]


@dataclass
class Person:
    index: int
    id: UUID
    name: str
    community: str
    post: LonLat
    domains: list[ServiceDomain]
    passed: set[str]
    vetting: str
    vetting_reason: str
    approved_at: datetime | None
    insured_until: datetime | None
    grade: Grade
    passed_at: dict[str, datetime] = field(default_factory=dict)
    # Closed intervals of field time, filled in by the storm's planner.
    shifts: list[tuple[datetime, datetime]] = field(default_factory=list)
    busy: list[tuple[datetime, datetime, UUID]] = field(default_factory=list)

    @property
    def actor(self) -> c.Actor:
        return c.Actor(Role.VOLUNTEER, str(self.id))

    @property
    def ready(self) -> bool:
        """Vetted, trained and insured all year: dispatchable when on shift."""
        return (
            self.vetting == Vetting.APPROVED
            and BASIC in self.passed
            and self.insured_until == INSURED_UNTIL
        )

    def qualified(self, domain: ServiceDomain | None) -> bool:
        return domain is None or DOMAIN_COURSES[domain] in self.passed

    def can_serve(self, at: datetime, domain: ServiceDomain | None = None) -> bool:
        """Vetted before `at` (and trained in `domain` by then, if one is given)."""
        if self.approved_at is None or self.approved_at >= at:
            return False
        if domain is None:
            return True
        passed = self.passed_at.get(DOMAIN_COURSES[domain])
        return passed is not None and passed < at

    def on_shift(self, at: datetime, margin: timedelta = timedelta()) -> bool:
        return any(s + margin < at < e - margin for s, e in self.shifts)

    def busy_with(self, at: datetime) -> UUID | None:
        for start, end, incident in self.busy:
            if start <= at < end:
                return incident
        return None

    def free(self, start: datetime, end: datetime) -> bool:
        pad = timedelta(minutes=2)
        return all(end + pad <= s or e + pad <= start for s, e, _ in self.busy)

    def refusal(self, needs: ServiceDomain | None, at: datetime) -> Refusal | None:
        """What the domain will answer a dispatch at `at` (the same rule it uses)."""
        return dispatch_refusal(
            vetting=self.vetting,
            vetting_reason=self.vetting_reason,
            passed_courses=self.passed,
            needs=needs,
            insured_until=self.insured_until,
            at=at,
            on_shift=self.on_shift(at),
            busy_with=self.busy_with(at),
        )


def enrol(rng: random.Random, ids: Ids, count: int, plan: Plan) -> list[Person]:
    """Register, vet, train, grade and insure `count` volunteers early in the year."""
    flaws = (
        ["pending"] * round(count * 0.04)
        + ["rejected"] * round(count * 0.02)
        + ["untrained"] * round(count * 0.06)
        + ["expired"] * round(count * 0.04)
    )
    flaws += ["ready"] * (count - len(flaws))
    rng.shuffle(flaws)
    return [_enrol_one(rng, ids, i, flaw, plan) for i, flaw in enumerate(flaws)]


def _enrol_one(
    rng: random.Random, ids: Ids, index: int, flaw: str, plan: Plan
) -> Person:
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}{rng.choice(['', *GIVEN])}"
    community, lon, lat, spread = rng.choices(COMMUNITIES, [30, 25, 20, 15, 10])[0]
    primary = PRIMARY[index % len(PRIMARY)]
    extra = rng.sample(sorted(set(ServiceDomain) - {primary}), rng.randint(1, 3))
    domains = [primary, *extra]
    person = Person(
        index=index,
        id=ids.of(f"volunteer:{index}"),
        name=name,
        community=community,
        post=(lon + rng.gauss(0, spread / 3), lat + rng.gauss(0, spread / 3)),
        domains=domains,
        passed=set(),
        vetting=Vetting.PENDING.value,
        vetting_reason="",
        approved_at=None,
        insured_until=None,
        grade=Grade.LEVEL_1,
    )
    at = YEAR_START + timedelta(days=rng.uniform(0, 85), minutes=index)
    plan.add(
        at,
        c.RegisterVolunteer,
        COMMANDER,
        volunteer_id=person.id,
        name=name,
        contact=f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} "
        f"{rng.randint(1000, 9999)}",
        community=community,
        domains=[d.value for d in domains],
    )
    if flaw == "pending":
        return person  # the paperwork is still with the district office
    at += timedelta(days=rng.uniform(2, 10))
    approved = flaw != "rejected"
    reason = "" if approved else "background check not passed"
    plan.add(
        at,
        c.DecideVetting,
        COMMANDER,
        volunteer_id=person.id,
        approved=approved,
        reason=reason,
    )
    person.vetting = (Vetting.APPROVED if approved else Vetting.REJECTED).value
    person.vetting_reason = reason
    if not approved:
        return person
    person.approved_at = at
    # A half-year policy that nobody renewed: not insured on the day of the storm.
    person.insured_until = EXPIRED_ON if flaw == "expired" else INSURED_UNTIL
    policy_year = "2023H1" if flaw == "expired" else "2023"
    plan.add(
        at + timedelta(days=1),
        c.RecordInsurance,
        COMMANDER,
        volunteer_id=person.id,
        policy=f"PICC-LJ-{policy_year}-{index:04d}",
        valid_until=person.insured_until,
    )
    at += timedelta(days=rng.uniform(7, 30))
    basic_passed = flaw != "untrained"
    _course(plan, person, at, BASIC, basic_passed, rng)
    if not basic_passed:
        return person
    for domain in domains:
        at += timedelta(days=rng.uniform(3, 12))
        course = DOMAIN_COURSES[domain]
        if domain is not primary and rng.random() < 0.35:
            continue  # claimed, never trained for: not qualified in it
        if rng.random() < 0.12:  # failed once, retaken a fortnight later
            _course(plan, person, at, course, False, rng)
            at += timedelta(days=14)
        _course(plan, person, at, course, True, rng)
    grade = rng.choices(list(Grade), [60, 25, 10, 3, 2])[0]
    if grade is not Grade.LEVEL_1:
        person.grade = grade
        plan.add(
            at + timedelta(days=2),
            c.ChangeGrade,
            COMMANDER,
            volunteer_id=person.id,
            grade=grade.value,
        )
    return person


def _course(
    plan: Plan,
    person: Person,
    at: datetime,
    course: str,
    passed: bool,
    rng: random.Random,
) -> None:
    score = round(rng.uniform(72, 98) if passed else rng.uniform(35, 59), 1)
    plan.add(
        at,
        c.RecordCourse,
        COMMANDER,
        volunteer_id=person.id,
        course=course,
        passed=passed,
        score=score,
    )
    if passed:
        person.passed.add(course)
        person.passed_at[course] = at
    else:
        person.passed.discard(course)
