"""The picture's sources on their own: a row in, the CoT a TAK client reads out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.tak.cot import parse
from gateway.tak.warnings import WarningSource, argb

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
RING = [[118.5, 24.8], [118.7, 24.8], [118.7, 25.0], [118.5, 25.0], [118.5, 24.8]]


def warning(**changes: Any) -> dict[str, Any]:
    row = {
        "id": "w1",
        "status": "active",
        "level": "orange",
        "event": "typhoon",
        "severity": "Severe",
        "urgency": "Expected",
        "certainty": "Likely",
        "area_desc": "Luojiang district",
        "headline": {"zh": "台风橙色预警", "en": "Typhoon orange warning"},
        "instruction": {"en": "Stay indoors"},
        "expiry": (NOW + timedelta(hours=12)).isoformat(),
        "geometry": {"type": "Polygon", "coordinates": [RING]},
    }
    row.update(changes)
    return row


def test_a_standing_warning_is_a_closed_polygon_until_its_expiry() -> None:
    written = WarningSource().render("warnings", "w1", warning(), NOW, joining=True)
    assert written is not None
    event = parse(written)
    assert (event.uid, event.type) == ("brigade.warning.w1", "u-d-f")
    assert event.stale == NOW + timedelta(hours=12)
    assert event.callsign == "Typhoon orange warning"
    assert event.detail is not None
    points = [link.get("point") for link in event.detail.findall("link")]
    assert points[0] == points[-1] == "24.8000000,118.5000000"
    assert len(points) == 5
    fill = event.detail.find("fillColor")
    assert fill is not None and int(fill.get("value", "0")) == argb(0xFFA500, 0x40)
    assert "Stay indoors" in event.remarks


def test_a_cancelled_warning_is_deleted_and_not_shown_to_newcomers() -> None:
    source = WarningSource()
    cancelled = warning(status="cancelled")
    assert source.render("warnings", "w1", cancelled, NOW, joining=True) is None
    written = source.render("warnings", "w1", cancelled, NOW, joining=False)
    assert written is not None
    event = parse(written)
    assert event.type == "t-x-d-d"
    assert event.detail is not None
    link = event.detail.find("link")
    assert link is not None and link.get("uid") == "brigade.warning.w1"


def test_colours_are_signed_argb_as_atak_keeps_them() -> None:
    assert argb(0xFF0000, 0xFF) == -65536
    assert argb(0x0000FF, 0xFF) == -16776961


class Transport(asyncio.Transport):
    """What a peer writes to: everything written, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written.append(bytes(data))

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return False

    def set_write_buffer_limits(
        self, high: int | None = None, low: int | None = None
    ) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


class Hub:
    def __init__(self) -> None:
        self.caught_up_with = 0

    def joined(self, peer: Any) -> None:
        pass

    def caught_up(self, peer: Any, count: int) -> None:
        self.caught_up_with += count


async def test_a_peer_behind_gets_the_latest_of_each_row_once_it_catches_up() -> None:
    from gateway.tak.peer import Peer

    hub = Hub()
    peer = Peer(hub)  # type: ignore[arg-type]
    transport = Transport()
    peer.connection_made(transport)
    assert peer.offer([("map:a", b"a1"), ("map:b", b"b1")]) == 2
    peer.pause_writing()  # the transport holds too much unsent
    assert peer.offer([("map:a", b"a2")]) == 0
    assert peer.offer([("map:a", b"a3"), ("map:b", b"b2")]) == 0
    peer.resume_writing()
    assert transport.written == [b"a1b1", b"a3b2"]
    assert hub.caught_up_with == 2
