"""What both sockets do alike: accept a token, write frames as JSON or msgpack.

And one thing only a server can do for us: cut a peer that stopped reading. A
close frame would queue behind the data the peer never read, so dropping a
stalled client needs the connection's transport. `KeepServerSend` keeps the
server's own `send` in each WebSocket's scope; under uvicorn that is a method of
the connection's protocol, which holds the transport.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import msgpack

from gateway.tokens import read_token

if TYPE_CHECKING:
    from fastapi import WebSocket
    from starlette.types import ASGIApp, Receive, Scope, Send

    from domain.commands import Actor

UNAUTHENTICATED = 4001
SERVER_SEND = "brigade.server_send"


async def accept(socket: WebSocket, token: str) -> Actor | None:
    """Accept the socket; close it (4001) and return None unless the token is good."""
    service = socket.app.state.service
    actor = read_token(service.key, token) if token else None
    await socket.accept()
    if actor is None:
        await socket.close(code=UNAUTHENTICATED, reason="a valid ?token= is needed")
    return actor


def encode(frame: dict[str, Any] | list[dict[str, Any]], binary: bool) -> str | bytes:
    if binary:
        return bytes(msgpack.packb(frame))
    return json.dumps(frame, separators=(",", ":"))


def message(data: str | bytes) -> dict[str, Any]:
    """The ASGI message that sends an encoded frame (one may go to many sockets)."""
    if isinstance(data, bytes):
        return {"type": "websocket.send", "bytes": data}
    return {"type": "websocket.send", "text": data}


async def send(
    socket: WebSocket, frame: dict[str, Any] | list[dict[str, Any]], binary: bool
) -> None:
    data = encode(frame, binary)
    if isinstance(data, bytes):
        await socket.send_bytes(data)
    else:
        await socket.send_text(data)


class KeepServerSend:
    """ASGI middleware: the server's own `send`, kept in every WebSocket's scope."""

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
