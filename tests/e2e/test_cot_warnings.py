"""Risk warnings reach TAK clients as polygons, and leave when lifted.

Live once the warnings (IssueWarning, the `warnings` view) and the TAK bridge
are in one tree; before, there is no warning to draw and the test says so.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from conftest import Api, free_port, serving
from cotkit import Device, by_uid

from gateway.schemas import MODELS
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    "IssueWarning" not in MODELS, reason="no risk warnings in this tree"
)
SQUARE = [[118.5, 24.8], [118.7, 24.8], [118.7, 25.0], [118.5, 25.0], [118.5, 24.8]]


@pytest.fixture
def tak(store_url: str, tmp_path: Path) -> Iterator[tuple[Api, int]]:
    port = free_port()
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test", cot_port=port
    )
    with serving(settings) as api:
        yield api, port


def test_a_warning_is_a_polygon_until_it_is_cancelled(tak: tuple[Api, int]) -> None:
    api, port = tak
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    issued = api.commander(
        "IssueWarning",
        operation_id=operation["result"]["operation_id"],
        event="Typhoon",
        category="Met",
        urgency="Expected",
        severity="Severe",
        certainty="Likely",
        area_desc="Luojiang",
        polygon=SQUARE,
        headline={"zh": "台风橙色预警", "en": "Typhoon orange warning"},
        expiry=(datetime.now(UTC) + timedelta(hours=6)).isoformat(),
    )
    warning_id = issued["result"]["warning_id"]
    uid = f"brigade.warning.{warning_id}"
    with Device(port) as device:
        area = device.read_until(lambda events: by_uid(events, uid))[-1]
        assert area.get("type") == "u-d-f"
        points = [link.get("point") for link in area.findall("detail/link")]
        assert len(points) == 5 and points[0] == points[-1]
        contact = area.find("detail/contact")
        assert contact is not None
        assert contact.get("callsign") == "Typhoon orange warning"
        api.commander("CancelWarning", warning_id=warning_id, reason="passed")
        events = device.read_until(lambda events: by_uid(events, f"{uid}.delete"))
        gone = by_uid(events, f"{uid}.delete")[-1]
        assert gone.get("type") == "t-x-d-d"
