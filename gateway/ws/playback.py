"""/ws/playback: an operation's deltas played back from any moment, at a speed.

Protocol (docs/protocol.md, "Replay"): authenticate with `?token=` as on
/ws/live, then send `{"type": "subscribe", "views": [...], "operation_id": ...,
"position": P | "field_time": T, "speed": 1..1000, "paused": false}`. The server
answers with a `snapshot` per view at that moment and a `playback` status, then
`deltas` frames paced by field time. Later frames control it: `pause`, `resume`,
`speed`, and `seek` (answered by a `reset` and fresh snapshots). Frames are the
live socket's, so a client renders live and replay alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from gateway.ws.common import accept, send
from projections.catalog import VIEW_NAMES
from replay.playback import MAX_SPEED, MIN_SPEED, Pace, Player, check_speed
from replay.timetravel import OutOfRange

if TYPE_CHECKING:
    from replay.timetravel import TimeTravel

router = APIRouter()

BAD_REQUEST = 4400
HEARTBEAT = 20.0
# What the reader hands on when the client has gone (compared by identity).
CLOSED: dict[str, Any] = {"type": "closed"}
# Frames go out at most this often; events due in between share a frame.
TICK = 0.02
# A player this far behind its pace (a slow client) slows down rather than bursts.
LAG = 0.25


class BadFrame(ValueError):
    """A frame the protocol does not allow; the message says what to send."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _moment(frame: dict[str, Any]) -> dict[str, Any]:
    """The moment a frame names: {"position": P} or {"field_time": T}, or none."""
    position, field_time = frame.get("position"), frame.get("field_time")
    if position is not None and field_time is not None:
        raise BadFrame("give a position or a field_time, not both")
    if position is not None:
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise BadFrame("position must be a whole number, 0 or more")
        return {"position": position}
    if field_time is not None:
        try:
            when = datetime.fromisoformat(field_time)
        except (TypeError, ValueError):
            raise BadFrame("field_time must be ISO 8601 with a time zone") from None
        if when.utcoffset() is None:
            raise BadFrame("field_time must be ISO 8601 with a time zone")
        return {"field_time": when}
    return {}


def _speed(frame: dict[str, Any], default: float) -> float:
    speed = frame.get("speed", default)
    if not _number(speed):
        raise BadFrame(f"speed must be a number from {MIN_SPEED:g} to {MAX_SPEED:g}")
    try:
        return check_speed(float(speed))
    except ValueError as error:
        raise BadFrame(str(error)) from None


def _subscription(request: Any) -> tuple[list[str], str | None, dict[str, Any], float]:
    if not isinstance(request, dict) or request.get("type") != "subscribe":
        raise BadFrame("send {type: subscribe, ...} first")
    views, operation_id = request.get("views"), request.get("operation_id")
    if (
        not isinstance(views, list)
        or not views
        or any(v not in VIEW_NAMES for v in views)
    ):
        raise BadFrame(f"views: a list of {', '.join(VIEW_NAMES)}")
    if not (operation_id is None or isinstance(operation_id, str)):
        raise BadFrame("operation_id must be a string")
    if not isinstance(request.get("paused", False), bool):
        raise BadFrame("paused must be true or false")
    return views, operation_id, _moment(request), _speed(request, MIN_SPEED)


async def _error(socket: WebSocket, code: str, message: str) -> None:
    await socket.send_json({"type": "error", "code": code, "message": message})
    await socket.close(code=BAD_REQUEST)


@router.websocket("/ws/playback")
async def playback(socket: WebSocket, token: str = "", format: str = "json") -> None:
    if await accept(socket, token) is None:
        return
    binary = format == "msgpack"
    message = await socket.receive()
    if message["type"] == "websocket.disconnect":
        return
    try:
        try:
            request = json.loads(message.get("text") or "")
        except ValueError:
            raise BadFrame("frames are JSON text") from None
        views, operation_id, moment, speed = _subscription(request)
        # The process's, made at startup with its seek points (gateway.app).
        travel: TimeTravel = socket.app.state.time_travel
        player = Player(travel, views, operation_id)
        snapshots = await asyncio.to_thread(player.seek, **(moment or {"position": 0}))
    except (BadFrame, OutOfRange) as error:
        await _error(socket, "bad_subscribe", str(error))
        return
    for frame in snapshots:
        await send(socket, frame, binary)
    session = Session(socket, binary, player, Pace(speed))
    session.playing = not request.get("paused", False)
    await session.run()


class Session:
    """One playback connection: a reader of control frames and a paced sender."""

    def __init__(
        self, socket: WebSocket, binary: bool, player: Player, pace: Pace
    ) -> None:
        self.socket = socket
        self.binary = binary
        self.player = player
        self.pace = pace
        self.playing = True
        self.ended = False
        self.controls: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            await self._anchor()
            await self._status()
            while True:
                control: dict[str, Any] | None
                if not self.playing or self.ended:
                    control = await self._wait_for_control()
                else:
                    control = await self._play_until_control()
                if control is None:  # nothing came while playing: play on
                    continue
                if control is CLOSED or not await self._handle(control):
                    return
        except WebSocketDisconnect:
            return
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _wait_for_control(self) -> dict[str, Any]:
        """The next control frame; a heartbeat every 20 s while there is none."""
        while True:
            try:
                return await asyncio.wait_for(self.controls.get(), HEARTBEAT)
            except TimeoutError:
                frame = {"type": "heartbeat", "position": self.player.position}
                await send(self.socket, frame, self.binary)

    async def _read(self) -> None:
        """Hand each control frame to the player's loop; CLOSED when the client left."""
        try:
            while True:
                message = await self.socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                try:
                    frame = json.loads(text) if text is not None else None
                except ValueError:
                    frame = None
                await self.controls.put(
                    frame if isinstance(frame, dict) else {"type": None}
                )
        finally:
            await self.controls.put(CLOSED)

    async def _play_until_control(self) -> dict[str, Any] | None:
        """Send the frames that are due; return a control frame if one arrived."""
        due = await asyncio.to_thread(self.player.next_due)
        if due is None:
            self.ended = True
            await self._status()
            return None
        wait = self.pace.wall_at(due) - time.monotonic()
        if wait > 0:
            try:
                return await asyncio.wait_for(self.controls.get(), max(wait, TICK))
            except TimeoutError:
                pass
        elif wait < -LAG:
            self.pace.anchor(due, time.monotonic())
        until = self.pace.field_at(time.monotonic())
        frame = await asyncio.to_thread(self.player.advance, until)
        if frame is not None:
            await send(self.socket, frame, self.binary)
        return self.controls.get_nowait() if not self.controls.empty() else None

    async def _handle(self, control: dict[str, Any]) -> bool:
        """Apply a control frame; False when the connection is closed for it."""
        kind = control.get("type")
        try:
            if kind == "pause":
                self.playing = False
            elif kind == "resume":
                self.playing, self.ended = True, False
                await self._anchor()
            elif kind == "speed":
                self.pace.speed = _speed(control, self.pace.speed)
                await self._anchor()
            elif kind == "seek":
                moment = _moment(control)
                if not moment:
                    raise BadFrame("seek needs a position or a field_time")
                await self._seek(moment)
            else:
                raise BadFrame("send pause, resume, speed or seek")
        except (BadFrame, OutOfRange) as error:
            await _error(self.socket, "bad_control", str(error))
            return False
        await self._status()
        return True

    async def _seek(self, moment: dict[str, Any]) -> None:
        snapshots = await asyncio.to_thread(lambda: self.player.seek(**moment))
        self.ended = False
        await send(
            self.socket,
            {"type": "reset", "position": self.player.position, "reason": "seek"},
            self.binary,
        )
        for frame in snapshots:
            await send(self.socket, frame, self.binary)
        await self._anchor()

    async def _anchor(self) -> None:
        """Start the field clock again from where the player stands, now."""
        clock = self.player.clock
        if clock == float("-inf"):  # the start of the log: begin at the first event
            first = await asyncio.to_thread(self.player.next_due)
            clock = 0.0 if first is None else first
        self.pace.anchor(clock, time.monotonic())

    async def _status(self) -> None:
        field_time = self.player.field_time
        state = "ended" if self.ended else "playing" if self.playing else "paused"
        await send(
            self.socket,
            {
                "type": "playback",
                "state": state,
                "position": self.player.position,
                "field_time": None if field_time is None else field_time.isoformat(),
                "speed": self.pace.speed,
            },
            self.binary,
        )
