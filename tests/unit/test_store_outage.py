"""Which store errors mean "unavailable", the limits, and one log line each way."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

import psycopg
import pytest
from eventsourcing.persistence import (
    ConnectionUnavailableError,
    IntegrityError,
    OperationalError,
)
from psycopg import errors
from psycopg_pool import PoolTimeout

from domain.store import pgpool
from domain.store import sqlite_datastore as sqlite_store
from domain.store.config import StoreLimits, store_env
from domain.store.outage import Outage
from gateway.bootstrap import ConfigurationError, describe
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path


def wrapped(error: Exception) -> Exception:
    """As eventsourcing raises it: its own class, the driver's error as the cause."""
    try:
        raise OperationalError(str(error)) from error
    except OperationalError as outer:
        return outer


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (errors.AdminShutdown("terminating connection"), True),
        (errors.CannotConnectNow("the database system is starting up"), True),
        (errors.TooManyConnections("too many clients"), True),
        (errors.DiskFull("could not extend file"), True),
        (errors.LockNotAvailable("canceling statement due to lock timeout"), True),
        (errors.ReadOnlySqlTransaction("read-only transaction"), True),
        (PoolTimeout("couldn't get a connection after 1.00 sec"), True),
        (errors.UniqueViolation("duplicate key"), False),
        (errors.PipelineAborted("pipeline aborted"), False),
        (errors.SyntaxError("syntax error"), False),
        (errors.UndefinedTable("no such table"), False),
        (ValueError("a bug"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "",
)
def test_postgres_errors_that_mean_the_database_is_away(
    error: Exception, unavailable: bool
) -> None:
    assert pgpool.unavailable(error) is unavailable
    assert pgpool.unavailable(wrapped(error)) is unavailable


def sqlite_error(tmp_path: Path, statement: str, *, read_only: bool) -> sqlite3.Error:
    """What SQLite itself raises for a statement."""
    path = tmp_path / "s.db"
    sqlite3.connect(path).execute("CREATE TABLE IF NOT EXISTS t (x)").connection.close()
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute(statement)
    except sqlite3.Error as error:
        return error
    finally:
        conn.close()
    raise AssertionError(statement)


@pytest.mark.parametrize(
    ("statement", "read_only", "unavailable"),
    [
        ("INSERT INTO t VALUES (1)", True, True),  # SQLITE_READONLY
        ("INSERT INTO nowhere VALUES (1)", False, False),  # no such table: a bug
        ("INSERT INTO t VALUES (", False, False),  # syntax: a bug
    ],
)
def test_sqlite_errors_that_mean_the_file_cannot_be_written(
    tmp_path: Path, statement: str, read_only: bool, unavailable: bool
) -> None:
    error = sqlite_error(tmp_path, statement, read_only=read_only)
    assert sqlite_store.unavailable(error) is unavailable
    assert sqlite_store.unavailable(wrapped(error)) is unavailable


def test_sqlite_pool_timeouts_are_unavailable_and_conflicts_are_not() -> None:
    assert sqlite_store.unavailable(ConnectionUnavailableError("writer busy"))
    assert not sqlite_store.unavailable(IntegrityError("UNIQUE constraint failed"))


def test_limits_come_from_brigade_store_variables() -> None:
    assert StoreLimits.from_env({}) == StoreLimits()
    environ = {
        "BRIGADE_STORE_WAIT": "0.5",
        "BRIGADE_STORE_RETRIES": "0",
        "BRIGADE_STORE_LOCK_TIMEOUT": " ",
        "OTHER": "x",
    }
    limits = StoreLimits.from_env(environ)
    assert (limits.wait, limits.retries, limits.lock_timeout) == (0.5, 0, 2.0)
    assert StoreLimits.from_env(limits.env()) == limits


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "1.5"])
def test_a_bad_limit_stops_the_process_with_its_name(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "BRIGADE_STORE_RETRIES" if value == "1.5" else "BRIGADE_STORE_WAIT"
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        describe(Settings(data_dir=tmp_path))


def test_limits_given_are_written_into_the_store_environment(tmp_path: Path) -> None:
    env = store_env(None, tmp_path, StoreLimits(wait=0.3))
    assert env["BRIGADE_STORE_WAIT"] == "0.3"
    assert StoreLimits.from_env(env) == StoreLimits(wait=0.3)


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = Outage()
    caplog.set_level(logging.DEBUG, "domain.store")
    outage.worked()
    first = outage.failed(
        psycopg.OperationalError("connection refused"), may_retry=True
    )
    again = outage.failed(PoolTimeout("couldn't get a connection"), may_retry=True)
    assert (first.first, again.first) == (True, False)
    assert outage.since is not None
    outage.worked()
    outage.worked()
    assert outage.since is None
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "the store is unavailable: OperationalError: connection refused",
        said[1],
    ]
    assert said[1].startswith("the store is available again after ")


def test_only_a_write_ends_an_outage_of_writes_and_only_a_new_connection_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reads on a full disk, or a session a stopping server has not ended yet, still
    answer: ending the outage on them would log it again at every failed write."""
    outage = Outage()
    caplog.set_level(logging.WARNING, "domain.store")
    outage.failed(errors.DiskFull("could not extend file"), may_retry=False,
                  writes_only=True)  # fmt: skip
    outage.worked()
    outage.worked(fresh=True)
    assert outage.since is not None
    outage.worked(wrote=True)
    assert outage.since is None
    outage.failed(errors.AdminShutdown("terminating connection"), may_retry=True)
    outage.worked(fresh=False)
    assert outage.since is not None
    outage.worked(fresh=True)
    assert outage.since is None
    assert len(caplog.records) == 4
