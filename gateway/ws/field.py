"""/ws/field: a volunteer's phone streams commands and gets each one acknowledged.

Frames (JSON text, or msgpack binary with `?format=msgpack`):
`{"id": "<uuid>", "command": "<Name>", "body": {...}}`. The id is the command id:
a phone that lost an ack sends the same frame again and gets the first outcome
back, `replayed: true`, with nothing appended. Each command gets one answer:
`{"type": "ack", "id", "position", "positions", "result", "replayed"}` once its
events are durable, or `{"type": "rejected", "id", "code", "message"}`. With
`?batch=1` every server frame is a list of such answers: those ready together go
out together (one write, not one per command). `UploadImage` carries an image's
bytes (base64, or msgpack bin); the gateway checks and stores them and records
the image on the incident as `RecordImage` with the same id. A frame that cannot
be read at all gets `{"type": "error", "code": "malformed_frame"}` and the
connection is closed (4400); anything else leaves it open. At most IN_FLIGHT
answers per connection may be owed: past that the server stops reading, and the
phone's sends slow down (back-pressure).
"""

import asyncio
import contextlib
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from domain.write import WriterClosed
from gateway.deps import BinaryDep, MetricsDep, RuntimeDep, SocketActorDep
from gateway.errors import STATUS, failure
from gateway.frames import Unreadable, read_message
from gateway.schemas import MODELS, UPLOAD, build, problem
from gateway.ws.common import BAD_REQUEST, closed, send
from gateway.ws.upload import Refused, Uploaded, upload

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from domain.commands import Actor, Command
    from domain.outcome import Outcome
    from gateway.bootstrap import Runtime
    from gateway.metrics import Metrics

router = APIRouter()

IN_FLIGHT = 256
MALFORMED = BAD_REQUEST


@router.websocket("/ws/field")
async def field(
    socket: WebSocket,
    actor: SocketActorDep,
    binary: BinaryDep,
    runtime: RuntimeDep,
    metrics: MetricsDep,
    batch: bool = False,
) -> None:
    if actor is None:
        return
    phone = Phone(socket, actor, runtime, metrics, binary=binary, batch=batch)
    await phone.serve()


class Phone:
    """One volunteer's connection: commands in, answers out through one sender task.

    A command costs no task: the writer replies on the loop with the outcomes of
    a whole group commit in one call, each becomes an answer in the outbox, and
    the sender writes everything the outbox holds when it next runs, so the
    outcomes of one group commit leave together.
    """

    def __init__(
        self,
        socket: WebSocket,
        actor: "Actor",
        runtime: "Runtime",
        metrics: "Metrics",
        *,
        binary: bool,
        batch: bool,
    ) -> None:
        self.socket = socket
        self.actor = actor
        self.binary = binary
        self.batch = batch
        self.runtime = runtime
        self.metrics = metrics
        self.outbox: list[dict[str, Any]] = []
        self.owed = 0  # commands read whose answer has not been written yet
        self.wake = asyncio.Event()
        self.room = asyncio.Event()
        self.room.set()
        self.closing = False
        self.gone = False
        self.running = 0  # commands with the writer (or uploads) not yet decided
        self.idle = asyncio.Event()
        self.uploads: set[asyncio.Future[Any]] = set()
        self.sender: asyncio.Task[None] | None = None

    async def serve(self) -> None:
        sender = self.sender = asyncio.create_task(self._send_all())
        try:
            await self._read_all()
        except WebSocketDisconnect:
            self.gone = True
        finally:
            while self.running:  # commands already sent are stored even if it has gone
                self.idle.clear()
                await self.idle.wait()
            self.closing = True
            self.wake.set()
            await sender

    async def _read_all(self) -> None:
        receive = self.socket.receive
        while True:
            while self.owed >= IN_FLIGHT:
                self.room.clear()
                await self.room.wait()
            message = await receive()
            # Closed by the server (its token revoked): what it sent after, unread.
            if message["type"] == "websocket.disconnect" or closed(self.socket):
                self.gone = True
                return
            self.owed += 1
            try:
                frame = read_message(message, self.binary)
                if not isinstance(frame, dict):
                    raise Unreadable("a frame is an object: {id, command, body}")
            except Unreadable as why:
                await self._close_malformed(str(why))
                return
            self._take(frame)

    def _take(self, frame: dict[str, Any]) -> None:
        """Check one command and hand it to the writer, or answer why not."""
        raw_id = frame.get("id")
        try:
            command_id = UUID(str(raw_id))
        except ValueError:
            self._reject(str(raw_id or ""), "invalid_value", "id must be a UUID", 422)
            return
        frame_id = str(raw_id)
        name = frame.get("command")
        body = frame.get("body") or {}
        if not isinstance(body, dict):
            self._reject(frame_id, "invalid_value", "body must be an object", 422)
            return
        if name == UPLOAD:
            self._upload(upload(self.runtime, self.actor, command_id, body), frame_id)
            return
        found = MODELS.get(name) if isinstance(name, str) else None
        if found is None:
            self._reject(frame_id, "unknown_command", f"unknown command {name!r}", 422)
            return
        cls, model = found
        if cls.issues_token:  # its answer, the token, is given over HTTP only
            self._reject(frame_id, "unknown_command", f"send {name} over HTTP", 422)
            return
        try:
            checked = model.model_validate(body)
        except ValidationError as error:
            self._reject(frame_id, "invalid_value", problem(error), 422)
            return
        self._submit(build(cls, checked, self.actor, command_id), frame_id)

    def _submit(self, command: "Command", frame_id: str) -> None:
        try:
            self.runtime.writer.post(command, partial(self._settled, frame_id))
        except WriterClosed:  # the server is stopping
            self._reject(frame_id, "internal_error", "try again later", 500)
            return
        self.running += 1

    def _upload(self, upload: "Coroutine[Any, Any, Any]", frame_id: str) -> None:
        self.running += 1
        task = asyncio.ensure_future(upload)
        self.uploads.add(task)  # held: the loop keeps only a weak reference
        task.add_done_callback(partial(self._uploaded, frame_id))

    def _uploaded(self, frame_id: str, task: asyncio.Future[Any]) -> None:
        self.uploads.discard(task)
        if task.cancelled():
            self._settled(frame_id, asyncio.CancelledError())
        else:
            self._settled(frame_id, task.exception() or task.result())

    def _settled(
        self, frame_id: str, found: "Outcome | Uploaded | Refused | BaseException"
    ) -> None:
        self.running -= 1
        if not self.running:
            self.idle.set()
        if isinstance(found, asyncio.CancelledError):
            return
        if isinstance(found, BaseException):  # the store is away (503), or a bug (500)
            why = failure(found)
            self._reject(frame_id, why.code, why.message, why.status)
        elif isinstance(found, Refused):
            self._reject(frame_id, found.code, found.message, found.status)
        elif isinstance(found, Uploaded):
            self._answer(frame_id, found.outcome, found.image.as_dict())
        else:
            self._answer(frame_id, found)

    def _answer(
        self, frame_id: str, outcome: "Outcome", image: dict[str, Any] | None = None
    ) -> None:
        self.metrics.count(outcome)
        why = outcome.rejection
        if why is not None:
            self._push(
                {
                    "type": "rejected",
                    "id": frame_id,
                    "code": why.code,
                    "message": why.message,
                    "status": STATUS.get(why.kind, 409),
                    "replayed": outcome.replayed,
                }
            )
            return
        self._push(
            {
                "type": "ack",
                "id": frame_id,
                "position": outcome.position,
                "positions": list(outcome.positions),
                "result": {**outcome.result, **(image or {})},
                "replayed": outcome.replayed,
            }
        )

    def _reject(self, frame_id: str, code: str, message: str, status: int) -> None:
        self._push(
            {
                "type": "rejected",
                "id": frame_id,
                "code": code,
                "message": message,
                "status": status,
            }
        )

    def _push(self, answer: dict[str, Any]) -> None:
        self.outbox.append(answer)
        self.wake.set()

    async def _send_all(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            answers, self.outbox = self.outbox, []
            if answers and not self.gone:
                try:
                    if self.batch:
                        await self._write(answers)
                    else:
                        for answer in answers:
                            await self._write(answer)
                except (WebSocketDisconnect, RuntimeError, OSError):
                    self.gone = True
            self.owed -= len(answers)
            if self.owed < IN_FLIGHT:
                self.room.set()
            if self.closing and not self.outbox:
                return

    async def _write(self, frame: dict[str, Any] | list[dict[str, Any]]) -> None:
        await send(self.socket, frame, self.binary)

    async def _close_malformed(self, why: str) -> None:
        self._push({"type": "error", "code": "malformed_frame", "message": why})
        self.closing = True  # the sender writes what it holds, the error last, and ends
        self.wake.set()
        if self.sender is not None:
            await self.sender
        self.gone = True
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await self.socket.close(code=MALFORMED)
