"""A live subscriber that stops reading is dropped; everyone else gets every delta.

The stalled client is a raw TCP socket with a tiny receive buffer that does the
WebSocket handshake, subscribes, and never reads again: exactly what a browser
tab on a frozen laptop looks like to the server. (A `websockets` client reads in
a background thread and would never stall.)
"""

from __future__ import annotations

import contextlib
import json
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from conftest import serving
from rawws import CLOSE, TEXT, frames, masked, upgrade
from support import eventually
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api

QUEUE = 20
# Each delta carries a long description, so the stalled client's buffers fill fast.
DESCRIPTION = "water rising past the second step; " * 110


def server(tmp_path: Path, queue: int) -> Iterator[Api]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'brigade.sqlite3'}",
        data_dir=tmp_path / "data",
        secret="test",
        live_queue_frames=queue,
    )
    with serving(settings) as client:
        yield client


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A server whose live subscribers may fall behind by QUEUE frames."""
    yield from server(tmp_path, QUEUE)


@pytest.fixture
def roomy_api(tmp_path: Path) -> Iterator[Api]:
    """A server whose live subscribers may fall far behind."""
    yield from server(tmp_path, 100_000)


def live_url(api: Api) -> str:
    token = api.bearer(Role.OBSERVER, "wall-screen")
    return api.url.replace("http://", "ws://") + f"/ws/live?token={token}"


def stalled_subscriber(api: Api, request: dict[str, Any]) -> socket.socket:
    """Open /ws/live over a raw socket, subscribe, and leave the socket unread."""
    raw = upgrade(live_url(api))
    raw.sendall(masked(TEXT, json.dumps(request).encode()))
    return raw


def read_to_the_end(raw: socket.socket) -> tuple[bytes, bool]:
    """Everything the server still sends, and whether it ended with a reset."""
    received = bytearray()
    try:
        while chunk := raw.recv(65536):
            received += chunk
    except ConnectionResetError:
        return bytes(received), True
    return bytes(received), False


def close_code(stream: bytes) -> int | None:
    """The code of the close frame in a server's byte stream, if it got that far."""
    for opcode, payload, _ in frames(stream):
        if opcode == CLOSE:
            return int(struct.unpack("!H", payload[:2])[0])
    return None


def report(api: Api, operation_id: str, description: str = DESCRIPTION) -> int:
    done = api.commander(
        "ReportIncident",
        operation_id=operation_id,
        kind="flood",
        lat=24.9,
        lon=118.6,
        severity=3,
        description=description,
    )
    return int(done["position"])


def metric(api: Api, name: str) -> float:
    for line in api.http.get("/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"no metric {name}")


def test_a_client_that_stops_reading_is_dropped_and_the_others_get_every_delta(
    api: Api,
) -> None:
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = operation["result"]["operation_id"]
    subscribe = {"type": "subscribe", "views": ["board"], "operation_id": operation_id}
    seen: list[int] = []
    healthy_open = threading.Event()

    with contextlib.ExitStack() as stack:
        healthy = stack.enter_context(
            connect(live_url(api), open_timeout=10, compression=None)
        )
        healthy.send(json.dumps(subscribe))
        assert json.loads(healthy.recv(timeout=10))["type"] == "snapshot"
        stalled = stack.enter_context(stalled_subscriber(api, subscribe))
        eventually(lambda: metric(api, "brigade_live_subscribers") == 2)

        def keep_reading() -> None:
            healthy_open.set()
            with contextlib.suppress(ConnectionClosed):
                for message in healthy:
                    frame = json.loads(message)
                    if frame["type"] == "deltas":
                        seen.extend(c["position"] for c in frame["changes"])

        reader = threading.Thread(target=keep_reading, daemon=True)
        reader.start()
        healthy_open.wait(10)
        reported: list[int] = []
        with ThreadPoolExecutor(8) as pool:
            while metric(api, "brigade_send_queue_drops_total") == 0:
                assert len(reported) < 1600, "the stalled client was never dropped"
                reported += pool.map(lambda _: report(api, operation_id), range(40))

        # Dropped: gone from the subscribers, its socket closed by the server.
        eventually(lambda: metric(api, "brigade_live_subscribers") == 1)
        received, reset = read_to_the_end(stalled)
        assert reset or close_code(received) == 4008

        # The healthy one saw every delta, in order, and is still being served.
        reported.append(report(api, operation_id, description="and now a fire"))
        eventually(lambda: len(seen) >= len(reported))
        assert seen == sorted(reported)


def test_a_client_that_pauses_gets_every_delta_in_order_once_it_reads_again(
    roomy_api: Api,
) -> None:
    api = roomy_api
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = operation["result"]["operation_id"]
    subscribe = {"type": "subscribe", "views": ["board"], "operation_id": operation_id}
    with stalled_subscriber(api, subscribe) as paused:
        eventually(lambda: metric(api, "brigade_live_subscribers") == 1)
        # More than the socket's buffers hold: the server has to wait for it.
        with ThreadPoolExecutor(8) as pool:
            reported = list(pool.map(lambda _: report(api, operation_id), range(800)))

        stream = bytearray()
        positions: list[int] = []
        while len(positions) < len(reported):
            chunk = paused.recv(1 << 20)
            assert chunk, "the server closed a client that was only paused"
            stream += chunk
            read = 0
            for opcode, payload, read in frames(bytes(stream)):  # noqa: B007
                frame = json.loads(payload) if opcode == TEXT else {}
                if frame.get("type") == "deltas":
                    positions += [change["position"] for change in frame["changes"]]
            del stream[:read]
    assert positions == sorted(reported)
    assert metric(api, "brigade_send_queue_drops_total") == 0
