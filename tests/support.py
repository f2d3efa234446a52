"""Test helpers: a fixed clock, a scenario that sends commands, fresh PG schemas."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode, urlsplit
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from domain import commands as c
from domain.errors import Code, Conflict, DomainError
from domain.handlers import decide
from domain.model.base import BrigadeAggregate, Provenance
from domain.model.incident import Incident
from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from domain.application import Brigade
    from domain.handlers import Result
    from domain.outcome import Outcome
    from domain.write import CommandWriter
    from projections.follower import Follower

POSTGRES_URL = os.environ.get(
    "BRIGADE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CST = timezone(timedelta(hours=8), "CST")
# Typhoon Doksuri made landfall at Jinjiang at about 09:55 local time.
LANDFALL = datetime(2023, 7, 28, 9, 55, tzinfo=CST)
COMMANDER = c.Actor(Role.COMMANDER, "duty-officer")
QUANZHOU = (118.59, 24.91)  # lon, lat near Luojiang


@dataclass
class Clock:
    """A server clock the test moves by hand."""

    now: datetime = LANDFALL + timedelta(hours=2)

    def __call__(self) -> datetime:
        return self.now


def volunteer(volunteer_id: UUID) -> c.Actor:
    return c.Actor(Role.VOLUNTEER, str(volunteer_id))


def provenance(minutes: int = 0) -> Provenance:
    """Provenance for calling an aggregate directly, `minutes` after landfall."""
    return Provenance(
        occurred_at=LANDFALL + timedelta(minutes=minutes),
        actor="test",
        command_id=uuid4(),
    )


def flood(operation_id: UUID | None = None) -> Incident:
    """A flood reported straight on the aggregate, without a store."""
    return Incident.report(
        uuid4(),
        operation_id or uuid4(),
        kind="flood",
        lat=24.9,
        lon=118.6,
        address="",
        severity=3,
        description="",
        p=provenance(),
    )


def refused(code: Code) -> pytest.RaisesExc[DomainError]:
    """Expect the domain to refuse with this code."""
    return pytest.raises(DomainError, check=lambda e: e.code is code)


@dataclass
class Scenario:
    """Sends commands as a person would, one field minute apart."""

    writer: CommandWriter
    field_time: datetime = LANDFALL
    sent: list[c.Command] = field(default_factory=list)

    def command(
        self, kind: type[c.Command], /, *, actor: c.Actor = COMMANDER, **fields: Any
    ) -> c.Command:
        self.field_time += timedelta(minutes=1)
        fields.setdefault("command_id", uuid4())
        fields.setdefault("occurred_at", self.field_time)
        return kind(actor=actor, **fields)

    def do(
        self, kind: type[c.Command], /, *, actor: c.Actor = COMMANDER, **fields: Any
    ) -> Outcome:
        command = self.command(kind, actor=actor, **fields)
        self.sent.append(command)
        return self.writer.execute(command)

    def ok(
        self, kind: type[c.Command], /, *, actor: c.Actor = COMMANDER, **fields: Any
    ) -> Outcome:
        outcome = self.do(kind, actor=actor, **fields)
        assert outcome.accepted, outcome.rejection
        return outcome

    def new(
        self,
        kind: type[c.Command],
        key: str,
        /,
        *,
        actor: c.Actor = COMMANDER,
        **fields: Any,
    ) -> UUID:
        """Send a create command and return the id of what it created."""
        return UUID(self.ok(kind, actor=actor, **fields).result[key])

    def operation(self, name: str = "Typhoon Doksuri response") -> UUID:
        outcome = self.ok(c.OpenOperation, name=name, kind="typhoon")
        return UUID(outcome.result["operation_id"])

    def incident(
        self, operation_id: UUID, kind: str = "flood", severity: int = 4
    ) -> UUID:
        lon, lat = QUANZHOU
        outcome = self.ok(
            c.ReportIncident,
            operation_id=operation_id,
            kind=kind,
            lat=lat,
            lon=lon,
            address="Shuangyang Street",
            severity=severity,
            description="water rising in the ground floor",
        )
        return UUID(outcome.result["incident_id"])

    def registered(self, name: str = "Chen Wei", domains: tuple[str, ...] = ()) -> UUID:
        outcome = self.ok(
            c.RegisterVolunteer,
            name=name,
            contact="+86 595 0000",
            domains=list(domains),
        )
        return UUID(outcome.result["volunteer_id"])

    def ready_volunteer(
        self,
        name: str = "Chen Wei",
        courses: tuple[str, ...] = ("basic-fire-safety", "water-rescue", "first-aid"),
        *,
        vetted: bool = True,
        insured: bool = True,
        on_shift: bool = True,
    ) -> UUID:
        """A volunteer who passes every rule unless told otherwise."""
        vid = self.registered(name, ("water_rescue", "first_aid"))
        if vetted:
            self.ok(c.DecideVetting, volunteer_id=vid, approved=True)
        for course in courses:
            self.ok(
                c.RecordCourse, volunteer_id=vid, course=course, passed=True, score=88
            )
        if insured:
            self.ok(
                c.RecordInsurance,
                volunteer_id=vid,
                policy="PICC-2023-001",
                valid_until=LANDFALL + timedelta(days=180),
            )
        if on_shift:
            self.ok(c.StartShift, volunteer_id=vid, actor=volunteer(vid))
        return vid


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A database URL naming a new empty schema, dropped with all in it afterwards."""
    name = f"brigade_test_{uuid4().hex[:12]}"
    server = urlsplit(POSTGRES_URL)._replace(query="").geturl()
    # No skipping: an unreachable server fails the test here.
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(name)))
    try:
        yield urlsplit(server)._replace(query=urlencode({"schema": name})).geturl()
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(SQL("DROP SCHEMA {} CASCADE").format(Identifier(name)))


def eventually(
    check: Callable[[], bool],
    timeout: float = 10.0,
    *,
    every: float = 0.01,
    what: str | Callable[[], str] = "never happened",
) -> None:
    """Wait until `check()` holds; fail the test, saying `what`, if it never does."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what if isinstance(what, str) else what()
        time.sleep(every)


def caught_up(brigade: Brigade, follower: Follower) -> int:
    """The store's head, once the follower's views stand there."""
    head = brigade.recorder.max_notification_id() or 0
    eventually(lambda: follower.position == head)
    return head


A = TypeVar("A", bound=BrigadeAggregate)


class DictUnitOfWork:
    """The handlers' unit of work over a dict of aggregates, as a batch sees them.

    `now` is the server's clock; a test sets it (and the skew allowed) by subclass.
    """

    now: datetime = LANDFALL + timedelta(hours=2)
    skew: timedelta = timedelta(seconds=120)

    def __init__(self, *aggregates: BrigadeAggregate) -> None:
        self.aggregates: dict[UUID, BrigadeAggregate] = {a.id: a for a in aggregates}

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        aggregate = self.aggregates.get(aggregate_id)
        return aggregate if isinstance(aggregate, cls) else None

    def add(self, aggregate: BrigadeAggregate) -> None:
        if aggregate.id in self.aggregates:
            raise Conflict(Code.ALREADY_EXISTS, f"{aggregate.id} already exists")
        self.aggregates[aggregate.id] = aggregate

    def run(self, command: c.Command) -> Result:
        return decide(self, command, self.now, self.skew)
