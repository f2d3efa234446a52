"""The SQLite store passes eventsourcing's recorder suite, and commits durably."""

from __future__ import annotations

import threading
from pathlib import Path
from tempfile import TemporaryDirectory

from eventsourcing.tests import persistence as es_tests

from domain.store.config import store_env
from domain.store.sqlite import BrigadeSQLiteApplicationRecorder, BrigadeSQLiteFactory


def new_factory(data_dir: Path) -> BrigadeSQLiteFactory:
    return BrigadeSQLiteFactory(
        store_env(f"sqlite:///{data_dir}/store.sqlite3", data_dir)
    )


# The base is reached through its module so pytest doesn't collect it too.
class TestSQLiteApplicationRecorder(
    es_tests.ApplicationRecorderTestCase[BrigadeSQLiteApplicationRecorder]
):
    """eventsourcing's ApplicationRecorderTestCase on a file in a temporary directory.

    optional_test_insert_subscribe is not run: SQLite recorders have no subscribe().
    """

    def setUp(self) -> None:
        data_dir = Path(self.enterContext(TemporaryDirectory()))
        self.factory = new_factory(data_dir)
        self.addCleanup(self.factory.close)

    def create_recorder(self) -> BrigadeSQLiteApplicationRecorder:
        recorder = self.factory.application_recorder()
        assert isinstance(recorder, BrigadeSQLiteApplicationRecorder)
        return recorder

    def test_concurrent_no_conflicts(self, initial_position: int = 0) -> None:
        """As the base, then waits for the reader threads it leaves running.

        Closing the store while one of them is mid-query crashes sqlite3.
        """
        super().test_concurrent_no_conflicts(initial_position)
        for thread in threading.enumerate():
            # Default names are documented as "Thread-N (target name)".
            if thread.name.endswith("(read_continuously)"):
                thread.join(timeout=10)
                assert not thread.is_alive()


def test_every_connection_is_wal_and_fsyncs_each_commit(tmp_path: Path) -> None:
    factory = new_factory(tmp_path)
    try:
        factory.application_recorder()
        pool = factory.datastore.pool
        # Hold several at once, so they are distinct connections, not one reused.
        connections = [pool.get_connection() for _ in range(3)]
        try:
            for conn in connections:
                with conn.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    assert cursor.fetchone()[0] == "wal"
                    cursor.execute("PRAGMA synchronous")
                    assert cursor.fetchone()[0] == 2  # FULL
        finally:
            for conn in connections:
                pool.put_connection(conn)
    finally:
        factory.close()
