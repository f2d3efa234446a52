"""Fixtures: every store test runs on a real SQLite file and on the real PostgreSQL."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from support import Clock, Scenario

from domain.app import Brigade
from domain.store.config import store_env
from domain.writer import CommandWriter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

POSTGRES_URL = os.environ.get(
    "BRIGADE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards. Fails if PG is down."""
    schema = f"brigade_test_{uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema))
            )


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
