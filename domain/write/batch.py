"""Deciding and storing one batch of commands: group commit, and catching retries.

A batch is stored in one transaction: every command's events and its command
record, one fsync for all (group commit). A command the domain refuses is rolled
back alone (see `unit_of_work`); if the transaction itself fails, the batch is
committed again one command per transaction, so one bad command cannot fail the
others. Retries are rare, so a batch runs FAST: its command ids are not looked up
first. The records' primary key refuses a retried id, the transaction rolls back
whole, and the batch runs again CAREFUL: ids looked up first, retries answered
from their records. A store that cannot be reached or written fails the whole
batch at once with `StoreUnavailable`: every sender is told to send again.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol, TypeVar

from eventsourcing.persistence import IntegrityError

from domain.errors import DomainError
from domain.handlers import decide
from domain.outcome import Outcome, Rejection
from domain.privacy import erases_person
from domain.store.config import StoreLimits
from domain.store.outage import StoreUnavailable
from domain.write.aggregates import AggregateCache
from domain.write.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime, timedelta
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

    from domain.application import Brigade
    from domain.commands import Command

    # A command's outcome, or the exception that failed it.
    Settlement = Outcome | BaseException
    EventsListener = Callable[[list[int], list[CanMutateAggregate[UUID]]], None]

log = logging.getLogger(__name__)

# A conflict with another writer (another process on the same store) is retried
# with fresh state, after a random pause that doubles each time (capped) so that
# writers racing for one aggregate fall out of step, before the command fails.
CONFLICT_RETRIES = 20
CONFLICT_PAUSE = 0.001
CONFLICT_PAUSE_CAP = 0.1
# How many batches run CAREFUL once a retried command id was seen, the rerun of
# the batch that held it counted first.
CAREFUL_BATCHES = 32


class Mode(Enum):
    FAST = "fast"  # run as if no command were a retry
    CAREFUL = "careful"  # look the command ids up first; answer retries from records


@dataclass
class LookupPolicy:
    """Which mode the next batch runs in: FAST, except for a spell after a retry.

    Retries come in bursts (a phone reconnects and resends its outbox), so a
    retry seen starts a spell of CAREFUL batches rather than one.
    """

    spell: int = CAREFUL_BATCHES
    left: int = 0  # CAREFUL batches left in the spell

    def mode(self) -> Mode:
        return Mode.CAREFUL if self.left else Mode.FAST

    def retry_seen(self) -> None:
        self.left = self.spell

    def ran_careful(self) -> None:
        self.left = max(self.left - 1, 0)


class Carrier(Protocol):
    """What the hand-over wraps a command in (with its reply)."""

    command: Command


P = TypeVar("P", bound=Carrier)


@dataclass(slots=True, kw_only=True)
class _Decision:
    """What the domain made of one command; its events are `unit.events[start:stop]`."""

    command_id: UUID
    start: int
    stop: int
    result: Mapping[str, str] = field(default_factory=dict)
    rejection: Rejection | None = None
    recorded: bool = True  # stored with its events, to answer a retry of it
    failure: BaseException | None = None  # a bug in a handler: this command fails


class BatchCommitter:
    """Decides and stores the writer thread's batches; one per call of `commit`."""

    def __init__(self, brigade: Brigade, cache_size: int = 50_000) -> None:
        self.brigade = brigade
        self.cache = AggregateCache(brigade, cache_size)
        self.lookups = LookupPolicy()
        # Runs again at once of a batch whose connection had died while idle.
        self.retries = StoreLimits.from_env(brigade.env).retries
        self.listeners: list[EventsListener] = []
        self.batches = 0
        self.commands = 0

    def commit(self, batch: Sequence[P]) -> list[tuple[P, Settlement]]:
        """Each carrier with its command's outcome, or the exception that failed it."""
        # The same command id twice in one batch runs once; the others get its outcome.
        groups: dict[UUID, list[P]] = {}
        for carrier in batch:
            key = carrier.command.command_id
            if key in groups:
                groups[key].append(carrier)
            else:
                groups[key] = [carrier]
        retries = self.retries
        while True:
            try:
                return self._commit(batch, groups)
            except StoreUnavailable as error:
                # Whatever of the batch was stored is answered from its record
                # when sent again: the same ids take effect once.
                if error.first and retries > 0:
                    retries -= 1
                    continue
                return _settle(groups, dict.fromkeys(groups, error))

    def _commit(
        self, batch: Sequence[P], groups: dict[UUID, list[P]]
    ) -> list[tuple[P, Settlement]]:
        if self.lookups.mode() is Mode.FAST:
            try:
                self.cache.forget_what_others_wrote()
                results = self._decide_and_store(
                    [g[0].command for g in groups.values()]
                )
            except StoreUnavailable:
                raise
            except IntegrityError:
                # A recorded command id, or another writer's new version of an
                # aggregate: this batch and the spell after it look ids up first.
                self.lookups.retry_seen()
            except Exception:
                log.debug("a batch failed; running it again with care", exc_info=True)
            else:
                return self._counted(batch, groups, results)
        self.lookups.ran_careful()
        try:
            recorded = self.brigade.recorded_outcomes(list(groups))
        except StoreUnavailable:
            raise
        except Exception as error:
            log.exception("could not read command records")
            # Nothing ran: every sender learns why, and no batch is counted.
            return _settle(groups, dict.fromkeys(groups, error))
        return self._counted(batch, groups, self._careful(groups, recorded))

    def _counted(
        self,
        batch: Sequence[P],
        groups: dict[UUID, list[P]],
        results: dict[UUID, Settlement],
    ) -> list[tuple[P, Settlement]]:
        self.batches += 1
        self.commands += len(batch)
        return _settle(groups, results)

    def _careful(
        self, groups: dict[UUID, list[P]], recorded: dict[UUID, Outcome]
    ) -> dict[UUID, Settlement]:
        """Answer retries from their records, and commit the rest."""
        results: dict[UUID, Settlement] = dict(recorded)
        fresh = [g[0].command for key, g in groups.items() if key not in recorded]
        try:
            self.cache.forget_what_others_wrote()
        except StoreUnavailable:
            raise
        except Exception:
            self.cache.clear()
        results.update(self._commit_or_split(fresh))
        return results

    def _commit_or_split(self, commands: Sequence[Command]) -> dict[UUID, Settlement]:
        """Commit together; if that fails, one command per transaction."""
        if not commands:
            return {}
        try:
            return self._decide_and_store(commands)
        except StoreUnavailable:
            raise
        except Exception as error:
            if len(commands) == 1:
                return self._retry_alone(commands[0], error)
            results: dict[UUID, Settlement] = {}
            for command in commands:
                results.update(self._commit_or_split([command]))
            return results

    def _retry_alone(
        self, command: Command, error: Exception
    ) -> dict[UUID, Settlement]:
        key = command.command_id
        for attempt in range(CONFLICT_RETRIES):
            if not isinstance(error, IntegrityError):
                break
            time.sleep(
                random.uniform(0, min(CONFLICT_PAUSE * 2**attempt, CONFLICT_PAUSE_CAP))
            )
            # Another writer got there first: with this command id, or with a new
            # version of an aggregate. Either way, look again with fresh state.
            try:
                recorded = self.brigade.recorded_outcomes([key])
                if key in recorded:
                    return {key: recorded[key]}
                return self._decide_and_store([command])
            except StoreUnavailable:
                raise
            except Exception as again:
                error = again
        log.error("command %s failed: %r", key, error)
        return {key: error}

    def _decide_and_store(self, commands: Sequence[Command]) -> dict[UUID, Settlement]:
        """Decide the commands in order and store them in one transaction (or raise)."""
        unit = UnitOfWork(self.cache.load, self.brigade.load)
        now, max_skew = self.brigade.clock(), self.brigade.max_skew
        decisions = [_decide(unit, command, now, max_skew) for command in commands]
        try:
            positions = self._store(unit, decisions)
        except Exception:
            self.cache.forget(unit.touched)
            raise
        self.cache.remember(unit, positions)
        results: dict[UUID, Settlement] = {}
        for d in decisions:
            results[d.command_id] = (
                d.failure
                if d.failure is not None
                else Outcome(
                    command_id=d.command_id,
                    positions=tuple(positions[d.start : d.stop]),
                    result=d.result,
                    rejection=d.rejection,
                )
            )
        if positions:
            for listener in self.listeners:
                listener(positions, unit.events)
        return results

    def _store(self, unit: UnitOfWork, decisions: list[_Decision]) -> list[int]:
        records = [
            (
                str(d.command_id),
                self.brigade.encode_record(
                    [
                        (e.originator_id, e.originator_version)
                        for e in unit.events[d.start : d.stop]
                    ],
                    d.result,
                    d.rejection,
                ),
            )
            for d in decisions
            if d.recorded
        ]
        if not unit.events and not records:
            return []
        stored = self.brigade.to_stored_events(unit.events)
        # Erasing a person deletes their key in the same transaction as the fact.
        erase = [e.originator_id for e in unit.events if erases_person(type(e))]
        ids = self.brigade.commands.insert_events(
            stored, commands=records, **({"erase": erase} if erase else {})
        )
        if erase:
            self.brigade.erased(erase)
        return list(ids or [])


def _decide(
    unit: UnitOfWork, command: Command, now: datetime, max_skew: timedelta
) -> _Decision:
    start = len(unit.events)
    try:
        result = unit.run(lambda u: decide(u, command, now, max_skew))
    except StoreUnavailable:  # not the command's fault: the whole batch fails
        raise
    except DomainError as error:
        return _Decision(
            command_id=command.command_id,
            start=start,
            stop=len(unit.events),  # a refusal may keep its events
            rejection=Rejection.of(error),
            recorded=error.recorded,
        )
    except Exception as error:  # a bug in a handler: fail this command only
        log.exception("command %s failed", command.command_id)
        return _Decision(
            command_id=command.command_id,
            start=start,
            stop=start,
            recorded=False,
            failure=error,
        )
    return _Decision(
        command_id=command.command_id,
        start=start,
        stop=len(unit.events),
        result=dict(result),
    )


def _settle(
    groups: Mapping[UUID, list[P]], results: Mapping[UUID, Settlement]
) -> list[tuple[P, Settlement]]:
    """Each command's settlement for its carriers; repeats of its id get it replayed."""
    settled: list[tuple[P, Settlement]] = []
    for key, group in groups.items():
        result = results[key]
        settled.append((group[0], result))
        if len(group) > 1:
            again = (
                result
                if isinstance(result, BaseException)
                else replace(result, replayed=True)
            )
            settled.extend((carrier, again) for carrier in group[1:])
    return settled
