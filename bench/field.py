"""`brigade bench field`: acknowledged durable commands/s from 200 field sockets.

A real server (embedded store, one process) and, in a separate process, 200
phones on the field WebSocket, each keeping a few position reports in flight and
taking their answers batched (`?batch=1`). Besides the rate it reports the server's
CPU time per acknowledged command (from /proc): on a shared machine the rate moves
with what else runs, the CPU cost per command much less. The baseline, in the
same run with the same phones: a bare `websockets` server that acks each frame
at once and stores nothing (`bench/field_raw.py`), the transport's own ceiling.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.server import bare_server, brigade_server, commander_token, issue
from domain.types import Role

PHONES = 200
WINDOW = 4


def run(*, quick: bool) -> int:
    seconds = 5.0 if quick else 20.0
    with (
        tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp,
        brigade_server(Path(tmp)) as (base, server),
    ):
        commander = {"Authorization": f"Bearer {commander_token(Path(tmp))}"}
        tokens = Path(tmp) / "phones.txt"
        with (
            httpx.Client(base_url=base, headers=commander, timeout=30) as http,
            tokens.open("w") as file,
        ):
            for n in range(PHONES):
                vid = http.post(
                    "/commands/RegisterVolunteer",
                    json={"name": f"V{n}", "contact": "x"},
                ).json()
                vid = vid["result"]["volunteer_id"]
                token = issue(http, Role.VOLUNTEER, volunteer_id=vid)
                file.write(f"{vid} {token}\n")
        cpu_before = _cpu_seconds(server.pid)
        result = _phones(base.replace("http", "ws"), seconds, tokens)
        cpu = _cpu_seconds(server.pid) - cpu_before
        raw = _raw(seconds, tokens)
    rate = result["acked"] / result["seconds"]
    raw_rate = raw["acked"] / raw["seconds"]
    cpu_us = cpu / max(result["acked"], 1) * 1e6
    print(
        f"{PHONES} field sockets, {WINDOW} commands in flight each, {seconds:g} s: "
        f"{result['acked']} acked, {rate:,.0f} durable commands/s (target >= 10,000); "
        f"server CPU {cpu_us:,.0f} us per acked command"
    )
    print(
        f"bare websockets server acking each frame, storing nothing: "
        f"{raw_rate:,.0f} acks/s; brigade at {rate / raw_rate:.2f} of it"
    )
    print(
        json.dumps(
            {
                "acked_per_s": round(rate),
                "raw_acked_per_s": round(raw_rate),
                "ratio_vs_raw": round(rate / raw_rate, 3),
                "server_cpu_us_per_ack": round(cpu_us),
                "phones": PHONES,
                "window": WINDOW,
                "quick": quick,
            }
        )
    )
    return 0


def _phones(ws_base: str, seconds: float, tokens: Path) -> dict[str, Any]:
    """Run the phones against a server; their count of acks and the time taken."""
    client = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.field_client",
            ws_base,
            str(seconds),
            str(WINDOW),
            str(tokens),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    found: dict[str, Any] = json.loads(client.stdout.strip().splitlines()[-1])
    return found


def _raw(seconds: float, tokens: Path) -> dict[str, Any]:
    with bare_server("bench.field_raw") as port:
        return _phones(f"ws://127.0.0.1:{port}", seconds, tokens)


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux; 0 elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
