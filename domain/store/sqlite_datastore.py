"""SQLite connections for brigade: durable at every commit, and a file that
cannot be written (disk full, read-only) told apart from a bug."""

from __future__ import annotations

import contextlib
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import ConnectionUnavailableError
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteDatastore

from domain.store.outage import Outage, StoreUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from eventsourcing.sqlite import SQLiteCursor


class DurableSQLiteConnectionPool(SQLiteConnectionPool):
    """Connections that fsync at every commit."""

    def _create_connection(self) -> SQLiteConnection:
        conn = super()._create_connection()
        # In WAL mode the default (NORMAL) may lose the last commits on power
        # loss; a command reported done must stay done, so fsync every commit.
        # It is a per-connection setting, not stored in the database file.
        try:
            with conn.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=FULL")
                # The writer touches a page per aggregate and per command in every
                # batch; a larger page cache keeps those pages from being re-read.
                cursor.execute("PRAGMA cache_size=-65536")
                # An erased person's key is overwritten with zeros where it lay,
                # not just unlinked from the table (docs/privacy.md).
                cursor.execute("PRAGMA secure_delete=ON")
        except BaseException:
            conn.close()
            raise
        return conn


# SQLite's primary result codes that mean the file cannot be written now, not a
# bug: no permission, locked by another process past the busy timeout, out of
# memory, read-only, I/O error (an immutable WAL), disk full, cannot open.
_UNAVAILABLE_CODES = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
    }
)


def unavailable(error: BaseException) -> bool:
    """Whether `error` (or what it wraps) means the file cannot be used now."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ConnectionUnavailableError):  # the pool's wait ran out
            return True
        if isinstance(seen, sqlite3.Error):
            code = getattr(seen, "sqlite_errorcode", None)
            return code is not None and code & 0xFF in _UNAVAILABLE_CODES
        seen = seen.__cause__
    return False


class DurableSQLiteDatastore(SQLiteDatastore):
    """SQLiteDatastore whose connections are durable per commit.

    A file that cannot be written (disk full, read-only, an I/O error) fails the
    transaction with `StoreUnavailable`; the outage ends at the next commit.
    """

    def __init__(self, db_name: str, **kwargs: Any) -> None:
        super().__init__(db_name, **kwargs)
        self.outage = Outage()
        # The base builds its pool inline; swap it before any connection exists.
        base = self.pool
        self.pool = DurableSQLiteConnectionPool(
            db_name=base.db_name,
            lock_timeout=base.lock_timeout,
            pool_size=base.pool_size,
            max_overflow=base.max_overflow,
            pool_timeout=base.pool_timeout,
            max_age=base.max_age,
            pre_ping=base.pre_ping,
        )
        base.close()

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        try:
            with self.get_connection(commit=commit) as conn:
                try:
                    with conn.transaction(commit=commit) as curs:
                        yield curs
                except BaseException:
                    # A failed COMMIT (SQLITE_BUSY) may leave the transaction open:
                    # the connection goes back to the pool without it.
                    with contextlib.suppress(sqlite3.Error):
                        conn.rollback()
                    raise
        except StoreUnavailable:
            raise
        except Exception as error:
            if not unavailable(error):
                raise
            # A full disk or a read-only file is no better a moment later, and
            # reads still work: only a commit ends it.
            raise self.outage.failed(
                error, may_retry=False, writes_only=True
            ) from error
        if commit:
            self.outage.worked(wrote=True)
