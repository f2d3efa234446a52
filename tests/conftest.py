"""Fixtures: every store test runs on a real SQLite file and on the real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx
import pytest
import uvicorn
from support import Clock, Scenario, eventually, fresh_schema

from domain.application import Brigade
from domain.store.config import store_env
from domain.types import Role
from domain.write import CommandWriter
from gateway.app import create_app
from gateway.credentials import Grant, Issued, issue, issue_into
from gateway.keys import KeyRing
from gateway.settings import Settings
from gateway.ws.transport import websocket_options
from projections.follower import Follower

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from fastapi import FastAPI

    from replay.sim import Simulation
    from replay.sim.drive import Tally


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards. Fails if PG is down."""
    with fresh_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database URL of an empty store, once per kind of store."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'brigade.sqlite3'}"
    else:
        yield request.getfixturevalue("postgres_url")


@dataclass(frozen=True)
class Played:
    """A simulation played into a store that the tests only read."""

    brigade: Brigade
    simulation: Simulation
    tally: Tally


@pytest.fixture(scope="session")
def published_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    """The simulation of the published figures, played once per test run.

    The defaults (phones reporting rarely, to keep it short) into an SQLite store
    with the real clock, as `brigade simulate doksuri` plays them here; the tests
    that check the figures in the views and in the report share it.
    """
    from replay.sim import Params, Simulation
    from replay.sim.drive import WriterSink, play

    folder = tmp_path_factory.mktemp("published")
    simulation = Simulation(Params(moving_every=3600.0, still_every=7200.0))
    brigade = Brigade(env=store_env(f"sqlite:///{folder / 'b.sqlite3'}", folder))
    try:
        writer = CommandWriter(brigade)
        try:
            tally = asyncio.run(play(simulation, WriterSink(writer)))
        finally:
            writer.close()
        yield Played(brigade, simulation, tally)
    finally:
        brigade.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_brigade(
    store_url: str, tmp_path: Path, clock: Clock
) -> Iterator[Callable[[], Brigade]]:
    """Opens the test store as often as a test likes: a restart is a reopen."""
    opened: list[Brigade] = []

    def open_brigade() -> Brigade:
        brigade = Brigade(env=store_env(store_url, tmp_path), clock=clock)
        opened.append(brigade)
        return brigade

    yield open_brigade
    for brigade in opened:
        brigade.close()


@pytest.fixture
def brigade(open_brigade: Callable[[], Brigade]) -> Brigade:
    return open_brigade()


@pytest.fixture
def writer(brigade: Brigade) -> Iterator[CommandWriter]:
    writer = CommandWriter(brigade)
    yield writer
    writer.close()


@pytest.fixture
def by_hand(brigade: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    """A follower whose held rows are flushed only when a test says so."""
    follower = Follower(brigade, poll=0.2, window=3600).start()
    writer.on_commit(follower.wake)
    yield follower
    follower.stop()


@pytest.fixture
def story(writer: CommandWriter) -> Scenario:
    return Scenario(writer)


class Api:
    """A running server, and tokens for the people who call it."""

    def __init__(
        self, url: str, settings: Settings, app: FastAPI | None = None
    ) -> None:
        self.url = url
        self.app = app  # when it runs in this process: its state may be looked at
        self.settings = settings
        self.keys = KeyRing.of(settings)
        self.http = httpx.Client(base_url=url, timeout=10)
        self._issued: dict[tuple[Role, str], str] = {}

    def issue(self, role: Role, subject: str = "duty-officer") -> Issued:
        """A new token recorded in the server's store, as `brigade token create`
        makes one: a volunteer's `subject` is their (registered) id, anyone
        else's their name."""
        if role is Role.VOLUNTEER:
            grant = Grant(role, volunteer_id=UUID(subject))
        else:
            grant = Grant(role, name=subject)
        if self.app is not None:  # through the server's own writer
            return issue(self.app.state.runtime, grant)
        return issue_into(self.settings, grant)

    def bearer(self, role: Role, subject: str = "duty-officer") -> str:
        """A token for this role and subject, issued once per server."""
        found = self._issued.get((role, subject))
        if found is None:
            found = self._issued[role, subject] = self.issue(role, subject).token
        return found

    def token(self, role: Role, subject: str = "duty-officer") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer(role, subject)}"}

    def send(
        self, command: str, headers: dict[str, str], /, **body: Any
    ) -> httpx.Response:
        return self.http.post(f"/commands/{command}", json=body, headers=headers)

    def commander(self, command: str, /, **body: Any) -> dict[str, Any]:
        response = self.send(command, self.token(Role.COMMANDER), **body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def position(self) -> int:
        """The store's last position, once the views have caught up with it."""
        answers: list[httpx.Response] = []

        def ready() -> bool:
            answers.append(self.http.get("/ready"))
            return answers[-1].status_code == 200

        eventually(ready, what=lambda: answers[-1].text)
        return int(answers[-1].json()["position"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    settings: Settings, port: int | None = None, log_level: str = "warning"
) -> Iterator[Api]:
    """A real brigade server (uvicorn, in a thread) with these settings.

    Give the port of an earlier one to restart it where its clients look for it.
    """
    port = port or free_port()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level=log_level,
            **websocket_options(),  # as `brigade serve` runs them
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started, 20, every=0.02, what="the server did not start")
    client = Api(f"http://127.0.0.1:{port}", settings, app)
    try:
        yield client
    finally:
        client.http.close()
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def api(store_url: str, tmp_path: Path) -> Iterator[Api]:
    """A real brigade server on the test store."""
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test"
    )
    with serving(settings) as client:
        yield client


@contextmanager
def gateway_processes(
    env: dict[str, str], logs: Path, count: int = 1
) -> Iterator[list[str]]:
    """`count` real `brigade serve` processes with these BRIGADE_* variables, each
    writing its output to `logs/gateway-<port>.log`: their URLs, once ready."""
    ports = [free_port() for _ in range(count)]
    files = [logs / f"gateway-{port}.log" for port in ports]
    servers = []
    for port, log in zip(ports, files, strict=True):
        with log.open("wb") as output:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
                    env={**os.environ, **env},
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:

        def up() -> bool:
            for server, log in zip(servers, files, strict=True):
                # A gateway that died says why, instead of a bare timeout.
                assert server.poll() is None, log.read_text()[-4000:]
            return all(ready(url) for url in urls)

        eventually(up, timeout=30)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def ready(url: str) -> bool:
    """Whether a server answers /ready (its views caught up with its store)."""
    try:
        return httpx.get(f"{url}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
