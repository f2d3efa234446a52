"""No token, nor any part of one, in any log line: every HTTP route and all three
sockets called with tokens (good, expired, forged), on a server in this process
(every record, caplog) and on a real `brigade serve` (its stderr)."""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from conftest import Api, gateway_processes, serving
from websockets.sync.client import connect

from domain.types import Role
from gateway.app import create_app
from gateway.settings import Settings
from gateway.tokens import sign

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    import pytest
    from starlette.routing import BaseRoute

SOCKETS = ("/ws/live", "/ws/field", "/ws/playback")
# Where a route names something, something of the right shape.
PARAMETERS = {"name": "board", "sha256": "0" * 64, "operation": "Doksuri"}
PARAMETERS["identifier"] = "brigade-0-1"  # a CAP alert (gateway/routes/cap.py)
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# The test's own clients log what they send: not the server's log.
CLIENTS = ("websockets.client", "httpx", "httpcore")


def routes(found: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of the app, those of included routers too."""
    for route in found:
        inner = getattr(route, "original_router", None)
        yield from routes(inner.routes) if inner is not None else [route]


def http_routes() -> list[tuple[str, str]]:
    """(method, path) of every HTTP route the app serves, its parameters filled."""
    called = [("GET", "/web/js/main.js")]
    for route in routes(create_app().routes):
        methods = getattr(route, "methods", None)
        if methods:
            path = re.sub(r"{(\w+)}", lambda m: PARAMETERS[m[1]], route.path)  # type: ignore[attr-defined]
            called += [(method, path) for method in sorted(methods - {"HEAD"})]
    return called


def tokens(api: Api) -> list[str]:
    """A good token of each role, an expired one, one forged, one not ASCII."""
    volunteer = api.commander("RegisterVolunteer", name="Xu Ming", contact="+86")
    good = [
        api.bearer(Role.COMMANDER),
        api.bearer(Role.OBSERVER, "wall"),
        api.bearer(Role.VOLUNTEER, volunteer["result"]["volunteer_id"]),
    ]
    claims = api.issue(Role.OBSERVER, "old screen").claims
    expired = sign(api.keys, replace(claims, expires_at=int(time.time()) - 60))
    head, body, signature = good[1].split(".")
    forged = f"{head}.{body}.{signature[::-1]}"
    return [*good, expired, forged, f"{head}.{body}.{signature[:-1]}é"]


def secrets_of(token: str) -> list[str]:
    """The token and each of its parts (long enough to mean something)."""
    return [part for part in (token, *token.split(".")) if len(part) >= 8]


def call_everything(api: Api, token: str) -> None:
    """Every HTTP route with the token (header and query); every socket with it."""
    headers = [(b"Authorization", b"Bearer " + token.encode())]
    query = {"token": token}
    for method, path in http_routes():
        api.http.request(method, path, headers=headers, params=query, json={})
    base = api.url.replace("http://", "ws://")
    for path in SOCKETS:
        for url, extra in (
            (f"{base}{path}?token={token.replace('é', '%C3%A9')}", {}),
            (
                f"{base}{path}",
                {"Authorization": f"Bearer {token.encode().decode('latin-1')}"},
            ),
        ):
            with (
                contextlib.suppress(Exception),
                connect(url, open_timeout=10, additional_headers=extra) as ws,
            ):
                ws.send('{"type": "subscribe", "views": ["board"], "paused": true}')
                ws.recv(timeout=2)


def leaks(text: str, used: list[str]) -> list[str]:
    return [part for token in used for part in secrets_of(token) if part in text]


def test_a_server_logs_no_part_of_any_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    with serving(settings, log_level="debug") as api:
        for name in LOGGERS:  # uvicorn's own loggers do not propagate to caplog's
            logging.getLogger(name).addHandler(caplog.handler)
        caplog.set_level(logging.DEBUG)
        try:
            used = tokens(api)
            for token in used:
                call_everything(api, token)
        finally:
            for name in LOGGERS[1:]:
                logging.getLogger(name).removeHandler(caplog.handler)

    served = [r for r in caplog.records if not r.name.startswith(CLIENTS)]
    lines = [record.getMessage() for record in served]
    lines += [record.exc_text or "" for record in served]
    assert leaks("\n".join(lines), used) == []
    # and the log saw the sockets (the test looked where tokens would have been)
    assert any("WebSocket /ws/field" in line for line in lines), lines[:20]
    assert any("/views/board?token=[redacted]" in line for line in lines)


def test_brigade_serve_writes_no_part_of_any_token_to_stderr(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    env = {
        "BRIGADE_DATA_DIR": str(settings.data_dir),
        "BRIGADE_DATABASE_URL": "",
        "BRIGADE_REDIS_URL": "",
        "BRIGADE_SECRET": "test",
    }
    with gateway_processes(env, tmp_path) as (url,):
        api = Api(url, settings)
        used = tokens(api)
        for token in used:
            call_everything(api, token)
        api.http.close()
    # What it wrote to stderr (its log) and stdout
    written = (tmp_path / f"gateway-{url.rsplit(':', 1)[1]}.log").read_text()

    assert leaks(written, used) == []
    assert "WebSocket /ws/field?token=[redacted]" in written  # it was looked at
