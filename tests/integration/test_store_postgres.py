"""The PostgreSQL store passes eventsourcing's recorder suite, subscriptions too."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.tests import persistence as es_tests
from support import fresh_schema

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
