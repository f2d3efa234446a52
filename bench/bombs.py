"""`brigade bench bombs`: a server's peak memory under three image bombs at once.

A real `brigade serve` (embedded store) is sent three 12000 x 12000 RGBA PNGs at
once (560 KB each; 576 MB each if decoded) over HTTP, then three over the field
socket (`UploadImage`), then three of the largest PNGs it takes (just under the
pixel cap, each decoded whole) over HTTP. After each round it reads the server's
peak resident memory (VmHWM in /proc/PID/status) against the peak before: the
bombs must be refused from their header, and what is decoded must fit the
decoding budget (`gateway/pixels.py`).
"""

from __future__ import annotations

import base64
import json
import struct
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import httpx
from websockets.sync.client import connect

from bench.server import brigade_server, commander_token
from gateway.pixels import MAX_PIXELS

if TYPE_CHECKING:
    from collections.abc import Callable

AT_ONCE = 3
BOMB_SIDE = 12_000
# The largest square RGBA PNG under the cap.
LARGEST_SIDE = int(MAX_PIXELS**0.5)


def png(width: int, height: int) -> bytes:
    """An RGBA PNG of zeros, made a row at a time: no image held in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack("!I", len(body)) + kind + body + struct.pack("!I", crc)

    squeeze = zlib.compressobj(9)
    row = b"\0" * (1 + 4 * width)  # filter type 0, then the pixels
    idat = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack("!IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def peak_kib(pid: int) -> int:
    """A process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc (Linux only)")


@dataclass(frozen=True)
class Round:
    name: str
    answers: list[tuple[int, str]]  # status and code (or "") of each upload
    peak_before_kib: int
    peak_after_kib: int

    @property
    def grown_mb(self) -> float:
        return (self.peak_after_kib - self.peak_before_kib) * 1024 / 1e6


class Uploads:
    """Uploads to one running server, as a commander, HTTP or the field socket."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            operation = http.post(
                "/commands/OpenOperation", json={"name": "bombs", "kind": "drill"}
            ).json()["result"]["operation_id"]
            self.incident = http.post(
                "/commands/ReportIncident",
                json={
                    "operation_id": operation,
                    "kind": "fire",
                    "lat": 24.9,
                    "lon": 118.6,
                    "severity": 2,
                },
            ).json()["result"]["incident_id"]

    def http(self, data: bytes) -> tuple[int, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = httpx.post(
            f"{self.base}/images", content=data, headers=headers, timeout=120
        )
        return answer.status_code, str(answer.json().get("code", ""))

    def field(self, data: bytes) -> tuple[int, str]:
        url = self.base.replace("http", "ws") + f"/ws/field?token={self.token}"
        body = {"incident_id": self.incident, "data": base64.b64encode(data).decode()}
        frame = {"id": str(uuid4()), "command": "UploadImage", "body": body}
        with connect(url, max_size=2**25, open_timeout=30) as ws:
            ws.send(json.dumps(frame))
            answer: dict[str, Any] = json.loads(ws.recv(timeout=120))
        if answer["type"] == "ack":
            return 201, ""
        return int(answer["status"]), str(answer["code"])


def at_once(
    name: str, pid: int, send: Callable[[bytes], tuple[int, str]], data: bytes
) -> Round:
    """Send the same bytes AT_ONCE times concurrently; the server's peak around it."""
    before = peak_kib(pid)
    with ThreadPoolExecutor(AT_ONCE) as pool:
        answers = list(pool.map(send, [data] * AT_ONCE))
    return Round(name, answers, before, peak_kib(pid))


def rounds(base: str, pid: int, token: str, *, largest: bool = True) -> list[Round]:
    """The bombs over HTTP and the field socket, then (if asked) the largest images."""
    uploads = Uploads(base, token)
    bomb = png(BOMB_SIDE, BOMB_SIDE)
    done = [
        at_once("bombs over HTTP", pid, uploads.http, bomb),
        at_once("bombs over the field socket", pid, uploads.field, bomb),
    ]
    if largest:
        biggest = png(LARGEST_SIDE, LARGEST_SIDE)
        done.append(at_once("largest allowed, HTTP", pid, uploads.http, biggest))
    return done


def run() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp,
        brigade_server(Path(tmp)) as (base, server),
    ):
        token = commander_token(Path(tmp))
        start = peak_kib(server.pid)
        done = rounds(base, server.pid, token)
        end = peak_kib(server.pid)
    print(f"{AT_ONCE} uploads at once; server peak RSS {start / 1024:.0f} MiB at start")
    for r in done:
        answers = ", ".join(f"{status} {code}".strip() for status, code in r.answers)
        print(f"  {r.name:<30} peak +{r.grown_mb:6.1f} MB   answers: {answers}")
    print(f"  whole run: peak +{(end - start) * 1024 / 1e6:.1f} MB")
    return 0
