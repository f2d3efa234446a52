"""/ws/me and GET /me: a volunteer's own picture, for their phone, pushed as it changes.

Protocol (docs/protocol.md, "Per-volunteer channel"): the live socket's frames
for one view, `me`, made of this volunteer's rows of the `mine` view
(`projections/mine.py`) with their id taken off the keys. Changes go out through
the process's live fan-out (`gateway/ws/fanout.py`) as soon as they are folded,
with its bounded queue per connection; a token revoked or expired closes the
socket with 4001 as on every socket.
"""

import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from domain.commands import Actor
from gateway.deps import (
    ActorDep,
    BinaryDep,
    FanoutDep,
    MetricsDep,
    RuntimeDep,
    SettingsDep,
    SocketActorDep,
)
from gateway.errors import ApiError
from gateway.schemas import MeSubscribe
from gateway.ws.common import FORBIDDEN, encode, refuse
from gateway.ws.fanout import Connection, me_wire
from gateway.ws.subscribe import beyond_the_log, read_subscribe
from gateway.ws.transport import wire_message
from projections import access, mine
from projections.base import copy_row
from projections.deltas import DeltaLog, Reset

router = APIRouter()

SUBSCRIBE = "send {type: subscribe, after?}"
VIEW = "me"


def _refusal(actor: Actor) -> str | None:
    if access.may_see(actor.role, mine.NAME):
        return None
    role = actor.role.value
    return f"the {role} role has no channel of its own: /ws/me is a volunteer's"


def rows_of(deltas: DeltaLog, actor: Actor) -> tuple[int, dict[str, Any]]:
    """The volunteer's rows as they stand, by the keys a phone sees (hold the lock)."""
    view = deltas.views[mine.NAME]
    own = mine.prefix(actor.id)
    rows = {
        mine.wire_key(k): copy_row(row)
        for k, row in view.rows.items()
        if mine.owns(k, own)
    }
    return view.position, rows


@router.get("/me")
def read_me(actor: ActorDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The volunteer's own rows once, as /ws/me's snapshot."""
    refused = _refusal(actor)
    if refused is not None:
        raise ApiError(403, access.NOT_ALLOWED, refused)
    deltas = runtime.follower.deltas
    with deltas.lock:
        position, rows = rows_of(deltas, actor)
    return {"view": VIEW, "position": position, "rows": rows}


@router.websocket("/ws/me")
async def me(
    socket: WebSocket,
    actor: SocketActorDep,
    binary: BinaryDep,
    fanout: FanoutDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
) -> None:
    if actor is None:
        return
    refused = _refusal(actor)
    if refused is not None:
        await refuse(socket, access.NOT_ALLOWED, refused, binary, FORBIDDEN)
        return
    request = await read_subscribe(socket, MeSubscribe, binary, SUBSCRIBE)
    if request is None:
        return
    after, deltas = request.after, fanout.deltas
    if await beyond_the_log(socket, after, deltas.position, runtime, binary):
        return
    own = mine.prefix(actor.id)
    connection = Connection(
        socket, (mine.VIEWS, own, binary), settings.live_queue_frames, metrics.drops.inc
    )
    first: list[dict[str, Any]] = []
    with deltas.lock:  # the start and the joining see the same published batches
        missed = None if after is None else deltas.since(after, [mine.NAME])
        if isinstance(missed, Reset):
            first.append(
                {"type": "reset", "position": missed.position, "oldest": missed.oldest}
            )
        if missed is None or isinstance(missed, Reset):
            position, rows = rows_of(deltas, actor)
            first.append(
                {"type": "snapshot", "view": VIEW, "position": position, "rows": rows}
            )
        else:
            changes = [me_wire(c) for c in missed if mine.owns(c.key, own)]
            first.append({"type": "deltas", "changes": changes, "resumed": True})
        fanout.join(connection, fanout.batch)
    metrics.subscribers.inc()
    try:
        for frame in first:
            connection.offer(wire_message(encode(frame, binary)))
        del first
        with contextlib.suppress(WebSocketDisconnect):
            while (await socket.receive())["type"] != "websocket.disconnect":
                pass
    finally:
        fanout.leave(connection)
        if connection.sender is not None:
            connection.sender.cancel()
        metrics.subscribers.dec()
        if connection.cut is not None:
            await connection.cut
