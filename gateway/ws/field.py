"""/ws/field: a volunteer's phone streams commands and gets each one acknowledged.

Frames (JSON text, or msgpack binary with `?format=msgpack`):
`{"id": "<uuid>", "command": "<Name>", "body": {...}}`. The id is the command id:
a phone that lost an ack sends the same frame again and gets the first outcome
back, `replayed: true`, with nothing appended. Each frame gets one answer:
`{"type": "ack", "id", "position", "positions", "result", "replayed"}` once its
events are durable, or `{"type": "rejected", "id", "code", "message"}`. A frame
that cannot be read at all gets `{"type": "error", "code": "malformed_frame"}`
and the connection is closed (4400); anything else leaves it open. At most
IN_FLIGHT commands per connection wait for their acks: past that the server
stops reading, and the phone's sends slow down (back-pressure).
"""

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import msgpack
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from gateway.errors import STATUS
from gateway.routes.commands import MODELS, build
from gateway.ws.common import accept, send

router = APIRouter()

IN_FLIGHT = 256
MALFORMED = 4400


@router.websocket("/ws/field")
async def field(socket: WebSocket, token: str = "", format: str = "json") -> None:
    service = socket.app.state.service
    actor = await accept(socket, token)
    if actor is None:
        return
    binary = format == "msgpack"
    lock = asyncio.Lock()
    slots = asyncio.Semaphore(IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()

    async def answer(frame: dict[str, Any]) -> None:
        async with lock:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await send(socket, frame, binary)

    async def run(frame_id: str, command: Any) -> None:
        try:
            outcome = await service.writer.send(command)
        finally:
            slots.release()
        socket.app.state.metrics.count(outcome)
        if outcome.rejection is not None:
            why = outcome.rejection
            await answer(
                {
                    "type": "rejected",
                    "id": frame_id,
                    "code": why.code,
                    "message": why.message,
                    "status": STATUS.get(why.kind, 409),
                    "replayed": outcome.replayed,
                }
            )
        else:
            await answer(
                {
                    "type": "ack",
                    "id": frame_id,
                    "position": outcome.position,
                    "positions": list(outcome.positions),
                    "result": dict(outcome.result),
                    "replayed": outcome.replayed,
                }
            )

    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            frame = _read(message, binary)
            if frame is None:
                await answer(
                    {
                        "type": "error",
                        "code": "malformed_frame",
                        "message": "the frame is not a JSON (or msgpack) object",
                    }
                )
                await socket.close(code=MALFORMED)
                break
            frame_id = str(frame.get("id", ""))
            refusal = _check(frame)
            if refusal is not None:
                await answer({"type": "rejected", "id": frame_id, **refusal})
                continue
            cls, model = MODELS[frame["command"]]
            try:
                body = model.model_validate(frame.get("body") or {})
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "body"
                await answer(
                    {
                        "type": "rejected",
                        "id": frame_id,
                        "code": "invalid_value",
                        "message": f"{where}: {first['msg']}",
                        "status": 422,
                    }
                )
                continue
            command = build(cls, body, actor, UUID(frame_id))
            await slots.acquire()
            task = asyncio.create_task(run(frame_id, command))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    except WebSocketDisconnect:
        pass
    finally:
        if tasks:  # commands already sent are stored even if the phone has gone
            await asyncio.gather(*tasks, return_exceptions=True)


def _read(message: Mapping[str, Any], binary: bool) -> dict[str, Any] | None:
    try:
        if binary and message.get("bytes") is not None:
            frame = msgpack.unpackb(message["bytes"])
        elif message.get("text") is not None:
            frame = json.loads(message["text"])
        else:
            return None
    except (ValueError, msgpack.UnpackException):
        return None
    return frame if isinstance(frame, dict) else None


def _check(frame: dict[str, Any]) -> dict[str, Any] | None:
    try:
        UUID(str(frame.get("id")))
    except ValueError:
        return {"code": "invalid_value", "message": "id must be a UUID", "status": 422}
    if frame.get("command") not in MODELS:
        return {
            "code": "unknown_command",
            "status": 422,
            "message": f"unknown command {frame.get('command')!r}",
        }
    if not isinstance(frame.get("body", {}), dict):
        return {
            "code": "invalid_value",
            "message": "body must be an object",
            "status": 422,
        }
    return None
