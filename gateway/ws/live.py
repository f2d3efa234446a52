"""/ws/live: views of an operation, as a snapshot then every change, resumable.

Protocol (docs/protocol.md): the client authenticates with `?token=`, then sends
`{"type": "subscribe", "views": [...], "operation_id": ..., "after": null|P}`.
The server answers with a `snapshot` per view (or `deltas` since P, or a `reset`
and snapshots), then `deltas` frames in position order, and a `heartbeat` with
the latest position every 20 s. JSON text frames, or msgpack binary frames with
`?format=msgpack`. Each connection has a bounded send queue: a client that falls
that far behind is closed with code 4008 (or cut) and never slows anyone else
(`gateway/ws/fanout.py`).
"""

import contextlib
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.deps import (
    BinaryDep,
    FanoutDep,
    MetricsDep,
    RuntimeDep,
    SettingsDep,
    SocketActorDep,
)
from gateway.schemas import LiveSubscribe
from gateway.ws.common import FORBIDDEN, encode, refuse
from gateway.ws.fanout import Connection
from gateway.ws.subscribe import beyond_the_log, read_subscribe
from gateway.ws.transport import wire_message
from projections import access
from projections.catalog import VIEW_NAMES, belongs
from projections.deltas import delta

if TYPE_CHECKING:
    from projections.deltas import Subscription

router = APIRouter()

SUBSCRIBE = (
    f"send {{type: subscribe, views: [{', '.join(VIEW_NAMES)}], operation_id?, after?}}"
)


@router.websocket("/ws/live")
async def live(
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
    request = await read_subscribe(socket, LiveSubscribe, binary, SUBSCRIBE)
    if request is None:
        return
    if access.hidden(actor.role, request.views):
        refused = access.refusal(actor.role, request.views)
        await refuse(socket, access.NOT_ALLOWED, refused, binary, FORBIDDEN)
        return
    after, seen = request.after, fanout.deltas.position
    if await beyond_the_log(socket, after, seen, runtime, binary):
        return

    views, operation_id = request.views, request.operation_id
    connection = Connection(
        socket,
        (frozenset(views), operation_id, binary),
        settings.live_queue_frames,
        on_drop=metrics.drops.inc,
    )
    deltas = fanout.deltas
    with deltas.lock:  # the start and the joining see the same published batches
        start = deltas.subscribe(views, request.after)
        start.close()
        fanout.join(connection, fanout.batch)
    metrics.subscribers.inc()
    try:
        _send_start(connection, start, operation_id)
        del start  # a snapshot may be large: hold none of it while connected
        await _until_gone(socket)
    finally:
        fanout.leave(connection)
        if connection.sender is not None:
            connection.sender.cancel()
        metrics.subscribers.dec()
        if connection.cut is not None:
            await connection.cut


def _send_start(
    connection: Connection, start: "Subscription", operation_id: str | None
) -> None:
    """A reset and snapshots, or the changes missed since the client's position."""
    binary = connection.audience[2]
    first: list[dict[str, Any]] = []
    if start.reset is not None:
        reset = start.reset
        first.append(
            {"type": "reset", "position": reset.position, "oldest": reset.oldest}
        )
    for snapshot in start.snapshots:
        rows = {k: r for k, r in snapshot.rows.items() if belongs(r, operation_id)}
        first.append(
            {
                "type": "snapshot",
                "view": snapshot.view,
                "position": snapshot.position,
                "rows": rows,
            }
        )
    if not start.snapshots:
        missed = [delta(c) for c in start.missed if belongs(c.row, operation_id)]
        first.append({"type": "deltas", "changes": missed, "resumed": True})
    for frame in first:
        connection.offer(wire_message(encode(frame, binary)))


async def _until_gone(socket: WebSocket) -> None:
    """Read (and ignore) what the client sends, to notice when it goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while (await socket.receive())["type"] != "websocket.disconnect":
            pass
