"""What the simulator plans with: steps in field time, deterministic ids, the map.

A plan is a list of steps (a command's class, actor and fields at a field time);
the stream turns them into commands once they are in order, so every command id
follows from the seed and the command's place in the stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import commands as c
from domain.types import Role

CST = timezone(timedelta(hours=8), "CST")
# Typhoon Doksuri made landfall at Jinjiang, Quanzhou at about 09:55 local time.
LANDFALL = datetime(2023, 7, 28, 9, 55, tzinfo=CST)
YEAR_START = datetime(2023, 1, 3, 8, 30, tzinfo=CST)
YEAR_END = datetime(2023, 12, 29, 17, 0, tzinfo=CST)
# Luojiang district, Quanzhou: [west, south, east, north].
LUOJIANG = [118.52, 24.88, 118.76, 25.12]
COMMANDER = c.Actor(Role.COMMANDER, "luojiang-duty-officer")

LonLat = tuple[float, float]

# Where people live and work: (name, lon, lat, spread in degrees).
COMMUNITIES: list[tuple[str, float, float, float]] = [
    ("Shuangyang", 118.646, 24.958, 0.012),
    ("Wanan", 118.672, 24.940, 0.010),
    ("Heshi", 118.585, 24.985, 0.015),
    ("Majia", 118.618, 25.045, 0.015),
    ("Luoxi", 118.598, 25.105, 0.012),
]
STREETS: dict[str, list[str]] = {
    "Shuangyang": [
        "Shuangyang Street",
        "Anji Road",
        "Shuangxing Road",
        "Qiaonan Road",
        "Jinxiu Road",
    ],
    "Wanan": ["Wanan Road", "Luojiang Road", "Huabei Road", "Zhangban Road"],
    "Heshi": ["Heshi Road", "Nanshan Road", "Baiqi Lane"],
    "Majia": ["Majia Road", "Yanggui Road", "Zhubian Lane"],
    "Luoxi": ["Luoxi Road", "Xiangyun Road"],
}
# The brigade's post, where volunteers wait when not on a call.
STATION: LonLat = (118.664, 24.945)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(slots=True)
class Step:
    """One command to send at a field time, before it has its id."""

    at: datetime
    kind: type[c.Command]
    actor: c.Actor
    fields: dict[str, Any]
    # The refusal code the domain should answer with (None: accepted).
    expect: str | None = None
    # Image bytes that must be stored (by their SHA-256) before the command is sent.
    blob: bytes | None = None


@dataclass
class Plan:
    """Steps in the order they were planned; the stream sorts them by field time."""

    steps: list[Step] = field(default_factory=list)

    def add(
        self,
        at: datetime,
        kind: type[c.Command],
        actor: c.Actor,
        /,
        *,
        expect: str | None = None,
        blob: bytes | None = None,
        **fields: Any,
    ) -> None:
        self.steps.append(Step(at, kind, actor, fields, expect, blob))


class Ids:
    """Every id of a simulation, derived from its seed: the same seed, the same ids."""

    def __init__(self, seed: int) -> None:
        self.namespace = uuid5(
            NAMESPACE_URL, f"https://brigade.invalid/simulate/doksuri/{seed}"
        )
        self._salt = self.namespace.int & 0xFFFF_FFFF_FFFF_FFFF

    def of(self, name: str) -> UUID:
        return uuid5(self.namespace, name)

    def command(self, at: datetime, index: int) -> UUID:
        """A UUIDv7 whose time is the field time, the rest from the seed and index.

        Time-ordered like `domain.ids.uuid7` (the command index stays append-only),
        yet reproducible: no wall clock, no os.urandom.
        """
        tail = _mix(self._salt ^ index) & 0x3FFF_FFFF_FFFF_FFFF
        value = (
            (ms(at) & 0xFFFF_FFFF_FFFF) << 80
            | 0x7 << 76
            | (index & 0xFFF) << 64
            | 0b10 << 62
            | tail
        )
        return UUID(int=value)


def _mix(value: int) -> int:
    """SplitMix64's finaliser: a cheap bijection that scatters the bits of an int."""
    value = (value + 0x9E37_79B9_7F4A_7C15) & 0xFFFF_FFFF_FFFF_FFFF
    value = ((value ^ (value >> 30)) * 0xBF58_476D_1CE4_E5B9) & 0xFFFF_FFFF_FFFF_FFFF
    value = ((value ^ (value >> 27)) * 0x94D0_49BB_1331_11EB) & 0xFFFF_FFFF_FFFF_FFFF
    return value ^ (value >> 31)


def metres(a: LonLat, b: LonLat) -> float:
    """Distance on the ground (equirectangular: good to a metre at this scale)."""
    dx = (b[0] - a[0]) * 111_320 * math.cos(math.radians((a[1] + b[1]) / 2))
    dy = (b[1] - a[1]) * 110_540
    return math.hypot(dx, dy)


def between(a: LonLat, b: LonLat, fraction: float) -> LonLat:
    return (a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction)


def rounded(point: LonLat) -> list[float]:
    return [round(point[0], 6), round(point[1], 6)]
