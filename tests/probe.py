"""How a bad-input case is sent and judged: over HTTP or a fresh socket, the
error it gets and the close code, and that the server stored nothing for it."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import msgpack
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx
    from conftest import Api
    from websockets.sync.client import ClientConnection


def head(api: Api) -> int:
    """The store's last position, read from the server's own store."""
    assert api.app is not None
    return int(api.app.state.runtime.brigade.recorder.max_notification_id() or 0)


def blob_files(api: Api) -> int:
    assert api.app is not None
    root: Path = api.app.state.runtime.settings.data_dir / "blobs"
    return sum(1 for p in root.rglob("*") if p.is_file())


@contextmanager
def stores_nothing(api: Api) -> Iterator[None]:
    """The case stores no event and no blob, and the server answers afterwards."""
    before = head(api), blob_files(api)
    yield
    assert (head(api), blob_files(api)) == before, "something was stored"
    assert api.http.get("/health").json() == {"status": "ok"}


def ws_url(api: Api, path: str, query: str = "", role: Role = Role.COMMANDER) -> str:
    token = api.bearer(role)
    return api.url.replace("http://", "ws://") + f"{path}?token={token}{query}"


def socket(api: Api, path: str, query: str = "") -> ClientConnection:
    return connect(ws_url(api, path, query), open_timeout=10, max_size=2**25)


def decoded(frame: str | bytes) -> Any:
    return msgpack.unpackb(frame) if isinstance(frame, bytes) else json.loads(frame)


def error_then_close(ws: ClientConnection) -> tuple[Any, int | None]:
    """The error frame a refused socket gets, and the code it is closed with."""
    error = decoded(ws.recv(timeout=10))
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    return error, closed.value.rcvd.code if closed.value.rcvd else None


def post(api: Api, command: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    """POST a command's body as JSON with its escapes, lone surrogates and all."""
    return api.http.post(
        f"/commands/{command}",
        content=json.dumps(body).encode(),
        headers={**headers, "Content-Type": "application/json"},
    )


def refused(
    api: Api, path: str, query: str, frame: str | bytes
) -> tuple[Any, int | None]:
    """Send one frame on a new socket: the error it gets and the close code."""
    with stores_nothing(api), socket(api, path, query) as ws:
        ws.send(frame)
        return error_then_close(ws)
