"""POST /commands/<Name>: one endpoint per domain command, its body checked first.

The command id comes from the `Idempotency-Key` header (a UUID; a retry sends the
same one and gets the first outcome back), the actor from the bearer token, and
the field time from the body's `occurred_at` (default: now). Bodies are made
from the commands themselves (`gateway/schemas.py`). A command that issues a
token (`IssueToken`) answers with it too, signed from what was recorded (never
stored); an owner's token (`IssueOwnerToken`) with its link and QR code as well.
"""

import asyncio
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel

from domain import commands as c
from domain.types import Role
from gateway import enrolment
from gateway.credentials import token_for
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import STATUS, ApiError
from gateway.frames import Unreadable, read_json
from gateway.owner_links import owner_notice
from gateway.schemas import MODELS, Accepted, build

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from fastapi import Response

# A command's body: a 2,000-point route is about 60 KB, a 4,000-character message
# at most 24 KB of JSON escapes.
MAX_BODY = 1024 * 1024


class _ReadRequest(Request):
    """A request whose body was read within bounds and parsed once, by the route."""

    def __init__(self, request: Request, body: bytes, parsed: Any) -> None:
        super().__init__(request.scope, request.receive)
        self._read, self._parsed = body, parsed

    async def body(self) -> bytes:
        return self._read

    async def json(self) -> Any:
        return self._parsed


class CommandRoute(APIRoute):
    """A command's route: its body read and parsed within bounds before FastAPI.

    FastAPI reads a body whole, however long, and parses it with Python's JSON
    parser, which recurses once per level of nesting (a bare 400 for `[` x
    100,000); `gateway.frames` caps both, as on the sockets.
    """

    def get_route_handler(self) -> "Callable[[Request], Coroutine[Any, Any, Response]]":
        handle = super().get_route_handler()

        async def bounded(request: Request) -> "Response":
            body = await _body(request)
            try:
                parsed = read_json(body) if body else None
            except Unreadable as why:
                raise ApiError(
                    422,
                    "invalid_value",
                    f"body: {why}",
                    problems=[{"where": "body", "problem": str(why)}],
                ) from None
            return await handle(_ReadRequest(request, body, parsed))

        return bounded


async def _body(request: Request) -> bytes:
    """The body, or 413 `too_large` as soon as it is longer than MAX_BODY."""
    declared = request.headers.get("content-length", "")
    size, chunks = int(declared) if declared.isdigit() else 0, []
    if size <= MAX_BODY:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                break
            chunks.append(chunk)
    if size > MAX_BODY:
        why = f"a command's body is at most {MAX_BODY} bytes"
        raise ApiError(413, "too_large", why)
    return b"".join(chunks)


router = APIRouter(prefix="/commands", tags=["commands"], route_class=CommandRoute)


def _route(cls: type[c.Command], model: type[BaseModel]) -> None:
    async def send(
        body: model,  # type: ignore[valid-type]
        actor: ActorDep,
        runtime: RuntimeDep,
        request: Request,
        idempotency_key: Annotated[UUID | None, Header()] = None,
    ) -> Accepted:
        command = build(cls, body, actor, idempotency_key)
        outcome = await runtime.writer.send(command)
        runtime.metrics.count(outcome)
        if outcome.rejection is not None:
            why = outcome.rejection
            raise ApiError(
                STATUS.get(why.kind, 409),
                why.code,
                why.message,
                command_id=str(outcome.command_id),
                positions=list(outcome.positions),
                replayed=outcome.replayed,
            )
        result = dict(outcome.result)
        if cls.issues_token:
            result["token"] = token_for(runtime.keys, outcome.result)
            if result.get("role") == Role.OWNER:  # a link and QR code to print
                # About 20 ms of drawing: off the event loop the sockets share.
                base = runtime.settings.public_url or str(request.base_url)
                notice = await asyncio.to_thread(owner_notice, base, result["token"])
                result.update(notice)
        if cls is c.CreateEnrolment:  # its code, link and QR code, made again
            base = runtime.settings.public_url or str(request.base_url)
            result = enrolment.answer(runtime.keys, base, result)
        return Accepted(
            command_id=outcome.command_id,
            position=outcome.position,
            positions=list(outcome.positions),
            result=result,
            replayed=outcome.replayed,
        )

    router.add_api_route(
        f"/{cls.__name__}",
        send,
        methods=["POST"],
        response_model=Accepted,
        name=cls.__name__,
        summary=(cls.__doc__ or cls.__name__).strip().splitlines()[0],
    )


for _command, _model in MODELS.values():
    _route(_command, _model)


async def unknown_command(name: str, _: ActorDep) -> None:
    """Any other name: 422 `unknown_command`, as the field socket answers."""
    raise ApiError(
        422, "unknown_command", f"unknown command {name!r}; see GET /openapi.json"
    )


# Last, so every command's own route matches first; its body is never read.
router.add_api_route(
    "/{name}",
    unknown_command,
    methods=["POST"],
    include_in_schema=False,
    route_class_override=APIRoute,
)
