"""A shared resume history in Redis Streams: every event's changes, once, chained.

Each process follows the store and serves its own subscribers from it; Redis never
decides what a view holds. What Redis adds is history that outlives a process:
every event's changes (those not coalesced) are appended to one stream, once,
under the id `<position>-1`, so the first process to publish a position wins and
the others' copies are refused. Each entry names the position of the event before
it, so a reader sees a gap (history trimmed, or lost in a Redis restart, or not
written while Redis was down) and answers it with a reset: take a snapshot.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import TYPE_CHECKING, Any

import msgpack
import redis

from projections.base import Change
from projections.deltas import Reset

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.follower import Follower

log = logging.getLogger(__name__)

Entry = tuple[int, int, list[Change]]  # (position, previous position, changes)


class StreamRelay:
    """Publishes a follower's changes to Redis and reads them back for resuming."""

    def __init__(
        self,
        follower: Follower,
        redis_url: str,
        *,
        stream: str = "brigade:deltas",
        maxlen: int = 100_000,
        backlog: int = 10_000,
    ) -> None:
        self.follower = follower
        self.stream = stream
        self.maxlen = maxlen
        self.client = redis.Redis.from_url(
            redis_url, socket_timeout=2, socket_connect_timeout=2
        )
        self._queue: queue.Queue[list[Entry] | None] = queue.Queue(maxsize=backlog)
        self._thread = threading.Thread(
            target=self._run, name="brigade-relay", daemon=True
        )
        self.published = 0
        self.refused = 0
        self.missed = 0  # entries never published: Redis was away
        # While Redis is away: since when, and how many entries it has missed.
        self._away_since: float | None = None
        self._missed = 0
        self._missed_lock = threading.Lock()
        follower.on_batch(self._on_batch)
        follower.deltas.relay = self

    def start(self) -> StreamRelay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)
        self.client.close()

    def _on_batch(
        self, previous: int, positions: list[int], changes: list[Change]
    ) -> None:
        by_position: dict[int, list[Change]] = {p: [] for p in positions}
        for change in changes:
            if change.position in by_position:
                by_position[change.position].append(change)
        entries: list[Entry] = []
        for position in positions:
            entries.append((position, previous, by_position[position]))
            previous = position
        try:
            self._queue.put_nowait(entries)
        except queue.Full:
            # Redis has been away too long: these entries are lost to it, and the
            # chain will show the gap to anyone resuming across it.
            self._lost(len(entries), "the relay's backlog is full")

    def _run(self) -> None:
        while True:
            entries = self._queue.get()
            if entries is None:
                return
            try:
                self._publish(entries)
            except redis.RedisError as error:
                self._lost(len(entries), str(error))
            else:
                self._back()

    def _lost(self, count: int, why: str) -> None:
        """Entries Redis will not have; logged once when it goes away, not per batch."""
        with self._missed_lock:
            first = self._away_since is None
            if first:
                self._away_since = time.monotonic()
            self._missed += count
            self.missed += count
        if first:
            log.warning("Redis unavailable (%s): publishing again once it is back", why)

    def _back(self) -> None:
        if self._away_since is None:
            return
        with self._missed_lock:
            since, missed = self._away_since, self._missed
            self._away_since, self._missed = None, 0
        if since is None:
            return
        log.warning(
            "Redis is back after %.1f s: %d entries were not published",
            time.monotonic() - since,
            missed,
        )

    def _publish(self, entries: list[Entry]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for position, previous, changes in entries:
            data = msgpack.packb([[c.view, c.key, c.row] for c in changes])
            pipe.xadd(
                self.stream,
                {"p": position, "q": previous, "c": data},
                id=f"{position}-1",
                maxlen=self.maxlen,
                approximate=True,
            )
        for answer in pipe.execute(raise_on_error=False):
            if isinstance(answer, redis.ResponseError):
                self.refused += 1  # another process published this position first
            elif isinstance(answer, Exception):
                raise answer
            else:
                self.published += 1

    def since(
        self, after: int, until: int, views: Iterable[str]
    ) -> list[Change] | Reset:
        """The changes of positions in (after, until], if the stream holds them all."""
        wanted = set(views)
        try:
            raw: Any = self.client.xrange(
                self.stream, min=f"{after + 1}-0", max=f"{until}-1"
            )
        except redis.RedisError:
            return Reset(after, until)
        expected, changes = after, []
        for _, fields in raw:
            position, previous = int(fields[b"p"]), int(fields[b"q"])
            if previous != expected:
                return Reset(after, until)
            expected = position
            for view, key, row in msgpack.unpackb(fields[b"c"]):
                if view in wanted:
                    changes.append(Change(view, position, key, row))
        if expected != until:
            return Reset(after, until)
        return changes
