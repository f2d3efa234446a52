"""PostgreSQL connections that fail fast while the database is away and heal fast.

eventsourcing's defaults hold a caller for as long as the database is down: up to
30 s waiting for a pooled connection, ten retries of each call, and a pool that
reconnects after 1, 2, 4 ... up to 300 s (after a 40 s outage the first call
succeeded 23 s after the database was back). Here a call waits at most
`StoreLimits.wait` for a connection (`WAIT_WHILE_DOWN` once the outage is known),
errors that mean "the database is not there" become `StoreUnavailable` at once
(not retried by eventsourcing), and the pool tries to reconnect every
`StoreLimits.reconnect`.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

import psycopg
from eventsourcing.postgres import ConnectionPool, PostgresDatastore
from psycopg_pool import PoolTimeout, TooManyRequests
from psycopg_pool.pool import AddConnection

from domain.store.config import WAIT_WHILE_DOWN, StoreLimits
from domain.store.outage import Outage, StoreUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from psycopg import Connection
    from psycopg.rows import DictRow

# SQLSTATE classes that mean the database cannot serve us now: connection
# exception, insufficient resources (too many connections, out of memory),
# operator intervention (shut down, restarting), system error (I/O).
_GONE_CLASSES = ("08", "53", "57", "58")
# It answers, but takes no writes: disk full, lock_not_available (our lock
# timeout), read_only_sql_transaction (a standby).
_NO_WRITES = ("53100", "55P03", "25006")


def unavailable(error: BaseException) -> bool:
    """Whether `error` (or what it wraps) means the database is away, not a bug."""
    return _kind(error) is not None


def _kind(error: BaseException) -> str | None:
    """`gone`, `no_writes` (it answers but takes no writes), or None: not away."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, PoolTimeout | TooManyRequests):
            return "gone"
        if isinstance(seen, psycopg.Error):
            state = seen.sqlstate
            if state is None:
                # No answer from a server at all: refused, reset, closed (but a
                # pipeline aborted by an earlier statement's error is that error's).
                gone = isinstance(
                    seen, psycopg.OperationalError | psycopg.InterfaceError
                ) and not isinstance(seen, psycopg.errors.PipelineAborted)
                return "gone" if gone else None
            if state in _NO_WRITES:
                return "no_writes"
            return "gone" if state[:2] in _GONE_CLASSES else None
        seen = seen.__cause__
    return None


class HealingPool(ConnectionPool[Any]):
    """A pool that reconnects at a steady pace, and waits briefly during an outage."""

    def __init__(
        self, *args: Any, outage: Outage, reconnect_every: float, **kwargs: Any
    ) -> None:
        self.outage = outage
        self.reconnect_every = reconnect_every
        self.connected_at = 0.0  # time.monotonic() of the last new connection
        super().__init__(*args, **kwargs)

    def _connect(self, timeout: float | None = None) -> Any:
        # eventsourcing's pool extends the same method (for its password hook).
        conn = super()._connect(timeout)
        self.connected_at = time.monotonic()
        return conn

    def getconn(self, timeout: float | None = None) -> Any:
        if timeout is None and self.outage.since is not None:
            timeout = min(self.timeout, WAIT_WHILE_DOWN)
        return super().getconn(timeout)

    def schedule_task(self, task: Any, delay: float) -> None:
        # psycopg_pool doubles the pause between reconnection attempts: capped,
        # the first connection after an outage is made within one pause.
        if isinstance(task, AddConnection):
            delay = min(delay, self.reconnect_every)
        super().schedule_task(task, delay)


class HealingPostgresDatastore(PostgresDatastore):
    """eventsourcing's datastore on a `HealingPool`, raising `StoreUnavailable`."""

    def __init__(self, *args: Any, limits: StoreLimits, **kwargs: Any) -> None:
        super().__init__(*args, connect_timeout=limits.wait, **kwargs)
        self.limits = limits
        self.outage = Outage()
        # The base made its pool (unopened: no connection yet); make ours like it.
        base = self.pool
        params = dict(cast("dict[str, Any]", base.kwargs))
        params["connect_timeout"] = max(2, math.ceil(limits.connect_timeout))
        self.pool = self.healing = HealingPool(
            outage=self.outage,
            reconnect_every=limits.reconnect,
            get_password_func=self.pool.get_password_func,
            connection_class=self.pool.connection_class,
            kwargs=params,
            min_size=base.min_size,
            max_size=base.max_size,
            open=False,
            configure=self.after_connect_func(),
            check=ConnectionPool.check_connection if self.pre_ping else None,
            timeout=limits.wait,
            max_waiting=base.max_waiting,
            max_lifetime=base.max_lifetime,
            # Never give up reconnecting: the pool is how the store comes back.
            reconnect_timeout=math.inf,
        )

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        try:
            with super().get_connection() as conn:
                yield conn
        except StoreUnavailable:
            raise
        except Exception as error:
            kind = _kind(error)
            if kind is None:
                raise
            if kind == "no_writes":
                raise self.outage.failed(
                    error, may_retry=False, writes_only=True
                ) from error
            if self.outage.since is None:
                # Every idle connection died with the one that failed: drop them
                # all now rather than fail one call for each.
                self.pool.drain()
            # A call that had a connection may find a fresh one at once (the
            # server restarted while it was idle); one that got none, not.
            had_one = not isinstance(_root(error), PoolTimeout | TooManyRequests)
            raise self.outage.failed(error, may_retry=had_one) from error
        since = self.outage.since
        if since is not None:
            # Only a server that took a connection since the outage began is
            # back: a session it has not ended yet, as it shuts down, answers.
            self.outage.worked(fresh=self.healing.connected_at > since)


def _root(error: BaseException) -> BaseException:
    while error.__cause__ is not None:
        error = error.__cause__
    return error
