"""Hornet nests through the year: incidents of the programme, each a turn-out.

The programme's published "767 rescue turn-outs, of which 145 hornet nests" puts
the nests among the turn-outs: each nest here is a `hornet_nest` incident in the
programme's operation, reported by the office, one volunteer trained in hornet
removal goes on shift for it, is dispatched (the turn-out), arrives, removes it
and goes home. The storm's calls make the other turn-outs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain import commands as c
from domain.types import IncidentKind, ServiceDomain
from replay.sim.calls import Leg, travel
from replay.sim.model import COMMANDER, COMMUNITIES, CST, STREETS
from replay.sim.names import street_address
from replay.sim.programme import LAST_DAY, _when
from replay.sim.storm import Infeasible

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from replay.sim.model import Ids, Plan
    from replay.sim.people import Person

# Nests are found from late spring to the end of the field year.
SEASON = (datetime(2023, 5, 1, tzinfo=CST), LAST_DAY)
SAYS = [
    "hornet nest under the eaves",
    "hornets nesting in a tree by the school gate",
    "large nest on a balcony, residents stung",
]


def hornet_nests(
    rng: random.Random,
    ids: Ids,
    plan: Plan,
    people: list[Person],
    operation: UUID,
    total: int,
    legs: dict[UUID, list[Leg]],
) -> None:
    """`total` nests removed, one volunteer each; their trips are added to `legs`."""
    crew = [p for p in people if p.ready and p.qualified(ServiceDomain.HORNET_REMOVAL)]
    if total and not crew:
        msg = "hornet nests need a volunteer trained in hornet removal: none is"
        raise Infeasible(msg)
    for n in range(total):
        community, lon, lat, spread = rng.choice(COMMUNITIES)
        point = (
            round(lon + rng.gauss(0, spread / 2), 6),
            round(lat + rng.gauss(0, spread / 2), 6),
        )
        at, person = _who(rng, crew, point)
        incident = ids.of(f"nest:{n}")
        plan.add(
            at,
            c.ReportIncident,
            COMMANDER,
            incident_id=incident,
            operation_id=operation,
            kind=IncidentKind.HORNET_NEST.value,
            lat=point[1],
            lon=point[0],
            address=street_address(rng.randint(1, 300), rng.choice(STREETS[community])),
            severity=rng.randint(1, 3),
            description=rng.choice(SAYS),
        )
        on_shift, sent = at + timedelta(minutes=2), at + timedelta(minutes=5)
        arrived = sent + travel(person.post, point)
        removed = arrived + timedelta(minutes=rng.randint(20, 50))
        home = removed + travel(point, person.post)
        off_shift = home + timedelta(minutes=5)
        plan.add(on_shift, c.StartShift, person.actor, volunteer_id=person.id,
                 operation_id=operation)  # fmt: skip
        plan.add(sent, c.DispatchVolunteer, COMMANDER, incident_id=incident,
                 volunteer_id=person.id, note="")  # fmt: skip
        plan.add(arrived, c.RecordArrival, person.actor, incident_id=incident,
                 volunteer_id=person.id)  # fmt: skip
        plan.add(removed, c.ResolveIncident, COMMANDER, incident_id=incident,
                 outcome="nest removed")  # fmt: skip
        plan.add(removed + timedelta(minutes=1), c.CloseIncident, COMMANDER,
                 incident_id=incident)  # fmt: skip
        plan.add(off_shift, c.EndShift, person.actor, volunteer_id=person.id)
        person.shifts.append((on_shift, off_shift))
        person.shifts.sort()
        person.busy.append((sent, removed, incident))
        legs[person.id] += [Leg(sent, arrived, point), Leg(removed, home, person.post)]


def _who(
    rng: random.Random, crew: list[Person], point: tuple[float, float]
) -> tuple[datetime, Person]:
    """A working-hours moment and a volunteer trained by then, free for the job."""
    for _ in range(200):
        at = _when(rng, *SEASON)
        start, end = at, at + timedelta(hours=4)
        able = [
            p
            for p in crew
            if p.can_serve(at, ServiceDomain.HORNET_REMOVAL)
            and p.insured_until is not None
            and p.insured_until > end
            and all(end <= s or e <= start for s, e in p.shifts)
            and travel(p.post, point) <= timedelta(minutes=50)
        ]
        if able:
            return at, rng.choice(able)
    msg = "no volunteer trained in hornet removal is free for the nests asked for"
    raise Infeasible(msg)
