"""The PostgreSQL store passes eventsourcing's recorder suite, subscriptions too."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.tests import persistence as es_tests
from psycopg.sql import SQL, Identifier

from domain.store.config import store_env
from domain.store.postgres import (
    BrigadePostgresApplicationRecorder,
    BrigadePostgresFactory,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

POSTGRES_URL = os.environ.get(
    "BRIGADE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

pytestmark = pytest.mark.postgres


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A database URL naming a new empty schema, dropped with all in it afterwards."""
    name = f"brigade_test_{uuid4().hex[:12]}"
    server = urlsplit(POSTGRES_URL)._replace(query="").geturl()
    # No skipping: an unreachable server fails the test here.
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(name)))
    try:
        yield urlsplit(server)._replace(query=urlencode({"schema": name})).geturl()
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(SQL("DROP SCHEMA {} CASCADE").format(Identifier(name)))


# The base is reached through its module so pytest doesn't collect it too.
class TestPostgresApplicationRecorder(
    es_tests.ApplicationRecorderTestCase[BrigadePostgresApplicationRecorder]
):
    """eventsourcing's ApplicationRecorderTestCase, each test in its own schema."""

    def setUp(self) -> None:
        url = self.enterContext(fresh_schema())
        self.factory = BrigadePostgresFactory(store_env(url, Path()))
        # Cleanups run last-in first-out: the pool closes before the schema drops.
        self.addCleanup(self.factory.close)

    def create_recorder(self) -> BrigadePostgresApplicationRecorder:
        recorder = self.factory.application_recorder()
        assert isinstance(recorder, BrigadePostgresApplicationRecorder)
        return recorder

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()
