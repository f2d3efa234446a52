"""The brigade application: one event store for every aggregate, and command records."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.model.base import BrigadeAggregate
from domain.outcome import Outcome, Rejection

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from eventsourcing.domain import DomainEventProtocol
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.utils import EnvType

A = TypeVar("A", bound=BrigadeAggregate)
log = logging.getLogger(__name__)

# How far ahead of the server clock a phone's clock may run before a field time is
# refused as impossible.
DEFAULT_MAX_SKEW = timedelta(seconds=120)


class CommandRecorder(Protocol):
    """What brigade needs from a recorder beyond eventsourcing's ApplicationRecorder."""

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        commands: Sequence[tuple[str, bytes]] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None: ...

    def select_commands(self, command_ids: Sequence[str]) -> dict[str, bytes]: ...

    def select_notification_ids(
        self, keys: Sequence[tuple[UUID, int]]
    ) -> list[int | None]: ...

    def probe(self) -> int:
        """The last position; `StoreUnavailable` if the store cannot serve now."""
        ...


class CheckpointRecorder(Protocol):
    """Saved state of derived views, beside the events (see projections.checkpoint)."""

    def select_checkpoint(self, name: str) -> tuple[int, bytes] | None: ...

    def save_checkpoint(self, name: str, position: int, state: bytes) -> None: ...

    def drop_checkpoints(self) -> None: ...


class Brigade(Application[UUID]):
    """The event store of one deployment, with typed reads and command records."""

    name = "brigade"
    is_snapshotting_enabled = True
    snapshot_interval = 100

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        max_skew: timedelta = DEFAULT_MAX_SKEW,
    ) -> None:
        super().__init__(env)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.max_skew = max_skew
        if not hasattr(self.recorder, "select_commands"):
            msg = (
                f"{type(self.recorder).__name__} keeps no command records: "
                "configure the store with domain.store.config.store_env()"
            )
            raise TypeError(msg)

    @property
    def commands(self) -> CommandRecorder:
        return cast("CommandRecorder", self.recorder)

    @property
    def checkpoints(self) -> CheckpointRecorder:
        return cast("CheckpointRecorder", self.recorder)

    def to_stored_events(
        self, events: Sequence[DomainEventProtocol[UUID]]
    ) -> list[StoredEvent]:
        """Map a batch for the store, sealing personal fields (domain/store/sealing)."""
        batch = getattr(self.mapper, "to_stored_events", None)
        if batch is not None:
            return cast("list[StoredEvent]", batch(events))
        return [self.mapper.to_stored_event(e) for e in events]

    def erased(self, subjects: Sequence[UUID]) -> None:
        """After an erasure committed: drop the cached keys, scrub the key table."""
        forget = getattr(self.mapper, "forget", None)
        if forget is not None:
            forget(subjects)
        scrub = getattr(self.recorder, "scrub", None)
        if scrub is not None:
            try:
                scrub()
            except Exception:  # the erasure stands; the old bytes go at the next one
                log.exception("could not scrub the key table after an erasure")

    def load(self, aggregate_id: UUID) -> BrigadeAggregate | None:
        """The aggregate as stored, or None."""
        try:
            return cast("BrigadeAggregate", self.repository.get(aggregate_id))
        except AggregateNotFoundError:
            return None

    def get(self, cls: type[A], aggregate_id: UUID) -> A:
        """The stored aggregate of the given class; KeyError if there is none."""
        aggregate = self.load(aggregate_id)
        if not isinstance(aggregate, cls):
            raise KeyError(aggregate_id)
        return aggregate

    def encode_record(
        self,
        events: Sequence[tuple[UUID, int]],
        result: Mapping[str, str],
        rejection: Rejection | None,
    ) -> bytes:
        """The durable record of a processed command, written with its events."""
        record = {
            "events": [[originator_id, version] for originator_id, version in events],
            "result": dict(result),
            "rejection": None
            if rejection is None
            else [rejection.code, rejection.message, rejection.kind],
        }
        return self.mapper.transcoder.encode(record)

    def recorded_outcomes(self, command_ids: Sequence[UUID]) -> dict[UUID, Outcome]:
        """The outcomes of commands already processed, with their events' positions."""
        records = self.commands.select_commands([str(i) for i in command_ids])
        outcomes: dict[UUID, Outcome] = {}
        for key, data in records.items():
            record = self.mapper.transcoder.decode(data)
            events = [(UUID(str(e[0])), int(e[1])) for e in record["events"]]
            positions = self.commands.select_notification_ids(events) if events else []
            rejection = record["rejection"]
            command_id = UUID(key)
            outcomes[command_id] = Outcome(
                command_id=command_id,
                positions=tuple(p for p in positions if p is not None),
                result=record["result"],
                rejection=None if rejection is None else Rejection(*rejection),
                replayed=True,
            )
        return outcomes
