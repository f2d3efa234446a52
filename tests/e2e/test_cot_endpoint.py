"""The CoT endpoint of a real server: linked devices heard, hostile ones cut off.

A device that sends an entity bomb, a huge document or an element it never
closes is disconnected and counted; nothing it sent is stored, and a linked
device beside it goes on reporting and receiving the picture throughout.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from conftest import Api, free_port, serving
from cotkit import Device, by_uid, metric, position, sample
from support import eventually

from gateway.settings import Settings
from gateway.tak import bridge

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

UID = "ANDROID-5f3c2a9be1d07c44"


@pytest.fixture
def tak(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Api, int]]:
    # Unfinished documents looked for often, so that a test need not wait 5 s.
    monkeypatch.setattr(bridge, "SWEEP_EVERY", 0.2)
    port = free_port()
    settings = Settings(
        database_url=store_url,
        data_dir=tmp_path / "data",
        secret="test",
        cot_port=port,
    )
    with serving(settings) as api:
        yield api, port


def on_shift(api: Api, name: str = "Xu Ming") -> tuple[str, str]:
    """An open operation and a volunteer on shift in it: (operation, volunteer)."""
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = operation["result"]["operation_id"]
    registered = api.commander("RegisterVolunteer", name=name, contact="+86 138")
    volunteer_id = registered["result"]["volunteer_id"]
    api.commander("StartShift", volunteer_id=volunteer_id, operation_id=operation_id)
    return operation_id, volunteer_id


def test_a_linked_device_is_heard_and_an_unlinked_one_counted(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    _, volunteer_id = on_shift(api)
    api.commander("LinkDevice", device_uid=UID, volunteer_id=volunteer_id)
    device, stranger = Device(port), Device(port)
    now = datetime.now(UTC)
    before = api.position()
    stranger.send(position("ANDROID-stranger", now))
    device.send(sample("atak_position", now))
    device.send(sample("atak_position", now))  # heard twice: stored once
    # The stranger is heard by no one, and sees the volunteer on the map.
    seen = stranger.read_until(
        lambda events: by_uid(events, f"brigade.volunteer.{volunteer_id}")
    )
    marker = by_uid(seen, f"brigade.volunteer.{volunteer_id}")[-1]
    point = marker.find("point")
    assert point is not None
    assert float(point.get("lat", 0)) == pytest.approx(24.9134021)
    assert api.position() == before + 1
    eventually(lambda: metric(api, "brigade_cot_messages_total", "unlinked") == 1)
    eventually(lambda: metric(api, "brigade_cot_messages_total", "replayed") == 1)
    device.close()
    stranger.close()


# What each kind of refused input looks like; the key is the metric's reason.
HOSTILE: dict[str, Callable[[datetime], bytes]] = {
    "hostile": lambda now: sample("billion_laughs", now),
    # A document that never ends: refused at the cap, not read to the end.
    "too_large": lambda now: b"<event><detail><remarks>" + b"x" * 40_000,
    "malformed": lambda now: b"<event uid='x'><point></event>",
    # Begun and left unfinished: the connection held open, nothing more sent.
    "incomplete": lambda now: b"<event version='2.0' uid='x'><point lat='24.9'",
}


@pytest.mark.parametrize("reason", sorted(HOSTILE))
def test_hostile_input_closes_that_connection_only(
    tak: tuple[Api, int], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30 s in service; a second here, the rule the same.
    monkeypatch.setattr(bridge, "INCOMPLETE_AFTER", 1.0)
    api, port = tak
    _, volunteer_id = on_shift(api)
    api.commander("LinkDevice", device_uid=UID, volunteer_id=volunteer_id)
    api.commander("LinkDevice", device_uid="ANDROID-evil", volunteer_id=volunteer_id)
    good = Device(port)
    before = api.position()
    with Device(port) as evil:
        evil.send(HOSTILE[reason](datetime.now(UTC)))
        assert evil.closed_by_server()
    eventually(
        lambda: metric(api, "brigade_cot_connections_refused_total", reason) == 1
    )
    assert api.position() == before  # nothing of it stored
    # The other device is heard and sent the picture as before (its own
    # marker withdrawn: ATAK draws itself).
    good.send(sample("atak_position", datetime.now(UTC)))
    me = f"brigade.volunteer.{volunteer_id}"
    good.read_until(lambda events: by_uid(events, f"{me}.delete"))
    eventually(lambda: api.position() == before + 1)
    good.close()


def test_reports_from_the_future_are_refused_by_the_domain(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    _, volunteer_id = on_shift(api)
    api.commander("LinkDevice", device_uid=UID, volunteer_id=volunteer_id)
    device = Device(port)
    before = api.position()
    device.send(sample("atak_position", datetime.now(UTC) + timedelta(hours=1)))
    eventually(
        lambda: metric(api, "brigade_cot_messages_total", "field_time_in_future") == 1
    )
    assert api.position() == before
    device.close()


def test_a_burst_sent_at_once_and_the_device_gone_is_stored_whole(
    tak: tuple[Api, int],
) -> None:
    """More reports than brigade takes from one device at a time (IN_FLIGHT), in
    one write, then the connection closed: every one was delivered, so every one
    is stored, and each once."""
    api, port = tak
    _, volunteer_id = on_shift(api)
    api.commander("LinkDevice", device_uid=UID, volunteer_id=volunteer_id)
    start = datetime.now(UTC) - timedelta(minutes=5)
    burst = b"".join(position(UID, start + timedelta(seconds=i)) for i in range(60))
    before = api.position()
    with socket.create_connection(("127.0.0.1", port)) as device:
        device.sendall(burst)
    eventually(lambda: metric(api, "brigade_cot_messages_total", "accepted") == 60)
    assert api.position() == before + 60
