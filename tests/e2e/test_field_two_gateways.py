"""A phone behind a load balancer: enrolled at one gateway, its code exchanged at
another, and a dispatch sent to the first pushed on the second's /ws/me."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest
from conftest import Api, gateway_processes
from fieldphone import Phone, incident, operation, ready
from websockets.sync.client import connect

from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.postgres
def test_a_phone_enrolled_at_one_gateway_hears_dispatches_sent_to_another(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", secret="shared"
    )
    env = {
        "BRIGADE_DATABASE_URL": postgres_url,
        "BRIGADE_DATA_DIR": str(tmp_path / "data"),
        "BRIGADE_SECRET": "shared",
        "BRIGADE_REDIS_URL": "",
    }
    with gateway_processes(env, tmp_path, count=2) as urls:
        one, other = (Api(url, settings) for url in urls)
        op = operation(one)
        flood = incident(one, op)
        me = ready(one, "Xu Ming", op)
        made = one.commander("CreateEnrolment", volunteer_id=me)["result"]
        # The other gateway takes the code at once (it reads the enrolment from
        # the store if its views have not folded it yet).
        got = httpx.post(f"{urls[1]}/enrol", json={"code": made["code"]}, timeout=10)
        assert got.status_code == 200, got.text
        token = got.json()["token"]
        url = urls[1].replace("http://", "ws://") + f"/ws/me?token={token}"
        with connect(url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "subscribe"}))
            phone = Phone(ws)
            phone.take()
            one.commander("DispatchVolunteer", incident_id=flood, volunteer_id=me)
            rows = phone.until(lambda rows: f"assignment:{flood}" in rows)
        assert rows[f"assignment:{flood}"]["state"] == "dispatched"
        one.http.close()
        other.http.close()
