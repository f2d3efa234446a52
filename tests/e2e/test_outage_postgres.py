"""PostgreSQL stopped under a running server: answered at once, healed at once.

A private cluster (`tests/pgcluster.py`) is really stopped (`pg_ctl stop -m fast`)
and started again under a real brigade server. The deadlines asserted are the
ones promised to users: a 503 `store_unavailable` within 2 s, `/ready` within 1 s,
and the first success within 2 s of the database being back. Every command that
was acknowledged is stored exactly once; nothing else is stored.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
from conftest import serving
from outage import assert_unavailable, report, stored_by_command, timed
from pgcluster import pg_cluster
from websockets.sync.client import connect

from domain.ids import uuid7
from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api
    from pgcluster import Cluster

__all__ = ["pg_cluster"]  # the module's fixture, imported


@pytest.fixture
def api(pg_cluster: Cluster, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(
        database_url=pg_cluster.url, data_dir=tmp_path / "data", secret="test"
    )
    with serving(settings) as client:
        yield client
    if not pg_cluster.running():
        pg_cluster.start()


def test_a_stopped_database_is_answered_at_once_and_healed_without_a_restart(
    api: Api, pg_cluster: Cluster, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    acked: dict[UUID, list[int]] = {}
    opened = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    acked[UUID(opened["command_id"])] = opened["positions"]
    operation = opened["result"]["operation_id"]
    me = api.commander("RegisterVolunteer", name="Chen Wei", contact="+86")
    acked[UUID(me["command_id"])] = me["positions"]
    volunteer = me["result"]["volunteer_id"]
    token = api.bearer(Role.VOLUNTEER, volunteer)
    position = {"volunteer_id": volunteer, "lat": 24.9, "lon": 118.6}
    frame = uuid7()
    caplog.set_level(logging.INFO)
    with connect(f"{api.url.replace('http', 'ws')}/ws/field?token={token}") as phone:
        pg_cluster.stop()
        first, *others = [uuid7() for _ in range(5)]
        assert_unavailable(*timed(report, api, operation, first), within=2)
        with ThreadPoolExecutor(4) as pool:  # at once, as several clients would
            answers = pool.map(lambda k: timed(report, api, operation, k), others)
            for response, took in list(answers):
                assert_unavailable(response, took, within=2)
        assert_unavailable(*timed(api.http.get, "/ready"), within=1)
        started = time.monotonic()
        phone.send(json.dumps({"id": str(frame), "command": "ReportPosition",
                               "body": position}))  # fmt: skip
        rejected = json.loads(phone.recv(timeout=10))
        assert time.monotonic() - started < 2
        assert (rejected["type"], rejected["id"]) == ("rejected", str(frame))
        assert (rejected["status"], rejected["code"]) == (503, "store_unavailable")

        pg_cluster.start()
        back = time.monotonic()
        while (response := report(api, operation, first)).status_code != 200:
            assert_unavailable(response, 0, within=2)
            assert time.monotonic() - back < 2, "no success within 2 s of the restart"
            time.sleep(0.05)
        acked[first] = response.json()["positions"]

        # Every sender sends again, same ids: each takes effect once.
        for key in others:
            response = report(api, operation, key)
            assert response.status_code == 200, response.text
            acked[key] = response.json()["positions"]
        phone.send(json.dumps({"id": str(frame), "command": "ReportPosition",
                               "body": position}))  # fmt: skip
        ack = json.loads(phone.recv(timeout=10))
        assert (ack["type"], ack["replayed"]) == ("ack", False)
        acked[frame] = ack["positions"]
    api.position()  # /ready says 200 again, the views caught up

    assert stored_by_command(pg_cluster.url, tmp_path) == acked
    said = [r.getMessage() for r in caplog.records if r.name == "domain.store"]
    assert len(said) == 2, said  # once when it went away, once when it was back
    assert "unavailable" in said[0]
    assert "available again" in said[1]
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not loud, [r.getMessage() for r in loud]


def test_a_quick_restart_between_two_commands_costs_no_answer(
    api: Api, pg_cluster: Cluster
) -> None:
    """Connections that died idle are replaced at the first call, not failed."""
    opened = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    pg_cluster.stop()
    pg_cluster.start()
    response = report(api, opened["result"]["operation_id"], uuid7())
    assert response.status_code == 200, response.text
