"""`brigade demo`'s phone link: a simulated volunteer's assignments arrive as the
storm plays, on their own channel (/ws/me), as the field app shows them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import free_port
from websockets.sync.client import connect

BRIGADE = str(Path(sys.executable).parent / "brigade")
PHONE = re.compile(r"^\s+http://127\.0\.0\.1:(\d+)/field#token=(\S+)$")
# The first dispatch comes a few wall seconds into the paced morning; generous.
DEADLINE = 90.0


def test_the_demo_prints_a_phone_link_whose_volunteer_is_dispatched_live(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}
    demo = subprocess.Popen(
        [BRIGADE, "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert demo.stdout is not None
    try:
        found = None
        for line in demo.stdout:
            found = PHONE.match(line.rstrip("\n"))
            if found:
                break
        assert found, "no phone link printed"
        assert int(found.group(1)) == port
        url = f"ws://127.0.0.1:{port}/ws/me?token={found.group(2)}"
        with connect(url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "subscribe"}))
            snapshot: dict[str, Any] = json.loads(ws.recv(timeout=10))
            assert snapshot["type"] == "snapshot"
            me = snapshot["rows"]["me"]
            assert me["name"] and me["id"]
            jobs: list[dict[str, Any]] = []
            deadline = time.monotonic() + DEADLINE
            while not jobs and time.monotonic() < deadline:
                frame = json.loads(ws.recv(timeout=DEADLINE))
                if frame["type"] == "deltas":
                    jobs = [
                        c["row"]
                        for c in frame["changes"]
                        if c["key"].startswith("assignment:") and c["row"]
                    ]
        assert jobs, "no assignment reached the demo's phone"
        assert jobs[0]["state"] == "dispatched" and jobs[0]["kind"]
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
        demo.stdout.close()
    assert demo.returncode == 0
