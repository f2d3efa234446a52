"""Everything that reads uvicorn's or websockets' internals, in one place.

Three tricks depend on how uvicorn's sans-I/O WebSocket protocol
(`uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol`)
is built inside, which no public API promises; pyproject.toml pins uvicorn and
websockets to the versions tested, and `tests/unit/test_transport.py` names any
attribute a new version no longer has:

- reading ahead (`ReadAheadWebSockets`): a few messages instead of one;
- the server's own `send` (`KeepServerSend`), whose protocol holds the TCP
  transport, so a stalled peer can be cut (`cut`);
- writing a frame framed once for everyone straight to each transport, past
  the protocol's `send` (`wire_message`; the write itself is inline in the
  fan-out's hot loop, `Connection.offer`, reading what DIRECT_NEEDS names).
  When the protocol lacks it, `plain_protocol` gives None and frames go
  through `send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from socket import SO_LINGER, SOL_SOCKET
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.websockets.websockets_sansio_impl import (
    WebSocketsSansIOProtocol,
)
from websockets.frames import Frame, Opcode

if TYPE_CHECKING:
    from fastapi import WebSocket
    from starlette.types import ASGIApp, Receive, Scope, Send

# uvicorn's protocol stops reading after every message and starts again once the
# app has taken it: two `epoll_ctl` calls per frame, about 7% of the server's
# samples under `brigade bench field` (2026-11-29). ReadAheadWebSockets stops
# when READ_AHEAD messages wait for the app, or after any message larger than
# SMALL bytes, so a client that floods a connection is still held back, by a
# short queue of small frames instead of a one-slot one.
READ_AHEAD = 32
SMALL = 64 * 1024
# What each trick reads of the protocol (`conn` is websockets' ServerProtocol).
READ_AHEAD_NEEDS = (
    "send_receive_event_to_app",
    "frames",
    "read_paused",
    "queue",
    "transport",
)
DIRECT_NEEDS = ("conn", "writable", "close_sent", "disconnected", "transport")
CONN_NEEDS = ("extensions", "state")

SERVER_SEND = "brigade.server_send"
# The key of an outgoing ASGI message holding the frame's bytes as sent on the wire.
WIRE = "brigade.wire"
LINGER_ZERO = struct.pack("ii", 1, 0)


class ReadAheadWebSockets(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, reading ahead a few messages instead of one."""

    def send_receive_event_to_app(self) -> None:
        size = sum(len(part) for part in self.frames)
        paused = self.read_paused
        self.read_paused = True  # so the base class does not pause reading itself
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not paused and (self.queue.qsize() >= READ_AHEAD or size > SMALL):
            self.read_paused = True
            self.transport.pause_reading()


def websocket_options() -> dict[str, Any]:
    """uvicorn's WebSocket settings for every brigade server: serve, demo, tests.

    Per-message compression off: it costs each connection its own zlib state,
    and the live fan-out writes one frame's bytes to every connection.
    """
    return {"ws": ReadAheadWebSockets, "ws_per_message_deflate": False}


def missing(protocol: object) -> list[str]:
    """What the tricks read that this protocol object does not have."""
    names = [n for n in (*READ_AHEAD_NEEDS, *DIRECT_NEEDS) if not hasattr(protocol, n)]
    conn = getattr(protocol, "conn", None)
    if conn is not None:
        names += [f"conn.{n}" for n in CONN_NEEDS if not hasattr(conn, n)]
    return list(dict.fromkeys(names))


class KeepServerSend:
    """ASGI middleware: the server's own `send`, kept in every WebSocket's scope.

    Under uvicorn that `send` is a method of the connection's protocol, which
    holds the transport; the app's own wrappers around it do not.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[SERVER_SEND] = send
        await self.app(scope, receive, send)


def server_send(socket: WebSocket) -> Send | None:
    """The server's `send` for this socket, past the app's wrappers (if kept)."""
    found: Send | None = socket.scope.get(SERVER_SEND)
    return found


def transport_of(socket: WebSocket) -> asyncio.Transport | None:
    """The socket's TCP transport, when the server keeps it where we can see it."""
    owner = getattr(server_send(socket), "__self__", None)
    transport = getattr(owner, "transport", None)
    return transport if isinstance(transport, asyncio.Transport) else None


def cut(transport: asyncio.Transport) -> None:
    """Abort the connection with a reset, freeing the kernel's buffers too.

    A close frame would queue behind the data a stalled peer never read.
    """
    sock = transport.get_extra_info("socket")
    if sock is not None:  # linger 0: a reset, not a FIN queued behind unread data
        with contextlib.suppress(OSError):
            sock.setsockopt(SOL_SOCKET, SO_LINGER, LINGER_ZERO)
    transport.abort()


def message(data: str | bytes) -> dict[str, Any]:
    """The ASGI message that sends an encoded frame (one may go to many sockets)."""
    if isinstance(data, bytes):
        return {"type": "websocket.send", "bytes": data}
    return {"type": "websocket.send", "text": data}


def wire_message(data: str | bytes) -> dict[str, Any]:
    """The ASGI message sending `data`, with its unmasked frame's bytes (`WIRE`)."""
    sent = message(data)
    if isinstance(data, bytes):
        sent[WIRE] = Frame(Opcode.BINARY, data).serialize(mask=False)
    else:
        sent[WIRE] = Frame(Opcode.TEXT, data.encode()).serialize(mask=False)
    return sent


def plain_protocol(send: object) -> Any:
    """uvicorn's sans-I/O protocol behind `send`, if frames may bypass it (else None).

    They may when its connection negotiated no extension (no compression): then
    a data frame is the same bytes on every connection, and the protocol keeps
    no state about the frames it sends. Anything else sends through the server.
    """
    protocol = getattr(send, "__self__", None)
    conn = getattr(protocol, "conn", None)
    if conn is None or not all(hasattr(protocol, name) for name in DIRECT_NEEDS):
        return None
    if getattr(conn, "extensions", None) != [] or not hasattr(conn, "state"):
        return None
    return protocol
