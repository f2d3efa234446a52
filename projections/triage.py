"""What needs a decision first: the board's order, the waiting alarm, who is free.

Pure functions of view rows and a field time, shared by the command centre (its
`js/triage.js` follows the same rules; browser tests hold the two together) and
the after-action report. Nothing here reads a clock.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.types import IncidentStatus

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from projections.base import Row

# Minutes an unassigned incident may wait, by severity, before it is marked
# (BRIGADE_WAITING_MINUTES overrides them; docs/operations.md).
WAITING_MINUTES: dict[int, int] = {5: 3, 4: 5, 3: 10, 2: 15, 1: 20}
ENDED = frozenset({IncidentStatus.RESOLVED.value, IncidentStatus.CLOSED.value})


def is_open(row: Row) -> bool:
    return row["status"] not in ENDED


def unassigned(row: Row) -> bool:
    """Open and nobody dispatched or on scene: a decision is waiting."""
    return is_open(row) and not row["dispatched"] and not row["on_scene"]


def waited_s(row: Row, now: datetime) -> float:
    """Seconds since the incident was reported, at field time `now`."""
    return max((now - datetime.fromisoformat(row["reported_at"])).total_seconds(), 0)


def waiting_too_long(
    row: Row, now: datetime, limits: Mapping[int, int] = WAITING_MINUTES
) -> bool:
    """Unassigned past its severity's limit."""
    limit = limits.get(row["severity"])
    return limit is not None and unassigned(row) and waited_s(row, now) > limit * 60


def order_key(row: Row, now: datetime) -> tuple[int, bool, int, float, int]:
    """Sort key, what needs a decision first: unassigned, then open and assigned,
    then ended; within each, a volunteer's SOS (as a firefighter's mayday goes
    before every other call), then the most severe, then the longest waiting."""
    group = 0 if unassigned(row) else 1 if is_open(row) else 2
    sos = not row.get("sos")
    return (group, sos, -row["severity"], -waited_s(row, now), row.get("number") or 0)


def triage(rows: Iterable[Row], now: datetime) -> list[Row]:
    """The board in triage order."""
    return sorted(rows, key=lambda row: order_key(row, now))


def distance_km(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Great-circle distance between two {lat, lon} in km."""
    rad = math.pi / 180
    d_lat = (b["lat"] - a["lat"]) * rad
    d_lon = (b["lon"] - a["lon"]) * rad
    h = (
        math.sin(d_lat / 2) ** 2
        + math.cos(a["lat"] * rad) * math.cos(b["lat"] * rad) * math.sin(d_lon / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(h))


def free(volunteer: Row, operation_id: str) -> bool:
    """On shift for this operation, not busy, and allowed to be dispatched."""
    return (
        volunteer["status"] == "available"
        and volunteer["operation_id"] == operation_id
        and bool(volunteer.get("dispatchable"))
    )


def availability(roster: Iterable[Row], operation_id: str) -> dict[str, int]:
    """Free volunteers per service domain they are qualified for."""
    counts: dict[str, int] = {}
    for volunteer in roster:
        if free(volunteer, operation_id):
            for domain in volunteer["qualified_domains"]:
                counts[domain] = counts.get(domain, 0) + 1
    return counts


def nearest_qualified(
    incident: Row, roster: Iterable[Row], operation_id: str
) -> float | None:
    """Km to the nearest free volunteer qualified for what the incident needs
    (any free one when it needs no domain); None when nobody placed is."""
    needs = incident.get("needs")
    best: float | None = None
    for volunteer in roster:
        position = volunteer.get("position")
        if position is None or not free(volunteer, operation_id):
            continue
        if needs is not None and needs not in volunteer["qualified_domains"]:
            continue
        km = distance_km(position, incident)
        if best is None or km < best:
            best = km
    return best
