"""A sketch of Luojiang's roads: where volunteers drive, and the river they cross.

Not a survey: a small graph of junctions and roads laid over the simulator's
communities, enough that a guided route or a volunteer's track follows streets
and crosses the Luoyang river on a bridge instead of flying straight. `route(a,
b)` joins two points by the shortest way along it (Dijkstra, in metres); the
tests draw the same roads and river into the base map they build.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from replay.sim.model import LonLat, between, metres

if TYPE_CHECKING:
    from collections.abc import Iterable

# Junctions: name -> (lon, lat). East of the river: the brigade's post and Wanan.
JUNCTIONS: dict[str, LonLat] = {
    "station": (118.664, 24.945),
    "wanan": (118.672, 24.940),
    "wanan-south": (118.676, 24.928),
    "wanan-east": (118.690, 24.946),
    "wanan-north": (118.668, 24.956),
    "bridge-east": (118.656, 24.951),
    "bridge-west": (118.649, 24.956),
    "shuangyang": (118.646, 24.958),
    "shuangyang-south": (118.648, 24.943),
    "shuangyang-west": (118.630, 24.958),
    "shuangyang-north": (118.642, 24.975),
    "south-bridge-west": (118.660, 24.924),
    "south-bridge-east": (118.670, 24.927),
    "heshi-east": (118.605, 24.975),
    "heshi": (118.585, 24.985),
    "heshi-south": (118.582, 24.966),
    "heshi-north": (118.590, 25.005),
    "majia-south": (118.620, 25.010),
    "majia": (118.618, 25.045),
    "majia-west": (118.603, 25.046),
    "majia-east": (118.626, 25.058),
    "luoxi-south": (118.606, 25.080),
    "luoxi": (118.598, 25.105),
    "luoxi-north": (118.600, 25.118),
    "luoxi-west": (118.584, 25.100),
}


@dataclass(frozen=True)
class Road:
    name: str  # in pinyin
    name_zh: str
    kind: str  # "major_road" or "minor_road", as the base map's schema says
    junctions: tuple[str, ...]

    @property
    def points(self) -> list[LonLat]:
        return [JUNCTIONS[j] for j in self.junctions]


ROADS: list[Road] = [
    Road("Wanan Road", "万安路", "major_road", ("wanan-south", "wanan", "station")),
    Road("Wanan Road", "万安路", "major_road", ("station", "wanan-north")),
    Road("Anji Road", "安吉路", "major_road", ("station", "bridge-east")),
    Road("Shuangyang Bridge", "双阳大桥", "major_road", ("bridge-east", "bridge-west")),
    Road("Shuangyang Street", "双阳街", "major_road", ("bridge-west", "shuangyang")),
    Road(
        "Qiaonan Road",
        "桥南路",
        "minor_road",
        ("shuangyang", "shuangyang-south", "south-bridge-west"),
    ),
    Road(
        "Luojiang Bridge",
        "洛江大桥",
        "major_road",
        ("south-bridge-west", "south-bridge-east"),
    ),
    Road("Huabei Road", "华北路", "minor_road", ("south-bridge-east", "wanan-south")),
    Road("Luojiang Road", "罗江路", "minor_road", ("wanan", "wanan-east")),
    Road("Zhangban Road", "张坂路", "minor_road", ("wanan-north", "wanan-east")),
    Road("Jinxiu Road", "锦绣路", "minor_road", ("shuangyang", "shuangyang-west")),
    Road("Shuangxing Road", "双兴路", "minor_road", ("shuangyang", "shuangyang-north")),
    Road(
        "Heshi Road",
        "河市路",
        "major_road",
        ("shuangyang-west", "heshi-east", "heshi"),
    ),
    Road("Nanshan Road", "南山路", "minor_road", ("heshi", "heshi-south")),
    Road("Baiqi Lane", "白奇巷", "minor_road", ("heshi", "heshi-north", "majia-west")),
    Road(
        "Majia Road",
        "马甲路",
        "major_road",
        ("shuangyang-north", "majia-south", "majia"),
    ),
    Road("Yanggui Road", "仰贵路", "minor_road", ("heshi-east", "majia-south")),
    Road("Zhubian Lane", "竹边巷", "minor_road", ("majia", "majia-west")),
    Road("Yanggui Road", "仰贵路", "minor_road", ("majia", "majia-east")),
    Road("Luoxi Road", "罗溪路", "major_road", ("majia", "luoxi-south", "luoxi")),
    Road("Xiangyun Road", "祥云路", "minor_road", ("luoxi", "luoxi-north")),
    Road("Xiangyun Road", "祥云路", "minor_road", ("luoxi", "luoxi-west")),
]

# The Luoyang river, north to south; roads cross it on the two bridges only.
RIVER: list[LonLat] = [
    (118.632, 25.125),
    (118.634, 25.060),
    (118.629, 25.000),
    (118.640, 24.966),
    (118.6525, 24.9535),
    (118.665, 24.926),
    (118.676, 24.890),
]

# Closer than this, a volunteer goes straight there (a lane, a yard, a field).
STRAIGHT = 600.0


def _edges() -> dict[str, list[tuple[str, float]]]:
    graph: dict[str, list[tuple[str, float]]] = {j: [] for j in JUNCTIONS}
    for road in ROADS:
        for a, b in zip(road.junctions, road.junctions[1:], strict=False):
            d = metres(JUNCTIONS[a], JUNCTIONS[b])
            graph[a].append((b, d))
            graph[b].append((a, d))
    return graph


GRAPH = _edges()


def nearest(point: LonLat) -> str:
    return min(JUNCTIONS, key=lambda j: (metres(point, JUNCTIONS[j]), j))


@cache
def _between(start: str, goal: str) -> tuple[str, ...]:
    """The junctions of the shortest way from one junction to another."""
    queue: list[tuple[float, str, tuple[str, ...]]] = [(0.0, start, (start,))]
    seen: set[str] = set()
    while queue:
        cost, here, way = heapq.heappop(queue)
        if here == goal:
            return way
        if here in seen:
            continue
        seen.add(here)
        for there, d in GRAPH[here]:
            if there not in seen:
                heapq.heappush(queue, (cost + d, there, (*way, there)))
    return (start, goal)  # not joined: straight across (never with these roads)


def route(a: LonLat, b: LonLat) -> list[LonLat]:
    """From `a` to `b` along the roads: to the nearest junction, the shortest way
    between junctions, then on to `b`. Near enough, straight there."""
    if metres(a, b) < STRAIGHT:
        return [a, b]
    way = [JUNCTIONS[j] for j in _between(nearest(a), nearest(b))]
    return _dedupe([a, *way, b])


def _dedupe(points: Iterable[LonLat]) -> list[LonLat]:
    out: list[LonLat] = []
    for p in points:
        if not out or metres(out[-1], p) > 1.0:
            out.append(p)
    return out if len(out) > 1 else [*out, *out]


def length(path: list[LonLat]) -> float:
    return sum(metres(a, b) for a, b in itertools.pairwise(path))


def along(path: list[LonLat], fraction: float) -> tuple[LonLat, int]:
    """The point `fraction` of the way along a path, and the segment it is on."""
    total = length(path)
    if total <= 0 or fraction <= 0:
        return path[0], 0
    goal = min(fraction, 1.0) * total
    for n, (a, b) in enumerate(itertools.pairwise(path)):
        d = metres(a, b)
        if goal <= d:
            return between(a, b, goal / d if d else 1.0), n
        goal -= d
    return path[-1], len(path) - 2


def cut(path: list[LonLat], fraction: float) -> list[LonLat]:
    """The path from its start to `fraction` of the way along it."""
    point, n = along(path, fraction)
    return _dedupe([*path[: n + 1], point])
