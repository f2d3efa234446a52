"""Risk warnings in the TAK picture: each standing warning's area as a polygon.

Reads the `warnings` view (rows as `projections/warnings.py` keeps them: an
RFC 7946 Polygon, the level's colour, CAP's texts by language); a process
without that view simply has none to draw. A warning's polygon stands on TAK
clients until its expiry; cancelled or expired, it is deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from gateway.tak import cot
from gateway.tak.picture import MARKER_STALE, delete

if TYPE_CHECKING:
    from projections.base import Row

# CAP severity's colours, as ATAK's ARGB integers: an outline and a light fill.
COLOURS = {"red": 0xFF0000, "orange": 0xFFA500, "yellow": 0xFFFF00, "blue": 0x0000FF}


def argb(rgb: int, alpha: int) -> int:
    """An ARGB colour as the signed 32-bit integer CoT's drawings carry."""
    value = (alpha << 24) | rgb
    return value - (1 << 32) if value >= 1 << 31 else value


def uid_of(key: str) -> str:
    return f"brigade.warning.{key}"


def _text(texts: object) -> str:
    """English if there is, else Chinese, else any: TAK shows one language."""
    if not isinstance(texts, dict):
        return ""
    return str(texts.get("en") or texts.get("zh") or next(iter(texts.values()), ""))


class WarningSource:
    """The `warnings` view as `u-d-f` closed polygons, coloured by level."""

    views: tuple[str, ...] = ("warnings",)

    def render(
        self,
        view: str,  # noqa: ARG002 (one view: the warnings)
        key: str,
        row: Row | None,
        now: datetime,
        *,
        joining: bool,
    ) -> bytes | None:
        if row is None or row.get("status") != "active":
            return None if joining else delete(uid_of(key), now)
        ring = row["geometry"]["coordinates"][0]
        lon = sum(x for x, _ in ring[:-1]) / max(len(ring) - 1, 1)
        lat = sum(y for _, y in ring[:-1]) / max(len(ring) - 1, 1)
        links = "".join(f"<link point='{y:.7f},{x:.7f}'/>" for x, y in ring)
        colour = COLOURS.get(str(row.get("level")), COLOURS["blue"])
        headline = _text(row.get("headline")) or str(row.get("event", "warning"))
        remarks = (
            f"brigade risk warning ({row.get('level')}): {row.get('event', '')}; "
            f"severity {row.get('severity', '')}, urgency {row.get('urgency', '')}, "
            f"certainty {row.get('certainty', '')}; {row.get('area_desc', '')}; "
            f"until {row.get('expiry', '')}. {_text(row.get('instruction'))}"
        )
        expiry = row.get("expiry")
        stale = datetime.fromisoformat(expiry) if expiry else now + MARKER_STALE
        return cot.event(
            uid=uid_of(key),
            type="u-d-f",
            time=now,
            stale=max(stale, now),
            lat=lat,
            lon=lon,
            detail=(
                f"{links}<contact callsign={cot.attr(headline[:80])}/>"
                f"<strokeColor value='{argb(colour, 0xFF)}'/>"
                "<strokeWeight value='3.0'/>"
                f"<fillColor value='{argb(colour, 0x40)}'/>"
                f"<remarks>{cot.text(remarks)}</remarks>"
                f"<brigade warning={cot.attr(key)} level={cot.attr(row.get('level'))}/>"
                "<labels_on value='true'/>"
            ),
        )
