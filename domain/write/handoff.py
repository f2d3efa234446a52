"""Handing commands to the writer thread, and their outcomes back to the callers.

One thread owns writing; `batch` says what it does with a batch. Callers hand it
commands from any thread (`submit`, `execute`) or event loop (`send`, `post`).
The commands an event loop posts during one of its turns travel together, and the
outcomes of one commit go back to each event loop in one wake-up.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from domain.write.batch import BatchCommitter

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

    from domain.application import Brigade
    from domain.commands import Command
    from domain.outcome import Outcome

    # Called with a command's outcome, or with the exception that failed it.
    Reply = Callable[[Outcome | BaseException], None]

log = logging.getLogger(__name__)


class WriterClosed(RuntimeError):
    """The writer has stopped and takes no more commands."""


@dataclass(slots=True)
class _Pending:
    command: Command
    # Called with the outcome (or the failure): on the writer's thread when `loop`
    # is None, else on that event loop.
    reply: Reply
    loop: asyncio.AbstractEventLoop | None = None


def _reply_all(
    replies: list[tuple[Reply, Outcome | BaseException]],
) -> None:
    for reply, result in replies:
        try:
            reply(result)
        except Exception:  # one caller's failure must not strand the others
            log.exception("a command's reply failed")


def _resolve(
    future: Future[Outcome] | asyncio.Future[Outcome], result: Outcome | BaseException
) -> None:
    if future.done():  # the caller gave up waiting
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)


class CommandWriter:
    """Runs commands against the store through one group-committing thread."""

    def __init__(
        self,
        brigade: Brigade,
        *,
        max_batch: int = 500,
        linger: float = 0.001,
        cache_size: int = 50_000,
    ):
        self.brigade = brigade
        self.max_batch = max_batch
        # How long a batch may wait for more of the callers the last batch served.
        self.linger = linger
        self._last_batch = 1
        self._committer = BatchCommitter(brigade, cache_size)
        # Each item is a run of commands: one from `submit`, or every command an
        # event loop sent during one of its turns (see `send`).
        self._queue: queue.SimpleQueue[list[_Pending] | None] = queue.SimpleQueue()
        self._outboxes: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
        self._overflow: list[_Pending] = []  # taken from the queue, beyond max_batch
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name="brigade-writer", daemon=True
        )
        self._thread.start()

    @property
    def batches(self) -> int:
        """How many batches were committed."""
        return self._committer.batches

    @property
    def commands(self) -> int:
        """How many commands those batches held."""
        return self._committer.commands

    def on_commit(self, listener: Callable[[int], None]) -> None:
        """Call `listener(position)` after each commit with the highest new position."""
        self.on_events(lambda positions, _: listener(max(positions)))

    def on_events(
        self, listener: Callable[[list[int], list[CanMutateAggregate[UUID]]], None]
    ) -> None:
        """Call `listener(positions, events)` after each commit with what it stored.

        In-process readers (the views) take the events from here rather than
        reading back and decoding what was just written.
        """
        self._committer.listeners.append(listener)

    def submit(self, command: Command) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        with self._lock:
            if self._closed:
                raise WriterClosed("the writer is closed")
            self._queue.put([_Pending(command, partial(_resolve, future))])
        return future

    def execute(self, command: Command, timeout: float | None = 60.0) -> Outcome:
        return self.submit(command).result(timeout)

    async def send(self, command: Command) -> Outcome:
        """Run `command`; the outcome arrives once its events are durable."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.post(command, partial(_resolve, future))
        return await future

    def post(self, command: Command, reply: Reply) -> None:
        """Run `command`; `reply(outcome)` runs on this event loop once it is durable.

        If the command fails, `reply` gets the exception instead. Commands posted
        during one turn of the event loop reach the writer thread together, at the
        end of the turn: one hand-over, not one thread wake-up (and one contest for
        the GIL) per command. The replies of one commit come back in one call.
        """
        loop = asyncio.get_running_loop()
        if self._closed:
            raise WriterClosed("the writer is closed")
        outbox = self._outboxes.get(loop)
        if outbox is None:
            outbox = self._outboxes[loop] = []
            loop.call_soon(self._hand_over, loop)
        outbox.append(_Pending(command, reply, loop))

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        outbox = self._outboxes.pop(loop)
        with self._lock:
            if not self._closed:
                self._queue.put(outbox)
                return
        closed = WriterClosed("the writer is closed")
        _reply_all([(pending.reply, closed) for pending in outbox])

    def close(self) -> None:
        """Finish the commands already queued, then stop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._take_batch()
            if batch:
                try:
                    settled = self._committer.commit(batch)
                except Exception as error:  # the writer outlives any batch
                    log.exception("a batch of %d commands failed", len(batch))
                    settled = [(pending, error) for pending in batch]
                self._deliver(settled)
                self._last_batch = len(batch)

    def _take_batch(self) -> tuple[list[_Pending], bool]:
        """Everything waiting, lingering briefly while the last batch's callers return.

        Callers that wait for their ack send their next command right after it:
        without the linger the first one back would be committed alone.
        """
        batch: list[_Pending] = []
        item = self._overflow or self._queue.get()
        self._overflow = []
        deadline: float | None = None
        while item is not None:
            batch.extend(item)
            if len(batch) >= self.max_batch:
                self._overflow = batch[self.max_batch :]
                return batch[: self.max_batch], False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if len(batch) >= self._last_batch or self.linger <= 0:
                    return batch, False
                if deadline is None:
                    deadline = time.monotonic() + self.linger
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return batch, False
                try:
                    item = self._queue.get(timeout=remaining)
                except queue.Empty:
                    return batch, False
        return batch, True

    def _deliver(self, settled: list[tuple[_Pending, Outcome | BaseException]]) -> None:
        """Hand every outcome of the batch to its caller: one wake-up per event loop."""
        by_loop: dict[
            asyncio.AbstractEventLoop,
            list[tuple[Reply, Outcome | BaseException]],
        ] = {}
        here: list[tuple[Reply, Outcome | BaseException]] = []
        for pending, result in settled:
            if pending.loop is None:
                here.append((pending.reply, result))
            else:
                by_loop.setdefault(pending.loop, []).append((pending.reply, result))
        _reply_all(here)
        for loop, replies in by_loop.items():
            try:
                loop.call_soon_threadsafe(_reply_all, replies)
            except RuntimeError:  # the loop has closed: nobody is waiting
                log.warning("dropped %d outcomes for a closed event loop", len(replies))
