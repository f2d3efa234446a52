"""A WebSocket client on a bare TCP socket, for tests of peers that stop reading.

A `websockets` client reads in a background thread and would never stall; a raw
socket reads nothing until the test does, so the server's buffers really fill.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterator

TEXT, CLOSE = 0x1, 0x8


def upgrade(url: str, *, segment: int | None = None) -> socket.socket:
    """Open `url` (ws://) with a tiny receive buffer; the socket, just past the 101.

    `segment` sets the TCP segment size before connecting (it sizes buffers too).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    if segment is not None:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, segment)
    raw.connect((host, port))
    raw.settimeout(10)
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += raw.recv(1)  # byte by byte: nothing after the head is consumed
    assert head.startswith(b"HTTP/1.1 101"), head
    return raw


def masked(opcode: int, payload: bytes) -> bytes:
    """One client frame: a client masks what it sends."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    else:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def frames(stream: bytes) -> Iterator[tuple[int, bytes, int]]:
    """The opcode, payload and end of each whole frame in a server's byte stream."""
    at = 0
    while at + 2 <= len(stream):
        opcode, size, start = stream[at] & 0x0F, stream[at + 1] & 0x7F, at + 2
        # A frame's extended length may itself not have arrived in full yet.
        if size == 126:
            if at + 4 > len(stream):
                return
            (size,), start = struct.unpack("!H", stream[at + 2 : at + 4]), at + 4
        elif size == 127:
            if at + 10 > len(stream):
                return
            (size,), start = struct.unpack("!Q", stream[at + 2 : at + 10]), at + 10
        if start + size > len(stream):
            return
        at = start + size
        yield opcode, stream[start:at], at
