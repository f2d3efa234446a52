"""A store that cannot be reached or written: one exception, and one log line each way.

Each store adapter decides which of its driver's errors mean "unavailable" (the
server is gone, the disk is full, the file is read-only, a lock was not granted
in time) and raises `StoreUnavailable` for them, from one `Outage` that remembers
since when. Everything above the store (the writer, the views, `/ready`) treats
that one exception alike: nothing of the call was stored for sure, and the same
call may be made again, later, with the same command id.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("domain.store")


class StoreUnavailable(Exception):
    """The store cannot be reached or written now; send the same command again.

    `first` is set on the failure that found the store gone on a connection that
    had been idle: if the server restarted meanwhile, that call alone failed, so
    its caller may try once more at once.
    """

    def __init__(self, reason: str, *, first: bool = False) -> None:
        super().__init__(reason)
        self.first = first


class Outage:
    """Whether a store's calls are failing for want of the store, and since when.

    Two kinds: the store is gone (no connection, or it ended ours), which any
    call on a connection made since ends; or it refuses writes (disk full,
    read-only, a lock not granted in time) while reads work, which only a write
    ends. Either way a run of failures is one line in the log, and its end one.
    """

    def __init__(self) -> None:
        self.since: float | None = None  # time.monotonic() of the first failure
        self.writes_only = False  # reads still work: only a write ends it
        self._lock = threading.Lock()

    def failed(
        self, error: BaseException, *, may_retry: bool, writes_only: bool = False
    ) -> StoreUnavailable:
        """The exception to raise for `error`; logs once when an outage begins.

        `may_retry`: whether the same call might succeed at once on a fresh
        connection (the store restarted), if this failure began the outage.
        """
        with self._lock:
            first = self.since is None
            if first:
                self.since = time.monotonic()
                self.writes_only = writes_only
            elif not writes_only:
                self.writes_only = False  # reads fail too now
        if first:
            log.warning("the store is unavailable: %s", _reason(error))
        return StoreUnavailable(_reason(error), first=first and may_retry)

    def worked(self, *, wrote: bool = False, fresh: bool = True) -> None:
        """A call succeeded (`wrote`: it committed a write; `fresh`: on a connection
        made since the outage began); logs once if that shows the store is back."""
        since = self.since
        if since is None:  # the common case, without the lock
            return
        if not (wrote if self.writes_only else fresh or wrote):
            return
        with self._lock:
            if self.since != since:
                return
            self.since = None
        log.warning(
            "the store is available again after %.1f s", time.monotonic() - since
        )


def _reason(error: BaseException) -> str:
    """The driver's own words, on one line (eventsourcing wraps them once or twice)."""
    cause: BaseException | None = error
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    text = " ".join(str(cause or error).split())
    return f"{type(cause or error).__name__}: {text}" if text else type(error).__name__
