"""What routes and sockets are given: the process's parts, and who is asking.

Each is a typed dependency (`Annotated[..., Depends(...)]`), the same for HTTP
routes and WebSocket endpoints; the parts come from the `Runtime` the app's
lifespan opened (`gateway/app.py`). They are `async` though they never wait:
FastAPI runs a plain function in its thread pool, a hop (and, for a thousand
sockets connecting at once, threads) that a lookup does not need.
"""

from typing import Annotated

from fastapi import Depends, Header, WebSocket
from starlette.requests import HTTPConnection

from domain.commands import Actor
from gateway.bootstrap import Runtime
from gateway.errors import ApiError
from gateway.metrics import Metrics
from gateway.settings import Settings
from gateway.tokens import read_token
from gateway.ws.common import accept
from gateway.ws.fanout import Fanout
from replay.timetravel import TimeTravel


async def runtime(connection: HTTPConnection) -> Runtime:
    found: Runtime = connection.app.state.runtime
    return found


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


async def signing_key(runtime: RuntimeDep) -> bytes:
    """The key tokens are signed with."""
    return runtime.signing_key


async def metrics(runtime: RuntimeDep) -> Metrics:
    return runtime.metrics


async def fanout(runtime: RuntimeDep) -> Fanout:
    return runtime.fanout


async def time_travel(runtime: RuntimeDep) -> TimeTravel:
    return runtime.time_travel


SettingsDep = Annotated[Settings, Depends(settings)]
SigningKeyDep = Annotated[bytes, Depends(signing_key)]
MetricsDep = Annotated[Metrics, Depends(metrics)]
FanoutDep = Annotated[Fanout, Depends(fanout)]
TimeTravelDep = Annotated[TimeTravel, Depends(time_travel)]


async def actor(
    key: SigningKeyDep, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    """The actor a bearer token names; 401 without a valid one."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    found = read_token(key, token.strip())
    if found is None:
        raise ApiError(401, "unauthenticated", "the token is not valid here")
    return found


ActorDep = Annotated[Actor, Depends(actor)]


async def socket_actor(
    socket: WebSocket, key: SigningKeyDep, token: str = ""
) -> Actor | None:
    """The socket accepted, and the actor its `?token=` names; None: closed (4001)."""
    return await accept(socket, token, key)


async def binary(format: str = "json") -> bool:
    """Whether a socket's frames are msgpack (`?format=msgpack`), not JSON text."""
    return format == "msgpack"


SocketActorDep = Annotated[Actor | None, Depends(socket_actor)]
BinaryDep = Annotated[bool, Depends(binary)]
