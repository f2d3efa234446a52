"""How the live sockets (`/ws/live`, `/ws/me`) take a subscription: its first
frame read and checked, and a resume position the log has not reached refused."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from gateway.frames import Unreadable, read_message
from gateway.ws.common import refuse

if TYPE_CHECKING:
    from fastapi import WebSocket

    from gateway.bootstrap import Runtime

M = TypeVar("M", bound=BaseModel)


async def read_subscribe(
    socket: WebSocket, model: type[M], binary: bool, usage: str
) -> M | None:
    """The socket's first frame as a subscription, or None: gone, or refused (4400)."""
    message = await socket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    try:
        return model.model_validate(read_message(message, binary))
    except Unreadable as why:
        await refuse(socket, "bad_subscribe", f"{why}; {usage}", binary)
    except ValidationError:
        await refuse(socket, "bad_subscribe", usage, binary)
    return None


async def beyond_the_log(
    socket: WebSocket, after: int | None, seen: int, runtime: Runtime, binary: bool
) -> bool:
    """Whether `after` is past the log's last position (then refused, 4400).

    `seen` is how far this process's views are; another process may be ahead of
    them, so past that the store decides.
    """
    if after is None or after <= seen:
        return False
    head = await asyncio.to_thread(runtime.brigade.recorder.max_notification_id)
    if after <= (head or 0):
        return False
    said = f"after must be a position from 0 to the log's last, {head or 0}"
    await refuse(socket, "bad_subscribe", said, binary)
    return True
