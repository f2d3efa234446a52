"""The simulator's routes and tracks keep to Luojiang's roads; its places read in
Chinese with their pinyin. Plans only: nothing is stored."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest

from domain import commands as c
from replay.sim import Params, Simulation, roads
from replay.sim.model import between, metres

SMALL = Params(
    seed=11,
    volunteers=60,
    activities=20,
    storefronts=10,
    turnouts=160,
    hornet_nests=5,
    rescued=12,
    evacuated=30,
    refusals=6,
    moving_every=20.0,
    still_every=1800.0,
)
ADDRESS = re.compile(r"^[\u4e00-\u9fff]+\d+号 \(\d+ [A-Z][a-z]+ (Road|Street|Lane)\)$")
EDGES = {
    frozenset((roads.JUNCTIONS[a], roads.JUNCTIONS[b]))
    for road in roads.ROADS
    for a, b in itertools.pairwise(road.junctions)
}


@pytest.fixture(scope="module")
def simulation() -> Simulation:
    return Simulation(SMALL)


def test_a_route_is_guided_from_where_its_volunteer_set_out_along_the_roads(
    simulation: Simulation,
) -> None:
    guided = [s for s in simulation.steps if s.kind is c.GuideRoute]
    assert len(guided) >= 10
    starts = Counter(tuple(s.fields["path"][0]) for s in guided)
    # Not one hub: routes start from many places (a volunteer's post, often).
    assert len(starts) >= len(guided) / 2
    assert starts.most_common(1)[0][1] <= len(guided) / 4
    by_person = {p.actor: p for p in simulation.people}
    for step in guided:
        path = [tuple(p) for p in step.fields["path"]]
        person = by_person[step.actor]
        # The trip the guiding volunteer made to this call starts where the route does.
        trips = [t for t in simulation.routes[person.id] if t.to == path[-1]]
        assert trips, step
        assert any(metres(t.origin, path[0]) < 1.0 for t in trips)
        # Between its ends (a yard, a lane) it runs junction to junction on roads.
        inner = path[1:-1]
        if metres(path[0], path[-1]) >= roads.STRAIGHT:
            assert inner, path
        for a, b in itertools.pairwise(inner):
            assert frozenset((a, b)) in EDGES, (a, b)


def test_a_route_across_the_river_takes_a_bridge() -> None:
    heshi, wanan = roads.JUNCTIONS["heshi"], roads.JUNCTIONS["wanan-east"]
    path = roads.route((heshi[0] - 0.001, heshi[1]), wanan)
    bridges = {roads.JUNCTIONS[j] for j in ("bridge-west", "south-bridge-west")}
    assert bridges & set(path)
    assert roads.length(path) > metres(path[0], path[-1]) * 1.05  # not straight


def test_phones_moving_report_positions_on_their_trips_roads(
    simulation: Simulation,
) -> None:
    moving = 0
    for planned in itertools.islice(simulation, 200_000):
        command = planned.command
        if not isinstance(command, c.ReportPosition) or command.speed is None:
            continue
        moving += 1
        trips = simulation.routes[command.volunteer_id]
        at = command.occurred_at.timestamp()
        trip = next(t for t in reversed(trips) if t.start <= at)
        here = (command.lon, command.lat)
        off_road = min(_off(here, a, b) for a, b in itertools.pairwise(trip.path))
        assert off_road < 25.0, (command, trip)  # metres: GPS noise, not a shortcut
    assert moving > 100


Point = tuple[float, float]


def _off(p: Point, a: Point, b: Point) -> float:
    """Metres from `p` to the segment a-b (flat at this scale)."""
    ab, ap = metres(a, b), metres(a, p)
    if ab == 0:
        return ap
    # Where p projects onto a-b, as a fraction of it, by the law of cosines.
    t = (ap**2 + ab**2 - metres(b, p) ** 2) / (2 * ab**2)
    return metres(p, between(a, b, min(1.0, max(0.0, t))))


def test_addresses_and_shelters_read_in_chinese_with_their_pinyin(
    simulation: Simulation,
) -> None:
    reported = [
        s.fields["address"] for s in simulation.steps if s.kind is c.ReportIncident
    ]
    assert reported and all(ADDRESS.match(a) for a in reported), reported[:3]
    shelters = {
        s.fields["destination"]
        for s in simulation.steps
        if s.kind is c.RecordEvacuation
    }
    assert shelters <= {
        "洛江中心小学 (Luojiang Central School)",
        "双阳社区服务中心 (Shuangyang community centre)",
        "河市镇政府 (Heshi town hall)",
    }
    assert shelters
