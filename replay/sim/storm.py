"""Typhoon Doksuri in Luojiang: shifts, turn-outs and refusals (calls: sim.calls).

The storm is one operation of kind `typhoon`. Its stats row carries three
published figures exactly: `dispatches` (rescue turn-outs: each volunteer sent to a
call and accepted), `rescued` and `evacuated`. Refused dispatches are extra
attempts on top of those, so they never change the turn-out count.

Each call needs a team of volunteers qualified for its kind, on shift, insured and
not busy; a call waits when nobody fitting is free, as it would in the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain import commands as c
from domain.errors import Code
from domain.types import Vetting
from replay.sim import tracks
from replay.sim.calls import (
    EVACUATE_AT,
    FIRST_CALL,
    KINDS,
    LAST_CALL,
    MINUTE,
    OPEN_AT,
    RESCUE_AT,
    SHIFTS_FROM,
    SHIFTS_TO,
    Call,
    Leg,
    field_work,
    moment,
    split,
    travel,
)
from replay.sim.model import COMMANDER, COMMUNITIES, LUOJIANG, STREETS, metres
from replay.sim.names import street_address
from replay.sim.people import BASIC

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from domain.types import IncidentKind
    from replay.sim.model import Ids, LonLat, Plan
    from replay.sim.people import Person

__all__ = ["OPEN_AT", "Infeasible", "Storm"]

# The refusals tried, in turn (each attempt is one DispatchRefused).
REFUSALS = [
    Code.NOT_QUALIFIED,
    Code.OFF_SHIFT,
    Code.NOT_VETTED,
    Code.BUSY,
    Code.TRAINING_INCOMPLETE,
    Code.NOT_QUALIFIED,
    Code.NOT_INSURED,
]


class Infeasible(ValueError):
    """The parameters ask for more turn-outs than the volunteers on shift can give."""


def _steady(person: Person, call: Call, at: datetime) -> Code | None:
    """The refusal code at `at`, if it is the same a minute either side.

    A shift starting or a call resolved in the same second would make the
    answer depend on the order of two commands with one field time.
    """
    codes = {
        None if r is None else r.code
        for r in (person.refusal(call.needs, at + d * MINUTE) for d in (-1, 0, 1))
    }
    return codes.pop() if len(codes) == 1 else None


class Storm:
    """Plans the operation; `legs` are each volunteer's trips to calls and back."""

    def __init__(
        self,
        rng: random.Random,
        ids: Ids,
        plan: Plan,
        people: list[Person],
        operation: UUID,
    ) -> None:
        self.rng, self.ids, self.plan = rng, ids, plan
        self.people, self.operation = people, operation
        self.crew = [
            p for p in people if p.vetting == Vetting.APPROVED and BASIC in p.passed
        ]
        self.legs: dict[UUID, list[Leg]] = {p.id: [] for p in people}
        self.last = OPEN_AT
        self._refused = 0

    def run(
        self, turnouts: int, rescued: int, evacuated: int, refusals: int, hours: float
    ) -> None:
        self.plan.add(
            OPEN_AT,
            c.OpenOperation,
            COMMANDER,
            operation_id=self.operation,
            name="Typhoon Doksuri response, Luojiang",
            kind="typhoon",
            area=LUOJIANG,
        )
        self._shifts(timedelta(hours=hours))
        calls = self._calls(turnouts)
        if not calls and rescued + evacuated + refusals:
            msg = "rescues, evacuations and refusals happen on calls: no turn-outs"
            raise Infeasible(msg)
        eligible = [k for k in calls if k.kind in RESCUE_AT] or calls
        for part in split(self.rng, rescued, 1, 4):
            self.rng.choice(eligible).rescues.append(part)
        eligible = [k for k in calls if k.kind in EVACUATE_AT] or calls
        for part in split(self.rng, evacuated, 2, 14):
            self.rng.choice(eligible).evacuations.append(part)
        for _ in range(refusals):
            # At most three per call, all tried before any later call's dispatch.
            open_calls = [k for k in calls if k.refusals < 3] or calls
            self.rng.choice(open_calls).refusals += 1
        for call in calls:
            self._work(call)
        for person in self.crew:
            for start, end in person.shifts:
                self.plan.add(
                    start,
                    c.StartShift,
                    person.actor,
                    volunteer_id=person.id,
                    operation_id=self.operation,
                )
                self.plan.add(end, c.EndShift, person.actor, volunteer_id=person.id)
                self.last = max(self.last, end)
        self.plan.add(
            max(self.last + timedelta(hours=1), SHIFTS_TO + timedelta(hours=4)),
            c.CloseOperation,
            COMMANDER,
            operation_id=self.operation,
        )

    def _shifts(self, length: timedelta) -> None:
        """Two shifts each, centred on busy hours of the storm, a rest between them."""
        rest = timedelta(hours=8)
        earliest, latest = SHIFTS_FROM + length / 2, SHIFTS_TO - length / 2
        for person in self.crew:
            first = moment(self.rng, earliest, latest) - length / 2
            person.shifts = [(first, first + length)]
            for _ in range(20):
                second = moment(self.rng, earliest, latest) - length / 2
                if second >= first + length + rest or second + length + rest <= first:
                    person.shifts.append((second, second + length))
                    person.shifts.sort()
                    break

    def _calls(self, turnouts: int) -> list[Call]:
        sizes: list[tuple[IncidentKind, int]] = []
        kinds = list(KINDS)
        weights = [KINDS[k][0] for k in kinds]
        while turnouts > 0:
            kind = self.rng.choices(kinds, weights)[0]
            size = min(turnouts, self.rng.randint(*KINDS[kind][1]))
            sizes.append((kind, size))
            turnouts -= size
        moments = sorted(moment(self.rng, FIRST_CALL, LAST_CALL) for _ in sizes)
        calls = []
        for n, ((kind, size), at) in enumerate(zip(sizes, moments, strict=True)):
            community, lon, lat, spread = self.rng.choices(
                COMMUNITIES, [35, 25, 20, 12, 8]
            )[0]
            calls.append(
                Call(
                    id=self.ids.of(f"incident:{n}"),
                    kind=kind,
                    size=size,
                    at=at,
                    point=(
                        round(lon + self.rng.gauss(0, spread / 2), 6),
                        round(lat + self.rng.gauss(0, spread / 2), 6),
                    ),
                    address=street_address(
                        self.rng.randint(1, 300), self.rng.choice(STREETS[community])
                    ),
                )
            )
        return calls

    def _team(self, call: Call, work: timedelta) -> tuple[datetime, list[Person]]:
        """The first moment a whole team is free, and the team (nearest first)."""
        at = call.at + timedelta(seconds=self.rng.randint(120, 600))
        while at < SHIFTS_TO:
            until = at + timedelta(minutes=55) + work
            able = [
                p
                for p in self.crew
                if p.insured_until is not None
                and p.insured_until > until
                and p.qualified(call.needs)
                and any(
                    s + 5 * MINUTE < at and until + 10 * MINUTE < e for s, e in p.shifts
                )
                and p.free(at, until)
                and travel(p.post, call.point) <= timedelta(minutes=50)
            ]
            if len(able) >= call.size:
                able.sort(key=lambda p: (metres(p.post, call.point), p.index))
                return at, able[: call.size]
            at += 10 * MINUTE
        msg = (
            f"no team of {call.size} for a {call.kind.value} call at "
            f"{call.at.isoformat()}: too few volunteers on shift for the turn-outs"
        )
        raise Infeasible(msg)

    def _work(self, call: Call) -> None:
        rng, add = self.rng, self.plan.add
        _, _, minutes, says = KINDS[call.kind]
        reporter = COMMANDER
        on_shift = [p for p in self.crew if p.on_shift(call.at, MINUTE)]
        if on_shift and rng.random() < 0.3:
            reporter = rng.choice(on_shift).actor  # seen by a volunteer on patrol
        severity = rng.randint(3, 5) if call.kind in RESCUE_AT else rng.randint(2, 4)
        add(
            call.at,
            c.ReportIncident,
            reporter,
            incident_id=call.id,
            operation_id=self.operation,
            kind=call.kind.value,
            lat=call.point[1],
            lon=call.point[0],
            address=call.address,
            severity=severity,
            description=rng.choice(says),
        )
        for n in range(call.refusals):
            self._refuse(call, call.at + timedelta(seconds=60 + 15 * n))
        work = timedelta(minutes=rng.randint(*minutes))
        sent, team = self._team(call, work)
        arrivals: list[tuple[datetime, Person]] = []
        for n, person in enumerate(team):
            dispatched = sent + timedelta(seconds=20 * n)
            add(
                dispatched,
                c.DispatchVolunteer,
                COMMANDER,
                incident_id=call.id,
                volunteer_id=person.id,
                note="",
            )
            arrivals.append((dispatched + travel(person.post, call.point), person))
        first, lead = min(arrivals, key=lambda a: a[0])
        last = max(a for a, _ in arrivals)
        resolved = last + work
        # Where the first to arrive set out from: the way they came is the one guided.
        setting_out = sent + timedelta(seconds=20 * team.index(lead))
        origin = self._where(lead, setting_out)
        for n, person in enumerate(team):
            dispatched = sent + timedelta(seconds=20 * n)
            person.busy.append((dispatched, resolved, call.id))
            arrived = arrivals[n][0]
            self.legs[person.id].append(Leg(dispatched, arrived, call.point))
            add(
                arrived,
                c.RecordArrival,
                person.actor,
                incident_id=call.id,
                volunteer_id=person.id,
            )
            back = resolved + travel(call.point, person.post)
            self.legs[person.id].append(Leg(resolved, back, person.post))
        closed = field_work(
            rng,
            self.plan,
            call,
            lead,
            [p for _, p in arrivals],
            (first, last, resolved),
            origin,
        )
        self.last = max(self.last, closed)

    def _where(self, person: Person, at: datetime) -> LonLat:
        """Where a volunteer is at `at`: at their post, or on a trip planned so far."""
        legs = [leg for leg in self.legs[person.id] if leg.start <= at]
        if not legs:
            return person.post
        return tracks.trips(person.post, legs)[-1].where(at.timestamp())

    def _refuse(self, call: Call, at: datetime) -> None:
        """Try someone the rules turn away; the expected code is the rule's own."""
        wanted = REFUSALS[self._refused % len(REFUSALS)]
        self._refused += 1
        order = [wanted, *REFUSALS]
        answers = {p.id: _steady(p, call, at) for p in self.people}
        for code in order:
            fitting = [p for p in self.people if answers[p.id] is code]
            if fitting:
                break
        else:
            fitting = [p for p in self.people if answers[p.id] is not None]
        if not fitting:
            return  # everyone could go: nobody to refuse
        person = self.rng.choice(fitting)
        refusal = person.refusal(call.needs, at)
        assert refusal is not None
        self.plan.add(
            at,
            c.DispatchVolunteer,
            COMMANDER,
            expect=refusal.code.value,
            incident_id=call.id,
            volunteer_id=person.id,
            note="",
        )
