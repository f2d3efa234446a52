"""Two `brigade serve` processes on one store (an SQLite file, PostgreSQL): a token
issued through one works on the other at once, and revoked through one, the other
refuses it and closes the socket it opened within two seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING
from uuid import uuid4

import httpx
import pytest
from conftest import Api, free_port
from support import eventually
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# What the process running a gateway adds to the follower's poll (0.5 s).
WITHIN = 2.0


@contextmanager
def gateways(settings: Settings, logs: Path, count: int = 2) -> Iterator[list[str]]:
    """`count` real `brigade serve` processes on these settings: their URLs."""
    env = {
        **os.environ,
        "BRIGADE_DATABASE_URL": settings.database_url or "",
        "BRIGADE_DATA_DIR": str(settings.data_dir),
        "BRIGADE_SECRET": settings.secret or "",
        "BRIGADE_REDIS_URL": "",
    }
    ports = [free_port() for _ in range(count)]
    files = [logs / f"gateway-{port}.log" for port in ports]
    servers = []
    for port, log in zip(ports, files, strict=True):
        with log.open("wb") as output:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:

        def up() -> bool:
            for server, log in zip(servers, files, strict=True):
                assert server.poll() is None, log.read_text()[-4000:]
            return all(ready(url) for url in urls)

        eventually(up, timeout=30)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize(
    "store", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)]
)
def test_a_token_revoked_through_one_gateway_is_refused_by_the_other(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        if store == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    settings = Settings(database_url=url, data_dir=tmp_path / "data", secret="shared")
    with gateways(settings, tmp_path) as (one, other):
        first, second = Api(one, settings), Api(other, settings)
        commander = first.token(Role.COMMANDER)
        volunteer = first.commander("RegisterVolunteer", name="Xu Ming", contact="+86")
        volunteer_id = volunteer["result"]["volunteer_id"]

        # Given a phone's token issued through the first gateway
        issued = first.http.post(
            "/commands/IssueToken",
            json={"role": "volunteer", "volunteer_id": volunteer_id},
            headers={**commander, "Idempotency-Key": str(uuid4())},
        )
        token = issued.json()["result"]["token"]
        token_id = issued.json()["result"]["token_id"]
        phone = {"Authorization": f"Bearer {token}"}

        # it works on the second at once (which waits for its views to hold it)
        report = {"volunteer_id": volunteer_id, "lat": 24.9, "lon": 118.6}
        answer = second.http.post(
            "/commands/ReportPosition", json=report, headers=phone
        )
        assert answer.status_code == 200, answer.text

        ws_url = other.replace("http://", "ws://") + f"/ws/field?token={token}"
        with connect(ws_url, open_timeout=10) as ws:
            frame = {"id": str(uuid4()), "command": "ReportPosition", "body": report}
            ws.send(json.dumps(frame))
            assert json.loads(ws.recv(timeout=10))["type"] == "ack"

            # When a commander revokes it through the first gateway
            revoked = first.commander("RevokeToken", token_id=token_id)
            assert revoked["position"]
            started = time.monotonic()

            # Then the second closes the phone's socket (4001, revoked) within 2 s
            with pytest.raises(ConnectionClosed) as ended:
                ws.recv(timeout=WITHIN + 1)
            took = time.monotonic() - started
        assert ended.value.rcvd is not None
        assert (ended.value.rcvd.code, ended.value.rcvd.reason) == (4001, "revoked")
        assert took < WITHIN, took
        # and refuses the token over HTTP, saying why
        refused = second.http.post(
            "/commands/ReportPosition", json=report, headers=phone
        )
        assert (refused.status_code, refused.json()["reason"]) == (401, "revoked")
        first.http.close()
        second.http.close()
