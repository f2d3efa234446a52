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

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.ws.common import accept, encode
from gateway.ws.fanout import Connection, Fanout, wire_message
from projections.catalog import VIEW_NAMES, belongs
from projections.deltas import Subscription, delta

router = APIRouter()

BAD_REQUEST = 4400


def _fanout(socket: WebSocket) -> Fanout:
    """This process's fanout, made on first use (it needs the running loop)."""
    deltas = socket.app.state.service.follower.deltas
    fanout: Fanout | None = getattr(socket.app.state, "live_fanout", None)
    if fanout is None or fanout.deltas is not deltas:
        fanout = Fanout(deltas, asyncio.get_running_loop())
        socket.app.state.live_fanout = fanout
    return fanout


def _bad(request: Any) -> bool:
    if not isinstance(request, dict):
        return True
    views, after = request.get("views"), request.get("after")
    operation_id = request.get("operation_id")
    return (
        request.get("type") != "subscribe"
        or not isinstance(views, list)
        or not views
        or any(v not in VIEW_NAMES for v in views)
        or not (
            after is None or (isinstance(after, int) and not isinstance(after, bool))
        )
        or not (operation_id is None or isinstance(operation_id, str))
    )


@router.websocket("/ws/live")
async def live(socket: WebSocket, token: str = "", format: str = "json") -> None:
    if await accept(socket, token) is None:
        return
    try:
        request = await socket.receive_json()
    except (WebSocketDisconnect, ValueError):
        return
    if _bad(request):
        await socket.send_json(
            {
                "type": "error",
                "code": "bad_subscribe",
                "message": f"send {{type: subscribe, views: [{', '.join(VIEW_NAMES)}], "
                "operation_id?, after?}",
            }
        )
        await socket.close(code=BAD_REQUEST)
        return

    views: list[str] = request["views"]
    operation_id: str | None = request.get("operation_id")
    binary = format == "msgpack"
    metrics = socket.app.state.metrics
    fanout = _fanout(socket)
    connection = Connection(
        socket,
        (frozenset(views), operation_id, binary),
        socket.app.state.settings.live_queue_frames,
        on_drop=metrics.drops.inc,
    )
    deltas = fanout.deltas
    with deltas.lock:  # the start and the joining see the same published batches
        start = deltas.subscribe(views, request.get("after"))
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
    connection: Connection, start: Subscription, operation_id: str | None
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
