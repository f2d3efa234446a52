"""The write path: concurrent commands committed together, each told its own outcome.

One thread owns writing. It takes every command waiting in its queue, runs them
in order in one unit of work, and stores all their events and command records in
one transaction: one fsync for the whole batch (group commit). A refused command
is rolled back alone; if the transaction itself fails, the batch is retried one
command at a time so that one bad command cannot fail the others. A batch is
not looked up in the command records before it runs: the records' primary key
refuses a retried command id, and only then is the batch run again, its retries
answered from their records.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import random
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError

from domain.aggregates import Aggregates
from domain.errors import DomainError
from domain.handlers import Result, decide
from domain.outcome import Outcome, Rejection
from domain.unit_of_work import WriteUnit

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

    from domain.application import Brigade
    from domain.commands import Command

    # Called with a command's outcome, or with the exception that failed it.
    Reply = Callable[[Outcome | BaseException], None]

log = logging.getLogger(__name__)

# A conflict with another writer (another process on the same store) is retried
# with fresh state, after a random pause that doubles each time (capped) so that
# writers racing for one aggregate fall out of step, before the command fails.
CONFLICT_RETRIES = 20
CONFLICT_PAUSE = 0.001
CONFLICT_PAUSE_CAP = 0.1
# After a batch turned out to hold a retried command, the next batches look their
# command ids up before running them.
CAREFUL_BATCHES = 32


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


@dataclass
class _Decision:
    pending: _Pending
    start: int
    stop: int
    result: dict[str, str]
    rejection: Rejection | None
    recorded: bool
    failure: BaseException | None = None


class CommandWriter:
    """Runs commands against the store through one group-committing thread."""

    def __init__(
        self,
        app: Brigade,
        *,
        max_batch: int = 500,
        linger: float = 0.001,
        cache_size: int = 50_000,
    ):
        self.app = app
        self.max_batch = max_batch
        # How long a batch may wait for more of the callers the last batch served.
        self.linger = linger
        self._last_batch = 1
        self._careful = 0  # batches left that look their command ids up first
        self.aggregates = Aggregates(app, cache_size)
        # Each item is a run of commands: one from `submit`, or every command an
        # event loop sent during one of its turns (see `send`).
        self._queue: queue.SimpleQueue[list[_Pending] | None] = queue.SimpleQueue()
        self._outboxes: dict[asyncio.AbstractEventLoop, list[_Pending]] = {}
        self._held: list[_Pending] = []  # taken from the queue, beyond max_batch
        self._listeners: list[
            Callable[[list[int], list[CanMutateAggregate[UUID]]], None]
        ] = []
        self._settled: list[tuple[_Pending, Outcome | BaseException]] = []
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name="brigade-writer", daemon=True
        )
        self._thread.start()
        self.batches = 0
        self.commands = 0

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
        self._listeners.append(listener)

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
                self._process(batch)
                self._last_batch = len(batch)

    def _take_batch(self) -> tuple[list[_Pending], bool]:
        """Everything waiting, lingering briefly while the last batch's callers return.

        Callers that wait for their ack send their next command right after it:
        without the linger the first one back would be committed alone.
        """
        batch: list[_Pending] = []
        item = self._held or self._queue.get()
        self._held = []
        deadline: float | None = None
        while item is not None:
            batch.extend(item)
            if len(batch) >= self.max_batch:
                self._held = batch[self.max_batch :]
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

    def _process(self, batch: list[_Pending]) -> None:
        # The same command id twice in one batch runs once; the others get its outcome.
        groups: dict[UUID, list[_Pending]] = {}
        for pending in batch:
            key = pending.command.command_id
            if key in groups:
                groups[key].append(pending)
            else:
                groups[key] = [pending]
        outcomes = self._first_time(groups) if not self._careful else None
        if outcomes is None:
            self._careful = max(self._careful - 1, 0)
            outcomes = self._looking_first(groups, batch)
            if outcomes is None:
                return
        for key, group in groups.items():
            outcome = outcomes.get(key)
            for i, pending in enumerate(group):
                if outcome is None:
                    continue  # its future already carries the failure
                self._settle(
                    pending, outcome if i == 0 else replace(outcome, replayed=True)
                )
        self._deliver()
        self.batches += 1
        self.commands += len(batch)

    def _first_time(
        self, groups: dict[UUID, list[_Pending]]
    ) -> dict[UUID, Outcome] | None:
        """Run the batch as if no command were a retry; None if one was.

        Retries are rare, so the batch is not looked up first: the command records'
        primary key refuses a recorded id, the whole transaction with it, and the
        batch is then run again after looking its ids up (as are the next few,
        since retries come in bursts, after a reconnect).
        """
        try:
            self.aggregates.forget_what_others_wrote()
            return self._decide_and_store([group[0] for group in groups.values()])
        except IntegrityError:
            # A recorded command id, or another writer's new version of an aggregate.
            self._careful = CAREFUL_BATCHES
            return None
        except Exception:
            log.debug("a batch failed; running it again with care", exc_info=True)
            return None

    def _looking_first(
        self, groups: dict[UUID, list[_Pending]], batch: list[_Pending]
    ) -> dict[UUID, Outcome] | None:
        """Answer retries from their records, and run the rest; None if it failed."""
        try:
            outcomes = self.app.recorded_outcomes(list(groups))
        except Exception as error:
            log.exception("could not read command records")
            for pending in batch:
                self._settle(pending, error)
            self._deliver()
            return None
        fresh = [group[0] for key, group in groups.items() if key not in outcomes]
        try:
            self.aggregates.forget_what_others_wrote()
        except Exception:
            self.aggregates.clear()
        outcomes.update(self._commit_batch(fresh))
        return outcomes

    def _settle(self, pending: _Pending, result: Outcome | BaseException) -> None:
        self._settled.append((pending, result))

    def _deliver(self) -> None:
        """Hand every outcome of the batch to its caller: one wake-up per event loop."""
        by_loop: dict[
            asyncio.AbstractEventLoop,
            list[tuple[Reply, Outcome | BaseException]],
        ] = {}
        for pending, result in self._settled:
            if pending.loop is None:
                pending.reply(result)
            else:
                by_loop.setdefault(pending.loop, []).append((pending.reply, result))
        self._settled = []
        for loop, replies in by_loop.items():
            try:
                loop.call_soon_threadsafe(_reply_all, replies)
            except RuntimeError:  # the loop has closed: nobody is waiting
                log.warning("dropped %d outcomes for a closed event loop", len(replies))

    def _commit_batch(self, pendings: Sequence[_Pending]) -> dict[UUID, Outcome]:
        if not pendings:
            return {}
        try:
            return self._decide_and_store(pendings)
        except Exception as error:
            if len(pendings) > 1:
                outcomes: dict[UUID, Outcome] = {}
                for pending in pendings:
                    outcomes.update(self._commit_batch([pending]))
                return outcomes
            return self._retry_alone(pendings[0], error)

    def _retry_alone(self, pending: _Pending, error: Exception) -> dict[UUID, Outcome]:
        for attempt in range(CONFLICT_RETRIES):
            if not isinstance(error, IntegrityError):
                break
            time.sleep(
                random.uniform(0, min(CONFLICT_PAUSE * 2**attempt, CONFLICT_PAUSE_CAP))
            )
            # Another writer got there first: with this command id, or with a new
            # version of an aggregate. Either way, look again with fresh state.
            key = pending.command.command_id
            recorded = self.app.recorded_outcomes([key])
            if key in recorded:
                return recorded
            try:
                return self._decide_and_store([pending])
            except Exception as again:
                error = again
        log.error("command %s failed: %r", pending.command.command_id, error)
        self._settle(pending, error)
        return {}

    def _decide_and_store(self, pendings: Sequence[_Pending]) -> dict[UUID, Outcome]:
        unit = WriteUnit(self.aggregates.load, self.app.load)
        now = self.app.clock()
        decisions: list[_Decision] = []
        for pending in pendings:
            command = pending.command
            start = len(unit.events)

            def run(u: WriteUnit, command: Command = command) -> Result:
                return decide(u, command, now, self.app.max_skew)

            try:
                result, start, stop = unit.run(run)
                decisions.append(
                    _Decision(pending, start, stop, dict(result), None, True)
                )
            except DomainError as error:
                stop = len(unit.events)
                decisions.append(
                    _Decision(
                        pending, start, stop, {}, Rejection.of(error), error.recorded
                    )
                )
            except Exception as error:  # a bug in a handler: fail this command only
                log.exception("command %s failed", command.command_id)
                decisions.append(
                    _Decision(pending, start, start, {}, None, False, error)
                )
        try:
            positions = self._store(unit, decisions)
        except Exception:
            self.aggregates.forget(unit.touched)
            raise
        self.aggregates.remember(unit, positions)
        outcomes: dict[UUID, Outcome] = {}
        for d in decisions:
            if d.failure is not None:
                self._settle(d.pending, d.failure)
                continue
            outcomes[d.pending.command.command_id] = Outcome(
                command_id=d.pending.command.command_id,
                positions=tuple(positions[d.start : d.stop]),
                result=d.result,
                rejection=d.rejection,
            )
        if positions:
            for listener in self._listeners:
                listener(positions, unit.events)
        return outcomes

    def _store(self, unit: WriteUnit, decisions: list[_Decision]) -> list[int]:
        records = []
        for d in decisions:
            if d.recorded and d.failure is None:
                keys = [
                    (e.originator_id, e.originator_version)
                    for e in unit.events[d.start : d.stop]
                ]
                records.append(
                    (
                        str(d.pending.command.command_id),
                        self.app.encode_record(keys, d.result, d.rejection),
                    )
                )
        if not unit.events and not records:
            return []
        stored = [self.app.mapper.to_stored_event(e) for e in unit.events]
        ids = self.app.commands.insert_events(stored, commands=records)
        return list(ids or [])
