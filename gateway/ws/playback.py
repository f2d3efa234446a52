"""/ws/playback: an operation's deltas played back from any moment, at a speed.

Protocol (docs/protocol.md, "Replay"): authenticate with `?token=` as on
/ws/live, then send `{"type": "subscribe", "views": [...], "operation_id": ...,
"position": P | "field_time": T, "speed": 1..1000, "paused": false}`. The server
answers with a `snapshot` per view at that moment and a `playback` status, then
`deltas` frames paced by field time. Later frames control it: `pause`, `resume`,
`speed`, and `seek` (answered by a `reset` and fresh snapshots). Frames are the
live socket's, so a client renders live and replay alike.
"""

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from gateway.deps import BinaryDep, SocketActorDep, TimeTravelDep
from gateway.frames import Unreadable, read_message
from gateway.schemas import (
    CONTROL,
    ChangeSpeed,
    Control,
    Pause,
    PlaybackSubscribe,
    Resume,
    Seek,
    said,
)
from gateway.ws.common import FORBIDDEN, refuse, send
from projections import access
from replay.playback import Pace, Player
from replay.timetravel import OutOfRange

if TYPE_CHECKING:
    from collections.abc import Mapping

router = APIRouter()

HEARTBEAT = 20.0
# Frames go out at most this often; events due in between share a frame.
TICK = 0.02
# A player this far behind its pace (a slow client) slows down rather than bursts.
LAG = 0.25
SUBSCRIBE = "send {type: subscribe, ...} first"
CONTROLS = "send pause, resume, speed or seek"


class BadFrame(ValueError):
    """A frame the protocol does not allow; the message says what to send."""


class Gone:
    """What the reader hands on last: the client has gone."""


GONE = Gone()
Heard = Control | BadFrame | Gone


@router.websocket("/ws/playback")
async def playback(
    socket: WebSocket, actor: SocketActorDep, binary: BinaryDep, travel: TimeTravelDep
) -> None:
    if actor is None:
        return
    message = await socket.receive()
    if message["type"] == "websocket.disconnect":
        return
    try:
        request = PlaybackSubscribe.model_validate(read_message(message, binary))
        if access.hidden(actor.role, request.views):
            why = access.refusal(actor.role, request.views)
            await refuse(socket, access.NOT_ALLOWED, why, binary, FORBIDDEN)
            return
        # The process's, made at startup with its seek points (gateway.bootstrap).
        player = Player(travel, request.views, request.operation_id)
        moment = request.moment() or {"position": 0}
        snapshots = await asyncio.to_thread(player.seek, **moment)
    except ValidationError as error:
        await refuse(socket, "bad_subscribe", said(error, SUBSCRIBE), binary)
        return
    except (Unreadable, OutOfRange) as error:
        await refuse(socket, "bad_subscribe", str(error), binary)
        return
    for frame in snapshots:
        await send(socket, frame, binary)
    session = Session(socket, binary, player, Pace(request.speed))
    session.playing = not request.paused
    await session.run()


def _control(message: "Mapping[str, Any]", binary: bool) -> Control | BadFrame:
    try:
        return CONTROL.validate_python(read_message(message, binary))
    except Unreadable as why:
        return BadFrame(f"{why}; {CONTROLS}")
    except ValidationError as error:
        return BadFrame(said(error, CONTROLS))


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
        self.controls: asyncio.Queue[Heard] = asyncio.Queue()

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            await self._anchor()
            await self._status()
            while True:
                control: Heard | None
                if not self.playing or self.ended:
                    control = await self._wait_for_control()
                else:
                    control = await self._play_until_control()
                if control is None:  # nothing came while playing: play on
                    continue
                if isinstance(control, Gone) or not await self._handle(control):
                    return
        except WebSocketDisconnect:
            return
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _wait_for_control(self) -> Heard:
        """The next control frame; a heartbeat every 20 s while there is none."""
        while True:
            try:
                return await asyncio.wait_for(self.controls.get(), HEARTBEAT)
            except TimeoutError:
                frame = {"type": "heartbeat", "position": self.player.position}
                await send(self.socket, frame, self.binary)

    async def _read(self) -> None:
        """Hand each control frame to the player's loop; GONE when the client left."""
        try:
            while True:
                message = await self.socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await self.controls.put(_control(message, self.binary))
        finally:
            await self.controls.put(GONE)

    async def _play_until_control(self) -> Heard | None:
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

    async def _handle(self, control: Control | BadFrame) -> bool:
        """Apply a control frame; False when the connection is closed for it."""
        try:
            if isinstance(control, BadFrame):
                raise control
            if isinstance(control, Pause):
                self.playing = False
            elif isinstance(control, Resume):
                self.playing, self.ended = True, False
                await self._anchor()
            elif isinstance(control, ChangeSpeed):
                if control.speed is not None:
                    self.pace.speed = control.speed
                await self._anchor()
            elif isinstance(control, Seek):
                await self._seek(control.moment())
        except (BadFrame, OutOfRange) as error:
            await refuse(self.socket, "bad_control", str(error), self.binary)
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
