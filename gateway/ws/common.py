"""What the sockets do alike: accept a token, write frames as JSON or msgpack."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgpack

from gateway.tokens import read_token

if TYPE_CHECKING:
    from fastapi import WebSocket

    from domain.commands import Actor

UNAUTHENTICATED = 4001
BAD_REQUEST = 4400


async def accept(socket: WebSocket, token: str, key: bytes) -> Actor | None:
    """Accept the socket; close it (4001) and return None unless the token is good."""
    actor = read_token(key, token) if token else None
    await socket.accept()
    if actor is None:
        await socket.close(code=UNAUTHENTICATED, reason="a valid ?token= is needed")
    return actor


def encode(frame: dict[str, Any] | list[dict[str, Any]], binary: bool) -> str | bytes:
    if binary:
        return bytes(msgpack.packb(frame))
    return json.dumps(frame, separators=(",", ":"))


async def send(
    socket: WebSocket, frame: dict[str, Any] | list[dict[str, Any]], binary: bool
) -> None:
    data = encode(frame, binary)
    if isinstance(data, bytes):
        await socket.send_bytes(data)
    else:
        await socket.send_text(data)


async def refuse(
    socket: WebSocket, code: str, message: str, binary: bool = False
) -> None:
    """Say why a frame is refused (in the socket's format), then close (4400)."""
    await send(socket, {"type": "error", "code": code, "message": message}, binary)
    await socket.close(code=BAD_REQUEST)
