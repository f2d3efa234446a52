"""`brigade bench field`: acknowledged durable commands/s from 200 field sockets.

A real server (embedded store, one process) and, in a separate process, 200
phones on the field WebSocket, each keeping a few position reports in flight and
taking their answers batched (`?batch=1`). Besides the rate it reports the server's
CPU time per acknowledged command (from /proc): on a shared machine the rate moves
with what else runs, the CPU cost per command much less.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.server import SECRET, brigade_server
from domain.types import Role
from gateway.settings import Settings
from gateway.tokens import create_token, signing_key

PHONES = 200
WINDOW = 4


def run(*, quick: bool) -> int:
    seconds = 5.0 if quick else 20.0
    with (
        tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp,
        brigade_server(Path(tmp)) as (base, server),
    ):
        key = signing_key(Settings(secret=SECRET, data_dir=Path(tmp)))
        commander = {
            "Authorization": f"Bearer {create_token(key, Role.COMMANDER, 'bench')}"
        }
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
                file.write(f"{vid} {create_token(key, Role.VOLUNTEER, vid)}\n")
        cpu_before = _cpu_seconds(server.pid)
        client = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.field_client",
                base.replace("http", "ws"),
                str(seconds),
                str(WINDOW),
                str(tokens),
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 120,
        )
        cpu = _cpu_seconds(server.pid) - cpu_before
    result = json.loads(client.stdout.strip().splitlines()[-1])
    rate = result["acked"] / result["seconds"]
    cpu_us = cpu / max(result["acked"], 1) * 1e6
    print(
        f"{PHONES} field sockets, {WINDOW} commands in flight each, {seconds:g} s: "
        f"{result['acked']} acked, {rate:,.0f} durable commands/s (target >= 10,000); "
        f"server CPU {cpu_us:,.0f} us per acked command"
    )
    print(
        json.dumps(
            {
                "acked_per_s": round(rate),
                "server_cpu_us_per_ack": round(cpu_us),
                "phones": PHONES,
                "window": WINDOW,
                "quick": quick,
            }
        )
    )
    return 0


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux; 0 elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
