"""`brigade demo`: a newcomer's first minute, as a subprocess on a free port.

It must print the page's address with a commander token, serve the page, and
have the simulated storm arriving on /ws/live within seconds; Ctrl-C ends it
with exit 0, and a second run starts over in a fresh directory.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

import httpx
from conftest import free_port
from support import eventually
from websockets.sync.client import connect

BRIGADE = str(Path(sys.executable).parent / "brigade")
ADDRESS = re.compile(r"^\s+(http://127\.0\.0\.1:(\d+)/#(\S+))$")
# How long the storm gets to show a new incident over the socket (2 field minutes
# a second: an incident every few seconds); generous for a busy CI machine.
DEADLINE = 60.0


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BRIGADE_")}


def _demo(cwd: Path, port: int, *more: str) -> subprocess.CompletedProcess[str]:
    """`brigade demo` run to its end in `cwd`: its exit code and what it printed."""
    return subprocess.run(
        [BRIGADE, "demo", "--port", str(port), *more],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _lines(stream: IO[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """What the process prints, line by line as it comes, until it ends."""
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        with stream:
            for line in stream:
                found.put(line.rstrip("\n"))

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return found, thread


def _address(lines: queue.Queue[str], printed: list[str]) -> re.Match[str]:
    deadline = time.monotonic() + DEADLINE
    while True:
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        printed.append(line)
        found = ADDRESS.match(line)
        if found:
            return found


def _new_incidents(url: str, operation: str, known: set[str]) -> set[str]:
    """Incidents that arrive as deltas on the board after the snapshot."""
    arrived: set[str] = set()
    with connect(url, open_timeout=10) as ws:
        ws.send(
            json.dumps(
                {"type": "subscribe", "views": ["board"], "operation_id": operation}
            )
        )
        snapshot: dict[str, Any] = json.loads(ws.recv(timeout=10))
        assert snapshot["type"] == "snapshot", snapshot
        known |= set(snapshot["rows"])
        deadline = time.monotonic() + DEADLINE
        while not arrived and time.monotonic() < deadline:
            frame = json.loads(ws.recv(timeout=DEADLINE))
            if frame["type"] != "deltas":
                continue
            for change in frame["changes"]:
                row = change["row"]
                if change["key"] not in known and row is not None:
                    assert row["operation_id"] == operation
                    arrived.add(change["key"])
    return arrived


def test_the_demo_serves_the_page_with_the_storm_arriving_live(
    tmp_path: Path,
) -> None:
    port = free_port()
    with (tmp_path / "stderr").open("w") as stderr:
        demo = subprocess.Popen(
            [BRIGADE, "demo", "--port", str(port)],
            cwd=tmp_path,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert demo.stdout is not None
    lines, reading = _lines(demo.stdout)
    printed: list[str] = []
    try:
        found = _address(lines, printed)
        page, shown_port, fragment = found.groups()
        assert int(shown_port) == port
        said = parse_qs(fragment)
        token, operation = said["token"][0], said["operation"][0]

        base = f"http://127.0.0.1:{port}"
        html = httpx.get(page, timeout=10)
        assert html.status_code == 200
        assert "Command centre" in html.text

        # The token is a commander's, and the operation is the storm's, by name.
        auth = {"Authorization": f"Bearer {token}"}
        rows: dict[str, Any] = {}

        def opened() -> bool:
            answer = httpx.get(f"{base}/views/operations", headers=auth, timeout=10)
            assert answer.status_code == 200, answer.text
            rows.update(answer.json()["rows"])
            return operation in rows

        eventually(opened, DEADLINE, every=0.1)
        row = rows[operation]
        assert row["name"] == "Typhoon Doksuri response, Luojiang"
        assert row["area"] is not None

        arrived = _new_incidents(
            f"ws://127.0.0.1:{port}/ws/live?token={token}", operation, set()
        )
        assert arrived, "no incident arrived on /ws/live"
    finally:
        demo.send_signal(signal.SIGINT)  # Ctrl-C
        demo.wait(timeout=30)
        reading.join(timeout=10)
    assert demo.returncode == 0, (tmp_path / "stderr").read_text()
    while not lines.empty():
        printed.append(lines.get())
    assert printed[-1] == "stopped.", printed
    assert (tmp_path / "brigade-demo" / "brigade.sqlite3").exists()

    # Again, for a few seconds: it starts over in a fresh store and stops by itself.
    leftover = tmp_path / "brigade-demo" / "leftover.txt"
    leftover.write_text("from the first run")
    again = _demo(tmp_path, free_port(), "--for", "1")
    assert again.returncode == 0, again.stderr
    assert "#token=" in again.stdout
    assert not leftover.exists()
    assert (tmp_path / "brigade-demo" / "brigade.sqlite3").exists()


def test_the_demo_refuses_a_port_in_use_before_touching_anything(
    tmp_path: Path,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        refused = _demo(tmp_path, port)
    assert refused.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port} (EADDRINUSE)" in refused.stderr
    assert not (tmp_path / "brigade-demo").exists()


def test_the_demo_refuses_a_directory_that_is_not_its_own(tmp_path: Path) -> None:
    (tmp_path / "brigade-demo").mkdir()
    (tmp_path / "brigade-demo" / "notes.txt").write_text("mine")
    refused = _demo(tmp_path, free_port(), "--for", "1")
    assert refused.returncode == 2
    assert "not a demo directory" in refused.stderr
    assert (tmp_path / "brigade-demo" / "notes.txt").read_text() == "mine"
