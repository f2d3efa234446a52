"""/ws/live: views of an operation, as a snapshot then every change, resumable.

Protocol (docs/protocol.md): the client authenticates with `?token=`, then sends
`{"type": "subscribe", "views": [...], "operation_id": ..., "after": null|P}`.
The server answers with a `snapshot` per view (or `deltas` since P, or a `reset`
and snapshots), then `deltas` frames in position order, and a `heartbeat` with
the latest position every 20 s. JSON text frames, or msgpack binary frames with
`?format=msgpack`. Each connection has a bounded send queue: a client that falls
that far behind is closed with code 4008 and never slows anyone else.
"""

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.ws.common import accept, send
from projections.base import Change
from projections.catalog import VIEW_NAMES

router = APIRouter()

HEARTBEAT = 20.0
QUEUE_FRAMES = 1_000
TOO_SLOW = 4008
BAD_REQUEST = 4400


def _operation_of(row: dict[str, Any] | None) -> Any:
    if row is None:
        return None
    return row.get("operation_id", row.get("properties", {}).get("operation_id"))


def _visible(change: Change, operation_id: str | None) -> bool:
    if operation_id is None or change.row is None:
        return True
    return _operation_of(change.row) in (operation_id, None)


def _delta(change: Change) -> dict[str, Any]:
    return {
        "view": change.view,
        "position": change.position,
        "key": change.key,
        "row": change.row,
    }


class Connection:
    """One client: its frames go through a bounded queue, sent by its own task."""

    def __init__(
        self, socket: WebSocket, binary: bool, size: int = QUEUE_FRAMES
    ) -> None:
        self.socket = socket
        self.binary = binary
        self.frames: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(size)
        self.too_slow = False

    def offer(self, frame: dict[str, Any]) -> None:
        try:
            self.frames.put_nowait(frame)
        except asyncio.QueueFull:
            self.too_slow = True
            with contextlib.suppress(asyncio.QueueFull):
                self.frames.get_nowait()
                self.frames.put_nowait(None)  # tell the sender to close

    async def send_all(self) -> None:
        while True:
            frame = await self.frames.get()
            if frame is None:
                code = TOO_SLOW if self.too_slow else 1000
                await self.socket.close(
                    code=code, reason="too slow" if self.too_slow else ""
                )
                return
            await send(self.socket, frame, self.binary)


@router.websocket("/ws/live")
async def live(socket: WebSocket, token: str = "", format: str = "json") -> None:
    service = socket.app.state.service
    if await accept(socket, token) is None:
        return
    size = socket.app.state.settings.live_queue_frames
    connection = Connection(socket, binary=format == "msgpack", size=size)
    try:
        request = await socket.receive_json()
    except (WebSocketDisconnect, ValueError):
        return
    views = request.get("views") if isinstance(request, dict) else None
    after = request.get("after") if isinstance(request, dict) else None
    operation_id = request.get("operation_id") if isinstance(request, dict) else None
    if (
        request.get("type") != "subscribe"
        or not isinstance(views, list)
        or not views
        or any(v not in VIEW_NAMES for v in views)
        or not (
            after is None or (isinstance(after, int) and not isinstance(after, bool))
        )
        or not (operation_id is None or isinstance(operation_id, str))
    ):
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

    loop = asyncio.get_running_loop()

    def on_changes(changes: list[Change]) -> None:  # the follower's thread
        loop.call_soon_threadsafe(_forward, changes)

    def _forward(changes: list[Change]) -> None:
        mine = [_delta(c) for c in changes if _visible(c, operation_id)]
        if mine:
            connection.offer({"type": "deltas", "changes": mine})

    deltas = service.follower.deltas
    subscription = deltas.subscribe(views, after, deliver=on_changes)
    metrics = socket.app.state.metrics
    metrics.subscribers.inc()
    try:
        if subscription.reset is not None:
            connection.offer(
                {
                    "type": "reset",
                    "position": subscription.reset.position,
                    "oldest": subscription.reset.oldest,
                }
            )
        if subscription.snapshots:
            for snapshot in subscription.snapshots:
                rows = {
                    k: r
                    for k, r in snapshot.rows.items()
                    if operation_id is None or _operation_of(r) in (operation_id, None)
                }
                connection.offer(
                    {
                        "type": "snapshot",
                        "view": snapshot.view,
                        "position": snapshot.position,
                        "rows": rows,
                    }
                )
        else:
            missed = [
                _delta(c) for c in subscription.missed if _visible(c, operation_id)
            ]
            connection.offer({"type": "deltas", "changes": missed, "resumed": True})
        sender = asyncio.create_task(connection.send_all())
        heartbeat = asyncio.create_task(_heartbeat(connection, deltas))
        receiver = asyncio.create_task(_drain(socket))
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sender, heartbeat, receiver):
            task.cancel()
    finally:
        subscription.close()
        metrics.subscribers.dec()
        if connection.too_slow:
            metrics.drops.inc()


async def _heartbeat(connection: Connection, deltas: Any) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        connection.offer({"type": "heartbeat", "position": deltas.position})


async def _drain(socket: WebSocket) -> None:
    """Read (and ignore) what the client sends, to notice when it goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive()
