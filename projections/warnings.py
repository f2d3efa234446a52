"""Risk warnings: each as it stands, its area as GeoJSON, and which cover a point.

Rows by warning id. `status` is `active` until the warning is cancelled or its
expiry passes in field time (`expired`). Each revision (issued, each update, the
cancel) is one CAP alert with its own identifier; `alerts` lists them, oldest
first, and the view keeps each earlier revision's row (`Warnings.revision`) so
that an alert once published reads the same later.

`current(rows)` and `covering(rows, lon, lat)` are pure functions of the rows, for
every edge that draws or pushes warnings (the map, CAP, KML, the TAK bridge, the
volunteers' channel).
"""

from __future__ import annotations

import heapq
import math
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from domain.model.warning import CONTENT, LEVELS, RiskWarning
from projections.base import Row, View, copy_row, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.types import LonLat

# Who brigade's alerts say they are from (CAP <sender>), and their identifiers.
SENDER = "brigade@luojiang.invalid"
ACTIVE, EXPIRED, CANCELLED = "active", "expired", "cancelled"
# Corners of the polygon that stands for a circle on maps that draw no circles.
CIRCLE_CORNERS = 64
EARTH_KM = 6371.0088


def identifier(warning_id: str, revision: int) -> str:
    """The CAP identifier of a warning's revision (1: as issued)."""
    return f"brigade-{warning_id}-{revision}"


class Warnings(View):
    name = "warnings"

    def __init__(self) -> None:
        super().__init__()
        # Earlier revisions' rows, by alert identifier.
        self.revisions: dict[str, Row] = {}
        # (expiry as a timestamp, warning id), soonest first.
        self._expiries: list[tuple[float, str]] = []

    @handles(RiskWarning.Issued)
    def _issued(self, e: RiskWarning.Issued) -> Iterable[str]:
        wid = key(e.originator_id)
        row: Row = {
            "id": wid,
            "operation_id": key(e.operation_id),
            "status": ACTIVE,
            "issued_at": iso(e.occurred_at),
            "updated_at": None,
            "cancelled_at": None,
            "reason": "",
            "alerts": [],
        }
        self.rows[wid] = row
        self._revise(row, e, "Alert")
        return [wid]

    @handles(RiskWarning.Updated)
    def _updated(self, e: RiskWarning.Updated) -> Iterable[str]:
        row = self.rows[key(e.originator_id)]
        row["updated_at"] = iso(e.occurred_at)
        self._revise(row, e, "Update")
        return [row["id"]]

    @handles(RiskWarning.Cancelled)
    def _cancelled(self, e: RiskWarning.Cancelled) -> Iterable[str]:
        row = self.rows[key(e.originator_id)]
        self._keep(row)
        row["status"] = CANCELLED
        row["cancelled_at"] = iso(e.occurred_at)
        row["reason"] = e.reason
        row["source"] = e.source
        row["alerts"].append(_alert(row["id"], e, "Cancel"))
        return [row["id"]]

    def _revise(self, row: Row, e: Any, msg_type: str) -> None:
        if row["alerts"]:
            self._keep(row)
        for name in CONTENT:
            value = getattr(e, name)
            row[name] = iso(value) if name in ("onset", "expiry") else copy_row(value)
        row["level"] = LEVELS[e.severity]
        row["source"] = e.source
        row["geometry"] = geometry(e.polygon, e.circle)
        row["alerts"].append(_alert(row["id"], e, msg_type))
        if row["status"] != CANCELLED:
            row["status"] = EXPIRED if e.expiry.timestamp() <= self.now else ACTIVE
        heapq.heappush(self._expiries, (e.expiry.timestamp(), row["id"]))

    def _keep(self, row: Row) -> None:
        self.revisions[row["alerts"][-1]["identifier"]] = copy_row(row)

    def revision(self, alert_id: str) -> Row | None:
        """The row as it stood when the alert `alert_id` was published."""
        wid, _, _ = alert_id.removeprefix("brigade-").rpartition("-")
        row = self.rows.get(wid)
        if row is not None and row["alerts"][-1]["identifier"] == alert_id:
            return row
        return self.revisions.get(alert_id)

    def on_time(self) -> Iterable[str]:
        changed = []
        while self._expiries and self._expiries[0][0] <= self.now:
            _, wid = heapq.heappop(self._expiries)
            row = self.rows[wid]
            expiry = row["expiry"]
            if row["status"] == ACTIVE and _timestamp(expiry) <= self.now:
                row["status"] = EXPIRED
                changed.append(wid)
        return changed

    def current(self, operation_id: str | None = None) -> list[Row]:
        return current(self.rows.values(), operation_id)

    def covering(self, lon: float, lat: float) -> list[Row]:
        return covering(self.rows.values(), lon, lat)


def _alert(wid: str, e: Any, msg_type: str) -> dict[str, Any]:
    return {
        "identifier": identifier(wid, e.originator_version),
        "sent": iso(e.occurred_at),
        "msg_type": msg_type,
    }


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def current(rows: Iterable[Row], operation_id: str | None = None) -> list[Row]:
    """The warnings that stand (neither cancelled nor expired), of one operation if
    given, soonest expiry first; each row has its area as a GeoJSON `geometry`."""
    found = [
        row
        for row in rows
        if row["status"] == ACTIVE
        and (operation_id is None or row["operation_id"] == operation_id)
    ]
    return sorted(found, key=lambda row: (row["expiry"], row["id"]))


def covering(rows: Iterable[Row], lon: float, lat: float) -> list[Row]:
    """The current warnings whose area holds the point [lon, lat]."""
    return [row for row in current(rows) if contains(row, lon, lat)]


def contains(row: Row, lon: float, lat: float) -> bool:
    """Whether a warning's area (its polygon, or its true circle) holds the point."""
    if row.get("circle"):
        centre_lon, centre_lat, radius = row["circle"]
        return km_between([centre_lon, centre_lat], [lon, lat]) <= float(radius)
    return inside(row["polygon"], lon, lat)


def inside(ring: list[LonLat], lon: float, lat: float) -> bool:
    """Point in polygon by crossings (even-odd); a point on an edge counts as in."""
    hit = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if _on_segment(x1, y1, x2, y2, lon, lat):
            return True
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x:
                hit = not hit
    return hit


def _on_segment(x1: float, y1: float, x2: float, y2: float, x: float, y: float) -> bool:
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    if abs(cross) > 1e-12:
        return False
    return min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2)


def km_between(a: LonLat, b: LonLat) -> float:
    """Great-circle distance in km (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def geometry(polygon: list[LonLat] | None, circle: list[float] | None) -> Row:
    """A warning's area as an RFC 7946 Polygon (a circle as a 64-cornered one)."""
    if polygon is not None:
        return {"type": "Polygon", "coordinates": [_counterclockwise(polygon)]}
    assert circle is not None
    return {"type": "Polygon", "coordinates": [circle_ring(*circle)]}


def circle_ring(lon: float, lat: float, radius_km: float) -> list[LonLat]:
    """The circle's edge, counterclockwise, closed, rounded to about 1 m."""
    angular = radius_km / EARTH_KM
    phi, lam = math.radians(lat), math.radians(lon)
    ring = []
    for i in range(CIRCLE_CORNERS):
        # Counterclockwise from east: bearing 90° decreasing.
        bearing = math.radians(90 - i * 360 / CIRCLE_CORNERS)
        lat2 = math.asin(
            math.sin(phi) * math.cos(angular)
            + math.cos(phi) * math.sin(angular) * math.cos(bearing)
        )
        lon2 = lam + math.atan2(
            math.sin(bearing) * math.sin(angular) * math.cos(phi),
            math.cos(angular) - math.sin(phi) * math.sin(lat2),
        )
        ring.append([round(math.degrees(lon2), 5), round(math.degrees(lat2), 5)])
    ring.append(ring[0])
    return ring


def _counterclockwise(ring: list[LonLat]) -> list[LonLat]:
    """RFC 7946: an exterior ring winds counterclockwise."""
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))
    return [list(p) for p in (ring if area >= 0 else ring[::-1])]
