"""The unit of work a batch of commands runs in: aggregates loaded once, in order.

Commands in one batch see each other's effects. A command that fails is rolled
back on its own: the aggregates it touched are rebuilt from the store plus the
events of the commands before it, so one refused command never spoils the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from domain.errors import Code, Conflict, DomainError
from domain.model.base import BrigadeAggregate, journal

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

A = TypeVar("A", bound=BrigadeAggregate)
R = TypeVar("R")
Loader = Callable[["UUID"], BrigadeAggregate | None]


class UnitOfWork:
    """Aggregates touched by a batch, and every event the batch decided, in order.

    The handlers see it through the `domain.handlers.base.UnitOfWork` protocol
    (`find`, `add`): one idea, one name; this is the writer's implementation.
    """

    def __init__(self, load: Loader, load_stored: Loader) -> None:
        self._load = load
        self._load_stored = load_stored
        # Keyed by UUID.int: a UUID's hash is computed in Python, an int's is not,
        # and the write path looks aggregates up several times per command.
        self.touched: dict[int, BrigadeAggregate | None] = {}
        self.loaded_versions: dict[int, int] = {}
        self.events: list[CanMutateAggregate[UUID]] = []

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        aggregate = self._get(aggregate_id)
        return aggregate if isinstance(aggregate, cls) else None

    def add(self, aggregate: BrigadeAggregate) -> None:
        if self._get(aggregate.id) is not None:
            raise Conflict(Code.ALREADY_EXISTS, f"{aggregate.id} already exists")
        self.touched[aggregate.id.int] = aggregate

    def _get(self, aggregate_id: UUID) -> BrigadeAggregate | None:
        key = aggregate_id.int
        try:
            return self.touched[key]
        except KeyError:
            aggregate = self._load(aggregate_id)
            self.touched[key] = aggregate
            self.loaded_versions[key] = 0 if aggregate is None else aggregate.version
            return aggregate

    def run(self, decide: Callable[[UnitOfWork], R]) -> R:
        """Run one command; the events it decided (or kept) are appended to `events`."""
        with journal() as triggered:
            try:
                result = decide(self)
            except DomainError as error:
                if error.keeps_events:
                    self.events.extend(triggered)
                else:
                    self._roll_back(triggered)
                raise
            except BaseException:
                self._roll_back(triggered)
                raise
        self.events.extend(triggered)
        return result

    def _roll_back(self, triggered: list[CanMutateAggregate[UUID]]) -> None:
        for aggregate_id in {event.originator_id for event in triggered}:
            aggregate = self._load_stored(aggregate_id)
            for event in self.events:
                if event.originator_id == aggregate_id:
                    aggregate = cast("BrigadeAggregate", event.mutate(aggregate))
            self.touched[aggregate_id.int] = aggregate

    def collect(self) -> None:
        """Forget pending events once stored: the batch's list is the record."""
        for aggregate in self.touched.values():
            if aggregate is not None:
                aggregate.collect_events()
