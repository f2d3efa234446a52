"""Two `brigade serve` processes on one store (an SQLite file, PostgreSQL): a token
issued through one works on the other at once, and revoked through one, the other
refuses it and closes the socket it opened within two seconds."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
from conftest import Api, gateway_processes
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

# What the process running a gateway adds to the follower's poll (0.5 s).
WITHIN = 2.0


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
    env = {
        "BRIGADE_DATABASE_URL": url,
        "BRIGADE_DATA_DIR": str(settings.data_dir),
        "BRIGADE_SECRET": "shared",
        "BRIGADE_REDIS_URL": "",
    }
    with gateway_processes(env, tmp_path, count=2) as (one, other):
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
