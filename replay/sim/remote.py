"""Playing a simulation into a running server over its real HTTP and WebSocket API.

The commander's commands go as `POST /commands/<Name>` (the command id as the
`Idempotency-Key`), image bytes as `POST /images`; each volunteer's field actions
go over their own `/ws/field` socket, as a phone would, with a token the server
issues them (`IssueToken`, sent with the commander's token).

Commands are sent concurrently, yet never ahead of what they depend on: each
waits for the answers to earlier commands about the same aggregates (the
incident, the volunteer, the premises; resolving an incident also changes everyone
sent to it), commands in an operation wait for its opening, and closing an
operation waits for everything before it. A socket that
drops is reopened and its unanswered frames sent again with the same ids, which
the server answers once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import random
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from domain import commands as c
from domain.ids import uuid7
from domain.types import Role
from replay.sim.drive import Result

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from websockets.asyncio.client import ClientConnection

    from replay.sim import Planned

RETRIES = 8
# How long the volunteers' tokens the simulator is issued last: a run, with room.
VOLUNTEER_TTL = 86_400
# Close codes that reconnecting cannot cure: a bad token, an unreadable frame.
REFUSED = {4001, 4400}


class RemoteError(RuntimeError):
    """The server could not be reached, or answered what no client should get."""


def body(command: c.Command) -> dict[str, Any]:
    """The command's fields as JSON, with its field time."""
    fields = {
        f.name: _json(getattr(command, f.name))
        for f in dataclasses.fields(command)
        if f.name not in c.ENVELOPE
    }
    fields["occurred_at"] = command.occurred_at.isoformat()
    return fields


def _json(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _keys(command: c.Command) -> tuple[list[UUID], list[UUID]]:
    """The aggregates a command changes, and those it only reads."""
    writes: list[UUID] = []
    reads: list[UUID] = []
    opens = isinstance(command, c.OpenOperation | c.CloseOperation)
    for f in dataclasses.fields(command):
        value = getattr(command, f.name)
        if f.name == "command_id":
            continue
        if isinstance(value, UUID):
            (writes if f.name != "operation_id" or opens else reads).append(value)
        elif isinstance(value, list) and value and isinstance(value[0], UUID):
            reads.extend(value)  # activity participants: their vetting is read
    return writes, reads


class FieldSocket:
    """One volunteer's phone: frames out, answers matched back by id."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.unanswered: dict[str, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        self.socket: ClientConnection | None = None
        self.task = asyncio.create_task(self._run())

    async def send(self, frame_id: str, frame: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(frame)
        future: asyncio.Future[dict[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        self.unanswered[frame_id] = (text, future)
        # Not connected yet: _run sends every unanswered frame once it is.
        if self.socket is not None:
            with contextlib.suppress(ConnectionClosed):
                await self.socket.send(text)  # if it drops, _run sends it again
        return await future

    async def _run(self) -> None:
        failures = 0
        why = "keeps failing"
        while failures < RETRIES:
            try:
                async with connect(self.url, open_timeout=20) as socket:
                    self.socket = socket  # from now on, send() sends its own
                    for text, _ in list(self.unanswered.values()):
                        await socket.send(text)
                    async for message in socket:
                        failures = 0  # it works: a later drop starts counting again
                        answer = json.loads(message)
                        pending = self.unanswered.pop(str(answer.get("id")), None)
                        if pending is not None and not pending[1].done():
                            pending[1].set_result(answer)
            except ConnectionClosed as closed:
                if closed.rcvd is not None and closed.rcvd.code in REFUSED:
                    why = f"was closed by the server: {closed.rcvd.code} "
                    why += closed.rcvd.reason
                    break
            except (OSError, InvalidHandshake):
                pass
            # Closed, cleanly or not: open it again and resend what is unanswered,
            # after the pause docs/protocol.md asks of phones (backoff with jitter).
            self.socket = None
            await asyncio.sleep(min(30.0, 0.5 * 2**failures) * random.uniform(0.5, 1))
            failures += 1
        error = RemoteError(f"the field socket {self.url.split('?')[0]} {why}")
        for _, future in list(self.unanswered.values()):
            if not future.done():
                future.set_exception(error)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


class RemoteSink:
    """Sends each planned command to a server; `send` keeps the stream's order."""

    def __init__(
        self,
        url: str,
        commander_token: str,
        # The volunteers' tokens; by default the server issues them (IssueToken).
        volunteer_token: Callable[[str], str] | None = None,
        *,
        connections: int = 16,
    ) -> None:
        self.url = url.rstrip("/")
        self.commander = {"Authorization": f"Bearer {commander_token}"}
        self.volunteer_token = volunteer_token
        self.http = httpx.AsyncClient(
            base_url=self.url,
            timeout=60,
            limits=httpx.Limits(max_connections=connections),
        )
        # httpx's pool scans every queued request on each hand-out: keep the queue
        # as short as the pool, or thousands of waiting requests cost seconds of CPU.
        self.slots = asyncio.Semaphore(connections)
        self.sockets: dict[str, FieldSocket] = {}
        self.tokens: dict[str, asyncio.Future[str]] = {}
        self.last: dict[UUID, asyncio.Future[Result]] = {}
        # Who was sent to each incident: resolving it releases them all.
        self.teams: dict[UUID, set[UUID]] = {}
        self.pending: set[asyncio.Future[Result]] = set()

    def send(self, planned: Planned) -> Awaitable[Result]:
        command = planned.command
        writes, reads = _keys(command)
        if isinstance(command, c.DispatchVolunteer):
            self.teams.setdefault(command.incident_id, set()).add(command.volunteer_id)
        elif isinstance(command, c.ResolveIncident):
            writes.extend(sorted(self.teams.pop(command.incident_id, set())))
        if isinstance(command, c.CloseOperation):
            after = list(self.pending)
        else:
            after = [self.last[k] for k in (*writes, *reads) if k in self.last]
        actor = command.actor
        if actor.role is Role.VOLUNTEER and actor.id not in self.tokens:
            # Their first field action: a token, once what came before about them
            # (their registration first) is done; only the registered get one.
            earlier = self.last.get(UUID(actor.id))
            issuing = asyncio.ensure_future(self._token(actor.id, earlier))
            self.tokens[actor.id] = issuing
        task = asyncio.ensure_future(self._send(planned, after))
        for key in writes:
            self.last[key] = task
        self.pending.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Future[Result]) -> None:
        self.pending.discard(task)
        if not task.cancelled():
            # Seen here: once play stops at a first error, the rest are not awaited.
            task.exception()

    async def _send(
        self, planned: Planned, after: list[asyncio.Future[Result]]
    ) -> Result:
        if after:
            await asyncio.wait(after)
        command = planned.command
        if planned.blob is not None:
            await self._upload(planned.blob)
        actor = command.actor
        if actor.role is Role.VOLUNTEER:
            return await self._field(actor.id, command)
        return await self._post(command)

    async def _upload(self, data: bytes) -> None:
        response = await self._retry("/images", content=data)
        if response.status_code != 201:
            raise RemoteError(f"image upload refused: {response.text}")

    async def _post(self, command: c.Command) -> Result:
        response = await self._retry(
            f"/commands/{type(command).__name__}",
            json=body(command),
            headers={"Idempotency-Key": str(command.command_id)},
        )
        try:
            answer = response.json()
        except ValueError:
            raise RemoteError(f"{response.status_code} {response.text[:200]}") from None
        if response.status_code == 200:
            return Result(None, "", answer["position"], answer["replayed"])
        if response.status_code >= 500 or "code" not in answer:
            raise RemoteError(f"{response.status_code} {response.text}")
        return Result(answer["code"], answer.get("message", ""))

    async def _retry(self, path: str, **request: Any) -> httpx.Response:
        headers = {**self.commander, **request.pop("headers", {})}
        for attempt in range(RETRIES):
            try:
                async with self.slots:
                    response = await self.http.post(path, headers=headers, **request)
            except httpx.TransportError:
                await asyncio.sleep(min(30.0, 0.5 * 2**attempt))
                continue
            if response.status_code != 503:
                return response
            await asyncio.sleep(min(30.0, 0.5 * 2**attempt))
        raise RemoteError(f"{self.url}{path} does not answer")

    async def _token(
        self, volunteer: str, earlier: asyncio.Future[Result] | None = None
    ) -> str:
        """The volunteer's token: as given, or issued by the server for this run."""
        if earlier is not None:
            await asyncio.wait([earlier])
        if self.volunteer_token is not None:
            return self.volunteer_token(volunteer)
        response = await self._retry(
            "/commands/IssueToken",
            json={
                "role": Role.VOLUNTEER.value,
                "volunteer_id": volunteer,
                "name": "simulator",
                "ttl_seconds": VOLUNTEER_TTL,
            },
            headers={"Idempotency-Key": str(uuid7())},
        )
        if response.status_code != 200:
            raise RemoteError(f"no token for volunteer {volunteer}: {response.text}")
        token: str = response.json()["result"]["token"]
        return token

    async def _socket(self, volunteer: str) -> FieldSocket:
        """The volunteer's phone: one token and one socket, however many ask at once."""
        token = await self.tokens[volunteer]  # asked for as their first action was sent
        socket = self.sockets.get(volunteer)
        if socket is None:
            ws = self.url.replace("http", "ws", 1)
            socket = self.sockets[volunteer] = FieldSocket(
                f"{ws}/ws/field?token={token}"
            )
        return socket

    async def _field(self, volunteer: str, command: c.Command) -> Result:
        socket = self.sockets.get(volunteer) or await self._socket(volunteer)
        frame_id = str(command.command_id)
        answer = await socket.send(
            frame_id,
            {"id": frame_id, "command": type(command).__name__, "body": body(command)},
        )
        if answer.get("type") == "ack":
            return Result(None, "", answer["position"], answer["replayed"])
        if answer.get("type") == "rejected":
            return Result(answer["code"], answer.get("message", ""))
        raise RemoteError(f"unexpected answer {answer}")

    async def views(self, name: str, operation_id: UUID) -> dict[str, Any]:
        """A view's rows for one operation, once the server's views have caught up."""
        for attempt in range(200):
            ready = await self.http.get("/ready")
            if ready.status_code == 200:
                break
            await asyncio.sleep(min(1.0, 0.05 * (attempt + 1)))
        response = await self.http.get(
            f"/views/{name}",
            params={"operation_id": str(operation_id)},
            headers=self.commander,
        )
        response.raise_for_status()
        rows: dict[str, Any] = response.json()["rows"]
        return rows

    async def close(self) -> None:
        """Stop: commands still waiting are cancelled (after an error, say)."""
        for issuing in self.tokens.values():
            issuing.cancel()
        await asyncio.gather(*self.tokens.values(), return_exceptions=True)
        for task in list(self.pending):
            task.cancel()
        # Collected, so that no task's error is left unretrieved.
        await asyncio.gather(*self.pending, return_exceptions=True)
        for socket in list(self.sockets.values()):
            await socket.close()
        await self.http.aclose()
