"""Fixtures: every store test runs on a real SQLite file and on the real PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from support import Clock, Scenario, fresh_schema

from domain.app import Brigade
from domain.store.config import store_env
from domain.writer import CommandWriter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_app(
    store_url: str, tmp_path: Path, clock: Clock
) -> Iterator[Callable[[], Brigade]]:
    """Opens the test store as often as a test likes: a restart is a reopen."""
    opened: list[Brigade] = []

    def open_app() -> Brigade:
        app = Brigade(env=store_env(store_url, tmp_path), clock=clock)
        opened.append(app)
        return app

    yield open_app
    for app in opened:
        app.close()


@pytest.fixture
def app(open_app: Callable[[], Brigade]) -> Brigade:
    return open_app()


@pytest.fixture
def writer(app: Brigade) -> Iterator[CommandWriter]:
    writer = CommandWriter(app)
    yield writer
    writer.close()


@pytest.fixture
def story(writer: CommandWriter) -> Scenario:
    return Scenario(writer)
