"""Read your writes: wait on the event loop until the views hold a position.

A command is answered once its events are stored; the follower folds them into the
views a moment later, in its own thread. A page that lists what it has just changed
passes the command's position (`?after=`), and the read waits here until the views
hold it: woken by the follower's batches, never by polling, and never past a bound.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projections.base import Change
    from projections.follower import Follower


# How long a read waits for the views to hold the caller's own write, in seconds.
BOUND = 2.0


class Reached:
    """Futures settled when the follower's position reaches theirs."""

    def __init__(self, follower: Follower, bound: float = BOUND) -> None:
        self.follower = follower
        self.bound = bound
        self._loop: asyncio.AbstractEventLoop | None = None
        # (position, order, future): the lowest position first.
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._any = threading.Event()  # someone waits: batches wake the loop

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.follower.on_batch(self._batch)

    def _batch(self, _before: int, _at: list[int], _changes: list[Change]) -> None:
        """The follower's thread, holding the deltas' lock: only hand off."""
        if self._any.is_set() and self._loop is not None:
            self._loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        at = self.follower.position
        while self._waiting and self._waiting[0][0] <= at:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
        if not self._waiting:
            self._any.clear()

    async def wait(self, position: int) -> bool:
        """Whether the views hold `position` (waiting at most `bound` seconds)."""
        if self.follower.position >= position:
            return True
        if self._loop is None:  # not started (a tool, not a server): no waiting
            return False
        future: asyncio.Future[None] = self._loop.create_future()
        heapq.heappush(self._waiting, (position, next(self._order), future))
        self._any.set()
        self._settle()  # a batch folded between the check and the push
        try:
            await asyncio.wait_for(future, self.bound)
        except TimeoutError:
            self._waiting = [w for w in self._waiting if w[2] is not future]
            heapq.heapify(self._waiting)
            return False
        return True
