"""The subscribers of brigade bench fanout: many live sockets, in their own process.

Each subscriber is a bare asyncio protocol that does the WebSocket handshake and
parses frame headers itself, so this process stays cheap per frame and the server
under test is what is measured. Every tenth subscriber also decodes its frames to
time each change: from the moment the driver sent the command (same machine, same
monotonic clock) to the moment the frame is in. Commands are sent by a driver on
the field socket, `rate` a second, each reporting a new incident (its own key).

Talks to its parent over stdin/stdout, one JSON line per step: `connected` once
every subscriber has its snapshot, then for each line `<step> <rate>` read from
stdin (`steady`; `stalled`: the same with one more subscriber that never reads;
`flood`: a rate beyond what the server can deliver one frame per change) one
line of results. In `raw` mode it times a bare broadcast server instead.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import statistics
import struct
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import connect

from domain.ids import uuid7

SAMPLE_EVERY = 10
DESCRIPTION = "Water over the kerb on Shuangyang Street; two elderly residents on " * 3


def masked(payload: bytes, opcode: int = 0x1) -> bytes:
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    else:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


class Subscriber(asyncio.Protocol):
    """One live socket: handshake, one subscribe frame, then frames counted."""

    def __init__(self, url: str, request: bytes, sample: bool) -> None:
        parts = urlsplit(url)
        self.head = (
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.request = request
        self.sample = sample
        self.buffer = bytearray()
        self.upgraded = False
        self.ready = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.frames = 0
        self.first = self.last = 0.0
        self.arrivals: list[tuple[float, bytes]] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.head)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            assert buffer.startswith(b"HTTP/1.1 101"), bytes(buffer[:200])
            del buffer[: end + 4]
            self.upgraded = True
            assert self.transport is not None
            self.transport.write(masked(self.request))
        at = 0
        while len(buffer) - at >= 2:
            opcode, size = buffer[at] & 0x0F, buffer[at + 1] & 0x7F
            start = at + 2
            if size == 126:
                if len(buffer) - at < 4:
                    break
                (size,) = struct.unpack_from("!H", buffer, at + 2)
                start = at + 4
            elif size == 127:
                if len(buffer) - at < 10:
                    break
                (size,) = struct.unpack_from("!Q", buffer, at + 2)
                start = at + 10
            if len(buffer) < start + size:
                break
            if opcode in (0x1, 0x2):
                self._frame(now, buffer, start, size)
            elif opcode == 0x8 and not self.closed.done():
                self.closed.set_result(None)
            at = start + size
        del buffer[:at]

    def _frame(self, now: float, buffer: bytearray, start: int, size: int) -> None:
        if not self.ready.done():  # the first frame: the snapshot
            self.ready.set_result(None)
            return
        self.frames += 1
        if not self.first:
            self.first = now
        self.last = now
        if self.sample:
            self.arrivals.append((now, bytes(buffer[start : start + size])))

    def connection_lost(self, _exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def reset(self) -> None:
        self.frames, self.first, self.last, self.arrivals = 0, 0.0, 0.0, []


async def open_subscribers(
    url: str, count: int, request: dict[str, Any]
) -> list[Subscriber]:
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    subscribers = []
    for n in range(count):
        subscriber = Subscriber(
            url, json.dumps(request).encode(), n % SAMPLE_EVERY == 0
        )
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        await loop.create_connection(partial(_same, subscriber), host, port)
        subscribers.append(subscriber)
        if n % 50 == 49:  # don't flood the server's accept queue
            await asyncio.gather(*(s.ready for s in subscribers[-50:]))
    await asyncio.wait_for(asyncio.gather(*(s.ready for s in subscribers)), 60)
    return subscribers


def _same(subscriber: Subscriber) -> Subscriber:
    return subscriber


def stalled(url: str, request: dict[str, Any]) -> socket.socket:
    """A subscriber that does the handshake, subscribes, and never reads again."""
    parts = urlsplit(url)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    raw.connect((parts.hostname or "127.0.0.1", parts.port or 80))
    raw.sendall(Subscriber(url, b"", False).head)
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += raw.recv(1)
    raw.sendall(masked(json.dumps(request).encode()))
    return raw


async def drive(
    field_url: str, operation_id: str, rate: float, seconds: float
) -> dict[str, float]:
    """Report `rate` incidents a second; the time each was sent, by incident id."""
    sent: dict[str, float] = {}
    async with connect(field_url, compression=None, max_size=2**22) as ws:

        async def read_acks() -> None:
            async for _ in ws:
                pass

        reader = asyncio.create_task(read_acks())
        began = time.monotonic()
        n = 0
        while (now := time.monotonic()) < began + seconds:
            due = began + n / rate
            if due > now:
                await asyncio.sleep(due - now)
            incident = str(uuid7())
            body = {
                "incident_id": incident,
                "operation_id": operation_id,
                "kind": "flood",
                "lat": 24.9,
                "lon": 118.6,
                "severity": 3,
                "description": DESCRIPTION,
            }
            command = {"id": str(uuid7()), "command": "ReportIncident", "body": body}
            sent[incident] = time.monotonic()
            await ws.send(json.dumps(command))
            n += 1
        await asyncio.sleep(0.5)
        reader.cancel()
    return sent


async def fill(field_url: str, operation_id: str, count: int = 600) -> None:
    """Report `count` incidents with long descriptions (about 2.4 MB of deltas)."""
    async with connect(field_url, compression=None, max_size=2**22) as ws:
        for _ in range(count):
            body = {
                "operation_id": operation_id,
                "kind": "fire",
                "lat": 24.95,
                "lon": 118.62,
                "severity": 2,
                "description": "smoke from the third floor; " * 140,
            }
            command = {"id": str(uuid7()), "command": "ReportIncident", "body": body}
            await ws.send(json.dumps(command))
        for _ in range(count):
            await ws.recv()


def latencies(subscribers: list[Subscriber], sent: dict[str, float]) -> list[float]:
    found = []
    for subscriber in subscribers:
        for arrived, payload in subscriber.arrivals:
            frame = json.loads(payload)
            for change in frame.get("changes", ()):
                if change["key"] in sent:
                    found.append((arrived - sent[change["key"]]) * 1000)
    return found


async def settle(subscribers: list[Subscriber], quiet: float = 1.0) -> None:
    """Wait until no subscriber has received anything for `quiet` seconds."""
    while True:
        await asyncio.sleep(quiet / 4)
        last = max(s.last for s in subscribers)
        if time.monotonic() - last > quiet:
            return


def summary(subscribers: list[Subscriber], lat: list[float]) -> dict[str, Any]:
    frames = sum(s.frames for s in subscribers)
    first = min((s.first for s in subscribers if s.first), default=0.0)
    last = max(s.last for s in subscribers)
    window = max(last - first, 1e-9)
    cuts = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [0.0] * 99
    return {
        "frames": frames,
        "seconds": window,
        "frames_per_s": frames / window,
        "p50_ms": cuts[49],
        "p99_ms": cuts[98],
        "samples": len(lat),
    }


async def brigade(args: list[str]) -> None:
    url, field_url, operation_id, elsewhere = args[0], args[1], args[2], args[3]
    count, seconds, capture = int(args[4]), float(args[5]), args[6]
    request = {"type": "subscribe", "views": ["board"], "operation_id": operation_id}
    subscribers = await open_subscribers(url, count, request)
    say({"event": "connected", "subscribers": len(subscribers)})
    stalled_socket = None
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        step, rate = line.split()
        if step == "stalled":
            # Every operation: then a burst elsewhere fills its buffers alone.
            stalled_socket = stalled(url, {"type": "subscribe", "views": ["board"]})
            await fill(field_url, elsewhere)
            await asyncio.sleep(1.0)
        for subscriber in subscribers:
            subscriber.reset()
        sent = await drive(field_url, operation_id, float(rate), seconds)
        await settle(subscribers)
        result = summary(subscribers, latencies(subscribers, sent))
        result["commands"] = len(sent)
        result["changes"] = sum(
            len(json.loads(p).get("changes", ())) for _, p in subscribers[0].arrivals
        )
        if step == "flood":
            save(capture, [payload for _, payload in subscribers[0].arrivals])
        say({"event": step, **result})
    if stalled_socket is not None:
        stalled_socket.close()


async def raw(args: list[str]) -> None:
    url, count = args[0], int(args[1])
    subscribers = await open_subscribers(url, count, {"type": "subscribe"})
    say({"event": "connected", "subscribers": len(subscribers)})
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    for subscriber in subscribers:
        subscriber.reset()
    starter = subscribers[0].transport
    assert starter is not None
    starter.write(masked(b"start"))
    await asyncio.wait_for(asyncio.gather(*(s.closed for s in subscribers)), 120)
    say({"event": "raw", **summary(subscribers, [])})


def save(path: str, payloads: list[bytes]) -> None:
    Path(path).write_bytes(b"".join(payload + b"\n" for payload in payloads))


def say(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    asyncio.run(brigade(rest) if mode == "brigade" else raw(rest))
