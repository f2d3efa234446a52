"""The PostgreSQL store passes eventsourcing's recorder suite, subscriptions too."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from eventsourcing.tests import persistence as es_tests
from support import fresh_schema

from domain.application import Brigade
from domain.store.config import store_env
from domain.store.postgres import (
    BrigadePostgresApplicationRecorder,
    BrigadePostgresFactory,
)

pytestmark = pytest.mark.postgres


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


def test_several_processes_can_create_a_new_store_at_once() -> None:
    # Two gateways starting on a new database raced to create the same tables
    # and one died on a unique violation in pg_type (seen in CI). Threads with
    # their own pools stand in for the processes; each round is a new schema.
    for _ in range(5):
        with fresh_schema() as url:
            assert open_at_once(url, 4) == []


def open_at_once(url: str, count: int) -> list[BaseException]:
    """Open the store at `url` from `count` threads at the same moment."""
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def open_store() -> None:
        start.wait()
        try:
            Brigade(env=store_env(url, Path())).close()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures
