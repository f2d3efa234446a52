"""What both sockets do alike: accept a token, and write frames as JSON or msgpack."""

import json
from typing import Any

import msgpack
from fastapi import WebSocket

from domain.commands import Actor
from gateway.tokens import read_token

UNAUTHENTICATED = 4001


async def accept(socket: WebSocket, token: str) -> Actor | None:
    """Accept the socket; close it (4001) and return None unless the token is good."""
    service = socket.app.state.service
    actor = read_token(service.key, token) if token else None
    await socket.accept()
    if actor is None:
        await socket.close(code=UNAUTHENTICATED, reason="a valid ?token= is needed")
    return actor


async def send(socket: WebSocket, frame: dict[str, Any], binary: bool) -> None:
    if binary:
        await socket.send_bytes(msgpack.packb(frame))
    else:
        await socket.send_text(json.dumps(frame, separators=(",", ":")))
