"""`brigade simulate doksuri`: Typhoon Doksuri in Luojiang and the year around it.

`Simulation(params)` is a pure function of its parameters and seed: a stream of
commands in field-time order, each with the outcome the domain should give
(`Planned.expect`: None, or the refusal code of a dispatch that must be refused),
and image bytes where a command names a photo. Drivers (`replay.sim.drive`)
play the same stream into a CommandWriter in this process or over the HTTP and
WebSocket API of a running server, as fast as possible or at a time scale.

Its parts: `model` (steps, ids, the map), `people`, `programme` (the year),
`storm` and `calls` (Doksuri), `tracks` (phones' positions), `images`, and the
drivers `drive` and `remote`. `morning` is the short scripted morning of
`brigade morning`, written by hand rather than planned from a seed.

The published figures and where the stats view shows them (`published`):

| figure | default | stats row | field |
| --- | --- | --- | --- |
| service activities | 820 | programme | `activities` |
| storefronts inspected | 595 | programme | `premises_inspected` (distinct premises) |
| hornet nests | 145 | programme | `hornet_nests` (hornet-nest activities) |
| rescue turn-outs | 767 | Doksuri | `dispatches` (accepted dispatches) |
| people rescued during Doksuri | 50 | Doksuri | `rescued` |
| people evacuated during Doksuri | 153 | Doksuri | `evacuated` |
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain import commands as c
from replay.sim import programme as year_round
from replay.sim import tracks
from replay.sim.model import COMMANDER, CST, YEAR_END, Ids, Plan, Step
from replay.sim.people import enrol
from replay.sim.storm import OPEN_AT, Infeasible, Storm
from replay.sim.warnings import typhoon_warnings

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from uuid import UUID

    from replay.sim.people import Person

__all__ = ["Infeasible", "Params", "Planned", "Simulation", "published"]

PROGRAMME_OPENS = datetime(2023, 1, 2, 9, 0, tzinfo=CST)
# When the typhoon warning is raised and the storm's operation opens.
STORM_OPENS = OPEN_AT


@dataclass(frozen=True)
class Params:
    """What to simulate. Totals default to the programme's published figures."""

    seed: int = 2023
    volunteers: int = 150
    activities: int = 820
    storefronts: int = 595
    turnouts: int = 767
    hornet_nests: int = 145
    rescued: int = 50
    evacuated: int = 153
    refusals: int = 48
    # Seconds between a phone's position reports while moving, and while still.
    moving_every: float = 5.0
    still_every: float = 10.0
    shift_hours: float = 8.0

    def check(self) -> None:
        counts = {k: v for k, v in vars(self).items() if isinstance(v, int)}
        for name, value in counts.items():
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        if self.volunteers < 10:
            raise ValueError("the simulation needs at least 10 volunteers")
        if self.hornet_nests > self.activities:
            raise ValueError("hornet nests are counted among the service activities")
        if self.moving_every <= 0 or self.still_every <= 0:
            raise ValueError("position intervals must be positive")
        if not 1 <= self.shift_hours <= 16:
            raise ValueError("a shift lasts 1 to 16 hours")

    def scaled(self, factor: float) -> Params:
        """Every total (but the volunteers) times `factor`, rounded."""
        totals = (
            "activities storefronts turnouts hornet_nests rescued evacuated refusals"
        )
        return replace(
            self, **{k: round(getattr(self, k) * factor) for k in totals.split()}
        )

    def quick(self) -> Params:
        """The same totals, with a phone that reports once a minute or ten."""
        return replace(self, moving_every=60.0, still_every=600.0)


@dataclass(frozen=True, slots=True)
class Planned:
    command: c.Command
    # The refusal code the domain should answer with; None: it must be accepted.
    expect: str | None = None
    # Image bytes to store before the command is sent (the command names their hash).
    blob: bytes | None = None


@dataclass(frozen=True, slots=True)
class Shift:
    """One shift of one volunteer, with the seed of its phone's reports."""

    seed: str
    person: Person
    route: list[tracks.Trip]
    span: tuple[datetime, datetime]


class Simulation:
    """The operation planned for a seed: `len()` commands, iterated in field order."""

    def __init__(self, params: Params | None = None) -> None:
        self.params = params = params or Params()
        params.check()
        rng = random.Random(params.seed)
        self.ids = ids = Ids(params.seed)
        self.programme = ids.of("operation:programme")
        self.doksuri = ids.of("operation:doksuri")
        plan = Plan()
        plan.add(
            PROGRAMME_OPENS,
            c.OpenOperation,
            COMMANDER,
            operation_id=self.programme,
            name="Luojiang volunteer fire brigade, 2023 programme",
            kind="programme",
            area=None,
        )
        self.people: list[Person] = enrol(rng, ids, params.volunteers, plan)
        year_round.activities(
            rng,
            plan,
            self.people,
            self.programme,
            params.activities,
            params.hornet_nests,
        )
        year_round.inspections(
            rng, ids, plan, self.people, self.programme, params.storefronts
        )
        storm = Storm(rng, ids, plan, self.people, self.doksuri)
        storm.run(
            params.turnouts,
            params.rescued,
            params.evacuated,
            params.refusals,
            params.shift_hours,
        )
        self.warning = typhoon_warnings(plan, ids, self.doksuri)
        plan.add(YEAR_END, c.CloseOperation, COMMANDER, operation_id=self.programme)
        # A stable sort: steps at one field time keep the order they were planned in.
        self.steps = sorted(plan.steps, key=lambda step: step.at)
        self.routes = {
            p.id: tracks.trips(p.post, storm.legs[p.id]) for p in self.people
        }
        every = (params.moving_every, params.still_every)
        self.positions = sum(
            sum(1 for _ in tracks.moments(s.seed, s.route, s.span, *every))
            for s in self._shifts()
        )
        self.refusals = sum(1 for s in self.steps if s.expect is not None)

    def __len__(self) -> int:
        return len(self.steps) + self.positions

    def operations(self) -> dict[str, UUID]:
        return {"programme": self.programme, "doksuri": self.doksuri}

    def _shifts(self) -> Iterator[Shift]:
        for person in self.people:
            for n, span in enumerate(person.shifts):
                seed = f"{self.params.seed}:{person.index}:{n}"
                yield Shift(seed, person, self.routes[person.id], span)

    def _positions(self) -> Iterator[tuple[datetime, int, Step]]:
        every = (self.params.moving_every, self.params.still_every)
        streams = [
            _reports(
                s.person,
                tracks.fixes(s.seed, s.person.post, s.route, s.span, *every),
            )
            for s in self._shifts()
        ]
        return heapq.merge(*streams, key=_order)

    def __iter__(self) -> Iterator[Planned]:
        planned = ((s.at, -1, s) for s in self.steps)
        merged = heapq.merge(planned, self._positions(), key=_order)
        for index, (at, _, step) in enumerate(merged):
            command = step.kind(
                command_id=self.ids.command(at, index),
                actor=step.actor,
                occurred_at=at,
                **step.fields,
            )
            yield Planned(command, step.expect, step.blob)


def _order(item: tuple[datetime, int, Step]) -> tuple[datetime, int]:
    return item[0], item[1]


def _reports(
    person: Person, fixes: Iterator[tracks.Fix]
) -> Iterator[tuple[datetime, int, Step]]:
    actor = person.actor
    for fix in fixes:
        fields: dict[str, Any] = {
            "volunteer_id": person.id,
            "lat": fix.lat,
            "lon": fix.lon,
            "accuracy": fix.accuracy,
            "heading": fix.heading,
            "speed": fix.speed,
        }
        yield fix.at, person.index, Step(fix.at, c.ReportPosition, actor, fields)


def published(
    stats: Mapping[str, Mapping[str, Any]], simulation: Simulation
) -> dict[str, int]:
    """The six published figures as the stats view shows them (rows by operation)."""
    programme = stats.get(str(simulation.programme), {})
    doksuri = stats.get(str(simulation.doksuri), {})
    return {
        "activities": int(programme.get("activities", 0)),
        "storefronts": int(programme.get("premises_inspected", 0)),
        "hornet_nests": int(programme.get("hornet_nests", 0)),
        "turnouts": int(doksuri.get("dispatches", 0)),
        "rescued": int(doksuri.get("rescued", 0)),
        "evacuated": int(doksuri.get("evacuated", 0)),
    }


def expected(params: Params) -> dict[str, int]:
    """What `published` must show after a run with these parameters."""
    return {
        "activities": params.activities,
        "storefronts": params.storefronts,
        "hornet_nests": params.hornet_nests,
        "turnouts": params.turnouts,
        "rescued": params.rescued,
        "evacuated": params.evacuated,
    }
