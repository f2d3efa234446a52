"""What the sockets do alike: write frames as JSON or msgpack, refuse a frame."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgpack
from fastapi import WebSocketDisconnect
from starlette.websockets import WebSocketState

if TYPE_CHECKING:
    from fastapi import WebSocket

BAD_REQUEST = 4400
# A subscription to views the token's role may not see (projections/access.py).
FORBIDDEN = 4403


def encode(frame: dict[str, Any] | list[dict[str, Any]], binary: bool) -> str | bytes:
    if binary:
        return bytes(msgpack.packb(frame))
    return json.dumps(frame, separators=(",", ":"))


async def send(
    socket: WebSocket, frame: dict[str, Any] | list[dict[str, Any]], binary: bool
) -> None:
    """Send a frame; `WebSocketDisconnect` once the server has closed the socket.

    The server closes a socket under its endpoint when its token is revoked or
    expires (gateway/auth.py): to the endpoint that is as if the client had gone.
    """
    if closed(socket):
        raise WebSocketDisconnect
    data = encode(frame, binary)
    try:
        if isinstance(data, bytes):
            await socket.send_bytes(data)
        else:
            await socket.send_text(data)
    except RuntimeError:
        if closed(socket):
            raise WebSocketDisconnect from None  # closed while this send waited
        raise


def closed(socket: WebSocket) -> bool:
    """Whether the server has closed this socket (the client may not know yet)."""
    return socket.application_state is WebSocketState.DISCONNECTED


async def refuse(
    socket: WebSocket,
    code: str,
    message: str,
    binary: bool = False,
    close_code: int = BAD_REQUEST,
) -> None:
    """Say why a frame is refused (in the socket's format), then close (4400, or
    as given)."""
    await send(socket, {"type": "error", "code": code, "message": message}, binary)
    await socket.close(code=close_code)
