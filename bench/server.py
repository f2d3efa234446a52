"""Servers for a benchmark: a real brigade (embedded store), and the bare baselines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SECRET = "bench"


def commander_token(data_dir: Path) -> str:
    """A commander's token, its issue recorded in the store of `brigade_server`."""
    from gateway.credentials import Grant, issue_into
    from gateway.settings import Settings

    settings = Settings(secret=SECRET, data_dir=data_dir, database_url=None)
    return issue_into(settings, Grant(Role.COMMANDER, name="bench")).token


def issue(
    http: httpx.Client, role: Role, *, volunteer_id: str | None = None, name: str = ""
) -> str:
    """A token the server issues (IssueToken), `http` sending a commander's."""
    body = {"role": role.value, "volunteer_id": volunteer_id, "name": name}
    response = http.post("/commands/IssueToken", json=body)
    response.raise_for_status()
    token: str = response.json()["result"]["token"]
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def brigade_server(
    data_dir: Path, log: Path | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`brigade serve` on a free port, healthy: its base URL and its process.

    Its log lines (stderr) go to `log` if given, else nowhere.
    """
    port = free_port()
    errors = subprocess.DEVNULL if log is None else log.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
        env={
            **os.environ,
            "BRIGADE_DATA_DIR": str(data_dir),
            "BRIGADE_SECRET": SECRET,
            "BRIGADE_DATABASE_URL": "",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log is not None:
            errors.close()  # type: ignore[union-attr]


def _wait(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.1)


@contextmanager
def bare_server(module: str, *args: str) -> Iterator[int]:
    """`python -m <module> PORT *args`, once it prints `listening`: its port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", module, str(port), *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "listening"
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
