"""A phone that sends without reading is held back; nothing it sent is lost or doubled.

At most IN_FLIGHT answers may be owed on a field connection: past that the server
stops reading it until answers go out (docs/protocol.md, "Back-pressure"). The
phone here is a raw TCP socket that does the WebSocket handshake itself, so its
answers stay unread until the test reads them (a `websockets` client reads in a
background thread).
"""

from __future__ import annotations

import json
import struct
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from rawws import CLOSE, TEXT, frames, masked, upgrade
from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable

    from conftest import Api

# The server holds IN_FLIGHT (256) answers, and the sockets' buffers about 1,200
# more (see `silent_phone`): a phone that sends far more is held back.
SENT = 5000


def volunteer(api: Api) -> str:
    """A registered volunteer, their phone's token issued (both are in the log)."""
    registered = api.commander("RegisterVolunteer", name="Chen Wei", contact="+86")
    volunteer_id = str(registered["result"]["volunteer_id"])
    api.bearer(Role.VOLUNTEER, volunteer_id)
    return volunteer_id


def field_url(api: Api, volunteer_id: str) -> str:
    token = api.bearer(Role.VOLUNTEER, volunteer_id)
    return api.url.replace("http://", "ws://") + f"/ws/field?token={token}"


def silent_phone(api: Api, volunteer_id: str) -> socket.socket:
    """Open /ws/field over a raw socket that reads nothing until the test does."""
    # Linux sizes a connection's send buffer by its segment size: with loopback's
    # 64 KiB segments the server's kernel would take some 19,000 acks (2.5 MB)
    # before the server found the phone not reading. 536-byte segments, as on a
    # poor mobile link, leave room for a few hundred.
    return upgrade(field_url(api, volunteer_id), segment=536)


def position_report(frame_id: str, volunteer_id: str) -> dict[str, Any]:
    body = {"volunteer_id": volunteer_id, "lat": 24.9, "lon": 118.6}
    return {"id": frame_id, "command": "ReportPosition", "body": body}


def read_frames(
    raw: socket.socket, until: Callable[[list[tuple[int, bytes]]], bool]
) -> list[tuple[int, bytes]]:
    """The frames (opcode, payload) the server sends, read until `until` holds."""
    stream = bytearray()
    found: list[tuple[int, bytes]] = []
    while not until(found):
        chunk = raw.recv(1 << 16)
        assert chunk, "the server closed the connection"
        stream += chunk
        read = 0
        for opcode, payload, read in frames(bytes(stream)):  # noqa: B007
            found.append((opcode, payload))
        del stream[:read]
    assert not stream, "part of a frame after the last one"
    return found


def settled(read: Callable[[], int], quiet: float = 1.0) -> int:
    """What `read()` gives once it has stayed the same for `quiet` seconds."""
    deadline = time.monotonic() + 10
    last, since = read(), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "never settled"
        time.sleep(0.05)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
    return last


def test_a_phone_that_does_not_read_is_held_back_and_every_command_counts_once(
    api: Api,
) -> None:
    # Given a phone that sends far more commands than may be owed and reads nothing
    me, other = volunteer(api), volunteer(api)
    before = api.position()
    ids = [str(uuid4()) for _ in range(SENT)]
    flood = b"".join(
        masked(TEXT, json.dumps(position_report(frame_id, me)).encode())
        for frame_id in ids
    )
    with silent_phone(api, me) as raw:
        sending = threading.Thread(target=raw.sendall, args=(flood,), daemon=True)
        sending.start()

        # When the server has taken all it will
        held = settled(api.position)

        # Then it stopped taking the phone's frames well short of what was sent
        assert held - before < SENT // 2, f"{held - before} of {SENT} stored"
        # and another phone is served meanwhile
        other_id = str(uuid4())
        with connect(field_url(api, other), open_timeout=10) as ws:
            ws.send(json.dumps(position_report(other_id, other)))
            other_ack = json.loads(ws.recv(timeout=10))
        assert (other_ack["type"], other_ack["id"]) == ("ack", other_id)
        assert api.position() - before < SENT // 2  # the first phone still held

        # When the phone reads its answers, then says goodbye
        answered = read_frames(raw, lambda found: len(found) >= SENT)
        sending.join(timeout=10)
        assert not sending.is_alive(), "the server never took the rest"
        raw.sendall(masked(CLOSE, struct.pack("!H", 1000)))
        after = read_frames(raw, lambda found: any(op == CLOSE for op, _ in found))

    # Then every command it sent was stored once and answered once
    answers: list[dict[str, Any]] = [json.loads(payload) for _, payload in answered]
    assert Counter(a["id"] for a in answers) == Counter(ids)
    assert {(a["type"], a["replayed"]) for a in answers} == {("ack", False)}
    assert len({p for a in answers for p in a["positions"]}) == SENT
    assert [op for op, _ in after] == [CLOSE]  # nothing answered twice
    assert api.position() == before + SENT + 1  # with the other phone's one
