"""What routes and sockets are given: the process's parts, and who is asking.

Each is a typed dependency (`Annotated[..., Depends(...)]`), the same for HTTP
routes and WebSocket endpoints; the parts come from the `Runtime` the app's
lifespan opened (`gateway/app.py`). They are `async` though they never wait:
FastAPI runs a plain function in its thread pool, a hop (and, for a thousand
sockets connecting at once, threads) that a lookup does not need.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, WebSocket
from starlette.requests import HTTPConnection

from domain.commands import Actor
from gateway.auth import Gate, Unauthenticated, sign_out
from gateway.bootstrap import Runtime
from gateway.errors import ApiError
from gateway.metrics import Metrics
from gateway.settings import Settings
from gateway.ws.fanout import Fanout
from replay.timetravel import TimeTravel


async def runtime(connection: HTTPConnection) -> Runtime:
    found: Runtime = connection.app.state.runtime
    return found


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


async def gate(runtime: RuntimeDep) -> Gate:
    """What tells a good token, and watches the sockets opened with one."""
    return runtime.gate


async def metrics(runtime: RuntimeDep) -> Metrics:
    return runtime.metrics


async def fanout(runtime: RuntimeDep) -> Fanout:
    return runtime.fanout


async def time_travel(runtime: RuntimeDep) -> TimeTravel:
    return runtime.time_travel


SettingsDep = Annotated[Settings, Depends(settings)]
GateDep = Annotated[Gate, Depends(gate)]
MetricsDep = Annotated[Metrics, Depends(metrics)]
FanoutDep = Annotated[Fanout, Depends(fanout)]
TimeTravelDep = Annotated[TimeTravel, Depends(time_travel)]


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header ("" if none)."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def actor(
    gate: GateDep, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    """The actor a bearer token names; 401 without a good one, saying why."""
    try:
        session = await gate.check(bearer(authorization))
    except Unauthenticated as refused:
        raise ApiError(
            401, "unauthenticated", refused.message, reason=refused.reason
        ) from None
    return session.actor


ActorDep = Annotated[Actor, Depends(actor)]


async def socket_actor(
    socket: WebSocket, gate: GateDep, token: str = ""
) -> AsyncIterator[Actor | None]:
    """The socket accepted, and the actor its token names; None: closed (4001).

    The token comes as `?token=` (a browser can set no header on a WebSocket) or
    as an `Authorization: Bearer` header. While the endpoint runs, the socket is
    closed (4001, reason `revoked` or `expired`) when its token stops being good.
    """
    try:
        session = await gate.check(token or bearer(socket.headers.get("authorization")))
    except Unauthenticated as refused:
        await socket.accept()
        await sign_out(socket, refused.reason)
        yield None
        return
    await socket.accept()
    with gate.watch(socket, session):
        yield session.actor


async def binary(format: str = "json") -> bool:
    """Whether a socket's frames are msgpack (`?format=msgpack`), not JSON text."""
    return format == "msgpack"


SocketActorDep = Annotated[Actor | None, Depends(socket_actor)]
BinaryDep = Annotated[bool, Depends(binary)]


async def caught_up(
    runtime: RuntimeDep, after: Annotated[int | None, Query(ge=0)] = None
) -> None:
    """`?after=<position>`: the read waits until the views hold the caller's write.

    A command's answer carries its events' position; the views fold them a moment
    later. Past a bound (2 s) the read answers what there is, and the
    answer's `position` says how far that is (`gateway/reached.py`).
    """
    if after is not None:
        await runtime.reached.wait(after)


CaughtUpDep = Annotated[None, Depends(caught_up)]
