"""`brigade bench outage`: PostgreSQL stopped under a steady stream of commands.

A private cluster (`bench/pgcluster.py`), a real `brigade serve` on it, and
CLIENTS clients each sending `ReportIncident` over HTTP, one after another: a new
command PACE s after the last was acknowledged, and after a 503 the same command
(same `Idempotency-Key`) again RESEND s later, as the protocol asks. PostgreSQL is
stopped (`pg_ctl stop -m fast`) for 10 s, then for 40 s, with a steady spell
between. For each stop it prints the time from the stop to the first 503, the
longest any request waited for its answer while the database was away, and the
time from the database being back (`pg_ctl start` returned) to the first success.
It exits 1 if any answer was neither 200 nor 503, or if the store does not hold
exactly the acknowledged commands' events, each once.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from bench.pgcluster import Cluster, private_cluster
from bench.server import SECRET, brigade_server
from domain.application import Brigade
from domain.ids import uuid7
from domain.model.credential import Credential
from domain.store.config import store_env
from domain.types import Role
from gateway.credentials import Grant, issue_into
from gateway.settings import Settings

CLIENTS = 8
PACE = 0.05  # s between one client's acknowledged command and its next
RESEND = 0.2  # s between a 503 and the same command again (Retry-After says 1)
STEADY = 5.0  # s of commands before, between and after the stops


@dataclass(frozen=True)
class Attempt:
    key: UUID
    sent: float
    answered: float
    status: int  # 0: no HTTP answer at all

    @property
    def waited(self) -> float:
        return self.answered - self.sent


@dataclass(frozen=True)
class Stop:
    seconds: float
    began: float  # `pg_ctl stop` called
    back: float  # `pg_ctl start` returned: the database takes connections

    def measure(self, attempts: list[Attempt]) -> dict[str, Any]:
        began, back = self.began, self.back
        during = [a for a in attempts if a.answered >= began and a.sent <= back]
        refused = [a.answered for a in attempts if a.status == 503]
        first_503 = min((t for t in refused if t >= began), default=None)
        stored = [a.answered for a in attempts if a.status == 200]
        first_ok = min((t for t in stored if t >= back), default=None)
        return {
            "stopped_s": self.seconds,
            "first_503_s": None if first_503 is None else first_503 - self.began,
            "longest_wait_s": max((a.waited for a in during), default=None),
            "first_success_s": None if first_ok is None else first_ok - self.back,
            "requests": len(during),
            "answers_503": sum(a.status == 503 for a in during),
            "answers_other": sum(a.status not in (200, 503) for a in during),
        }


@dataclass
class Stream:
    """The clients, every attempt they made, and what was acknowledged."""

    base: str
    token: str
    operation: str
    attempts: list[Attempt] = field(default_factory=list)
    acked: dict[UUID, list[int]] = field(default_factory=dict)
    stopping: bool = False

    async def client(self, http: httpx.AsyncClient) -> None:
        while not self.stopping:
            await self.one(http, uuid7())
            await asyncio.sleep(PACE)

    async def one(self, http: httpx.AsyncClient, key: UUID) -> None:
        """Send one command until it is acknowledged: after a 503, the same id."""
        body = {"operation_id": self.operation, "kind": "flood", "lat": 24.9,
                "lon": 118.6, "severity": 3}  # fmt: skip
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": str(key)}
        while True:
            sent = time.monotonic()
            try:
                response = await http.post(
                    "/commands/ReportIncident", json=body, headers=headers
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            self.attempts.append(Attempt(key, sent, time.monotonic(), status))
            if status == 200:
                self.acked[key] = response.json()["positions"]
                return
            await asyncio.sleep(RESEND)


def stored_by_command(url: str, folder: Path) -> dict[UUID, list[int]]:
    """Every stored event's position, by the command that caused it.

    Tokens issued to the clients (credential events) are not what is counted.
    """
    brigade = Brigade(env=store_env(url, folder))
    try:
        found: dict[UUID, list[int]] = {}
        for n in brigade.recorder.select_notifications(None, limit=10_000_000):
            event: Any = brigade.mapper.to_domain_event(n)
            if isinstance(event, Credential.Event):
                continue
            found.setdefault(event.command_id, []).append(n.id)
        return found
    finally:
        brigade.close()


async def play(cluster: Cluster, base: str, token: str, stops: list[float]) -> Any:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        headers = {"Authorization": f"Bearer {token}"}
        opened = await http.post(
            "/commands/OpenOperation",
            json={"name": "outage bench", "kind": "typhoon"},
            headers=headers,
        )
        opened.raise_for_status()
        answer = opened.json()
        stream = Stream(base, token, answer["result"]["operation_id"])
        stream.acked[UUID(answer["command_id"])] = answer["positions"]
        clients = [asyncio.create_task(stream.client(http)) for _ in range(CLIENTS)]
        done: list[Stop] = []
        await asyncio.sleep(STEADY)
        for seconds in stops:
            began = time.monotonic()
            await asyncio.to_thread(cluster.stop)
            await asyncio.sleep(seconds - (time.monotonic() - began))
            await asyncio.to_thread(cluster.start)
            done.append(Stop(seconds, began, time.monotonic()))
            await asyncio.sleep(STEADY)
        stream.stopping = True
        await asyncio.gather(*clients)
    return stream, done


def run(*, quick: bool = False) -> int:
    stops = [2.0, 5.0] if quick else [10.0, 40.0]
    with tempfile.TemporaryDirectory() as tmp, private_cluster() as cluster:
        folder = Path(tmp)
        log = folder / "server.log"
        settings = Settings(
            secret=SECRET, data_dir=folder / "data", database_url=cluster.url
        )
        token = issue_into(settings, Grant(Role.COMMANDER, name="bench")).token
        with brigade_server(
            folder / "data", log=log, BRIGADE_DATABASE_URL=cluster.url
        ) as (base, _):
            stream, done = asyncio.run(play(cluster, base, token, stops))
        stored = stored_by_command(cluster.url, folder)
        lines = [json.loads(line) for line in log.read_text().splitlines() if line]
    results = [stop.measure(stream.attempts) for stop in done]
    exact = stored == stream.acked
    store_lines = [e["message"] for e in lines if e.get("logger") == "domain.store"]
    errors = [e for e in lines if e.get("level") in ("error", "critical")]
    print(
        f"{CLIENTS} clients, ReportIncident over HTTP; a 503 sent again after "
        f"{RESEND} s, same id"
    )
    print(
        f"{'stopped':>8} {'first 503':>10} {'longest wait':>13} "
        f"{'first success':>14} {'requests':>9} {'503s':>6} {'other':>6}"
    )
    for r in results:
        print(
            f"{r['stopped_s']:>7.0f}s {_s(r['first_503_s']):>10} "
            f"{_s(r['longest_wait_s']):>13} {_s(r['first_success_s']):>14} "
            f"{r['requests']:>9} {r['answers_503']:>6} {r['answers_other']:>6}"
        )
    print(
        f"acknowledged {len(stream.acked)} commands, "
        f"{'each stored once' if exact else 'NOT stored exactly once'}; "
        f"store log lines: {len(store_lines)}; error lines: {len(errors)}"
    )
    summary = {
        "benchmark": "outage",
        "clients": CLIENTS,
        "stops": results,
        "acknowledged": len(stream.acked),
        "exactly_once": exact,
        "store_log_lines": store_lines,
        "error_log_lines": len(errors),
    }
    print(json.dumps(summary))
    other = any(r["answers_other"] for r in results)
    return 0 if exact and not other else 1


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"
