"""Two gateway processes on one PostgreSQL and one Redis: a command sent to one shows
up live on a subscriber of the other."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
import redis
from conftest import Api, gateway_processes
from websockets.sync.client import connect

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.mark.postgres
def test_a_command_to_one_gateway_is_live_on_the_other(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url,
        data_dir=tmp_path / "data",
        secret="shared-secret",
        redis_url="redis://127.0.0.1:6379/0",
    )
    stream = f"brigade:test:{uuid4().hex}"
    env = {
        "BRIGADE_DATABASE_URL": postgres_url,
        "BRIGADE_DATA_DIR": str(tmp_path / "data"),
        "BRIGADE_SECRET": "shared-secret",
        "BRIGADE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "BRIGADE_REDIS_STREAM": stream,
    }
    with (
        stream_dropped(stream),  # once the gateways have stopped writing to it
        gateway_processes(env, tmp_path, count=2) as urls,
    ):
        one, other = (Api(url, settings) for url in urls)
        operation = one.commander("OpenOperation", name="Doksuri", kind="typhoon")
        operation_id = operation["result"]["operation_id"]
        token = one.bearer(Role.OBSERVER, "wall")
        live_url = urls[1].replace("http://", "ws://") + f"/ws/live?token={token}"
        with connect(live_url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "subscribe", "views": ["board"]}))
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"

            reported = one.commander(
                "ReportIncident",
                operation_id=operation_id,
                kind="flood",
                lat=24.9,
                lon=118.6,
                severity=4,
            )

            frame = json.loads(ws.recv(timeout=10))
        assert frame["type"] == "deltas"
        assert frame["changes"][0]["key"] == reported["result"]["incident_id"]
        assert frame["changes"][0]["position"] == reported["position"]
        one.http.close()
        other.http.close()


@contextmanager
def stream_dropped(stream: str) -> Iterator[None]:
    """The Redis stream of this test, deleted when it is done."""
    try:
        yield
    finally:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        client.delete(stream)
        client.close()
