"""The warnings a volunteer's phone shows: those standing over them, on shift.

Part of the mine view (projections/mine.py), kept apart to keep both small. A
volunteer on shift in an operation is shown that operation's standing warnings
(neither cancelled nor expired in field time) whose area holds their last
reported position; before they have reported one, all of the operation's. Off
shift: none. Which it was is in the row (`by`: `position` or `operation`).

Areas are tested with projections/warnings.py's `contains`, the one rule every
edge uses. Pure: events and field time only, so replay and live agree.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.model.warning import CONTENT, LEVELS
from projections.base import Row, copy_row, iso
from projections.warnings import ACTIVE, CANCELLED, EXPIRED, contains

if TYPE_CHECKING:
    from domain.model.warning import RiskWarning

# Red first: the order a phone lists them in, and what "raised" means.
RANK = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}
# What the phone is sent of a warning (its area stays on the server).
SHOWN = (
    "event",
    "urgency",
    "severity",
    "certainty",
    "area_desc",
    "headline",
    "description",
    "instruction",
    "onset",
    "expiry",
)


class Covering:
    """Every warning as it stands, and which of them cover whom."""

    def __init__(self) -> None:
        self.warnings: dict[str, dict[str, Any]] = {}
        # Operation: its warnings standing (a position reported looks at these only).
        self.standing: dict[str, dict[str, dict[str, Any]]] = {}
        self.positions: dict[str, tuple[float, float]] = {}  # volunteer: lon, lat
        self.anything = False  # whether any warning stands, in any operation
        self._expiries: list[tuple[float, str]] = []

    def revise(
        self, wid: str, operation: str | None, e: RiskWarning.Issued, now: float
    ) -> str:
        """A warning issued or updated; returns its operation's id."""
        warning = self.warnings.setdefault(
            wid, {"id": wid, "operation_id": operation, "status": ACTIVE}
        )
        for name in CONTENT:
            value = getattr(e, name)
            warning[name] = (
                iso(value) if name in ("onset", "expiry") else copy_row(value)
            )
        warning["level"] = LEVELS[e.severity]
        warning["revision"] = e.originator_version
        warning["updated_at"] = iso(e.occurred_at)
        if warning["status"] != CANCELLED:
            warning["status"] = EXPIRED if e.expiry.timestamp() <= now else ACTIVE
        self._file(warning)
        heapq.heappush(self._expiries, (e.expiry.timestamp(), wid))
        result: str = warning["operation_id"]
        return result

    def cancel(self, wid: str) -> str:
        warning = self.warnings[wid]
        warning["status"] = CANCELLED
        self._file(warning)
        result: str = warning["operation_id"]
        return result

    def expire(self, now: float) -> set[str]:
        """The operations whose warnings expired as field time reached `now`."""
        operations = set()
        while self._expiries and self._expiries[0][0] <= now:
            _, wid = heapq.heappop(self._expiries)
            warning = self.warnings[wid]
            expiry = datetime.fromisoformat(warning["expiry"]).timestamp()
            if warning["status"] == ACTIVE and expiry <= now:
                warning["status"] = EXPIRED
                self._file(warning)
                operations.add(warning["operation_id"])
        return operations

    def _file(self, warning: dict[str, Any]) -> None:
        standing = self.standing.setdefault(warning["operation_id"], {})
        if warning["status"] == ACTIVE:
            standing[warning["id"]] = warning
        else:
            standing.pop(warning["id"], None)
        self.anything = any(self.standing.values())

    def due(self, now: float) -> bool:
        """Whether a warning's expiry has come (the cheap test on every event)."""
        return bool(self._expiries) and self._expiries[0][0] <= now

    def moved(self, vid: str, lon: float, lat: float) -> bool:
        """Note a position; whether the volunteer's row may change with it: at
        their first (`by` turns to `position`), or while any warning stands.
        Most positions are neither, so this is the cheap test on each."""
        positions = self.positions
        first = vid not in positions
        positions[vid] = (lon, lat)
        return first or self.anything

    def row(self, vid: str, operation: str | None) -> Row:
        """The volunteer's `warnings` row, on shift in `operation` (None: off)."""
        if operation is None:
            return {"operation_id": None, "by": None, "items": []}
        position = self.positions.get(vid)
        standing = self.standing.get(operation, {})
        found = [
            w for w in standing.values() if position is None or contains(w, *position)
        ]
        found.sort(key=lambda w: (-RANK[w["level"]], w["expiry"], w["id"]))
        return {
            "operation_id": operation,
            "by": "operation" if position is None else "position",
            "items": [
                {
                    "id": w["id"],
                    "level": w["level"],
                    "revision": w["revision"],
                    "updated_at": w["updated_at"],
                    **{name: copy_row(w[name]) for name in SHOWN},
                }
                for w in found
            ],
        }
