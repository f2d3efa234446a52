"""Where a volunteer's phone says they are, every few seconds while on shift.

A phone reports often while its owner moves (to a call, back to their post) and
less often while they stand still, as location services do. Each shift's reports
come from their own random state, so they can be counted and replayed alike.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from replay.sim import roads

if TYPE_CHECKING:
    from collections.abc import Iterator

    from replay.sim.calls import Leg
    from replay.sim.model import LonLat


@dataclass(frozen=True, slots=True)
class Fix:
    at: datetime
    lon: float
    lat: float
    accuracy: float
    heading: float | None
    speed: float | None


@dataclass
class Trip:
    """A trip in seconds since the epoch (cheaper to compare than datetimes), along
    the roads (`path`, from `origin` to `to`) at an even pace."""

    start: float
    end: float
    origin: LonLat
    to: LonLat
    path: list[LonLat] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.path:
            self.path = roads.route(self.origin, self.to)

    def where(self, at: float) -> LonLat:
        return self._along(at)[0]

    def _along(self, at: float) -> tuple[LonLat, int]:
        if at >= self.end or self.end <= self.start:
            return self.to, len(self.path) - 2
        return roads.along(self.path, (at - self.start) / (self.end - self.start))

    def heading(self, at: float) -> float:
        """The bearing of the stretch of road the trip is on at `at`."""
        _, n = self._along(at)
        return _bearing(self.path[n], self.path[n + 1])

    def stop(self, at: float) -> None:
        """Cut short at `at` (sent elsewhere on the way), where it had got to."""
        span = self.end - self.start
        fraction = (at - self.start) / span if span > 0 else 1.0
        self.path = roads.cut(self.path, fraction)
        self.end, self.to = at, self.path[-1]


def trips(post: LonLat, legs: list[Leg]) -> list[Trip]:
    """Legs in time order, each starting where the last one had got to."""
    done: list[Trip] = []
    here = post
    for leg in sorted(legs, key=lambda leg: leg.start):
        start = leg.start.timestamp()
        if done:
            last = done[-1]
            here = last.where(start)
            if start < last.end:  # sent elsewhere on the way back
                last.stop(start)
        done.append(Trip(start, leg.end.timestamp(), here, leg.to))
    return done


def _bearing(a: LonLat, b: LonLat) -> float:
    dx = (b[0] - a[0]) * math.cos(math.radians(a[1]))
    dy = b[1] - a[1]
    return round(math.degrees(math.atan2(dx, dy)) % 360, 1)


def moments(
    seed: str,
    route: list[Trip],
    shift: tuple[datetime, datetime],
    moving_every: float,
    still_every: float,
) -> Iterator[tuple[float, Trip | None, bool]]:
    """When the phone reports during a shift, on which trip, and whether moving."""
    rng = random.Random(seed)
    start, end = shift[0].timestamp(), shift[1].timestamp()
    at = start + round(rng.uniform(1, min(still_every, 30)))
    i = 0
    while at < end:
        while i < len(route) and route[i].start <= at:
            i += 1
        trip = route[i - 1] if i else None
        moving = trip is not None and at < trip.end
        yield at, trip, moving
        step = moving_every if moving else still_every
        if i < len(route) and route[i].start < at + step:
            step = route[i].start - at + 1  # just dispatched: report at once
        at += step


def fixes(
    seed: str,
    post: LonLat,
    route: list[Trip],
    shift: tuple[datetime, datetime],
    moving_every: float,
    still_every: float,
) -> Iterator[Fix]:
    """The positions reported during one shift, in time order."""
    rng = random.Random(f"{seed}:gps")
    origin = shift[0]
    base = origin.timestamp()
    for at, trip, moving in moments(seed, route, shift, moving_every, still_every):
        point = post if trip is None else trip.where(at)
        heading = speed = None
        if moving and trip is not None:
            heading = trip.heading(at)
            seconds = trip.end - trip.start
            speed = round(min(roads.length(trip.path) / seconds, 40.0), 1)
        yield Fix(
            origin + timedelta(seconds=at - base),
            round(point[0] + rng.gauss(0, 0.00003), 6),
            round(point[1] + rng.gauss(0, 0.00003), 6),
            round(rng.uniform(4, 15), 1),
            heading,
            speed,
        )
