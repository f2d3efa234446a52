"""What brigade relies on from either store: command records, lookups and wiring."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    IntegrityError,
    JSONTranscoder,
    NotSupportedError,
    StoredEvent,
)
from support import fresh_schema

from domain.store.config import store_env
from domain.store.postgres import BrigadePostgresApplicationRecorder
from domain.store.sqlite import BrigadeSQLiteApplicationRecorder
from domain.store.transcoder import MsgpackTranscoder

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


Recorder = BrigadeSQLiteApplicationRecorder | BrigadePostgresApplicationRecorder


class Logbook(Aggregate):
    """A small aggregate whose events carry the values msgpack must keep."""

    def __init__(self, station: str) -> None:
        self.station = station
        self.entries: list[tuple[str, datetime, tuple[str, ...]]] = []

    @event("EntryWritten")
    def write(self, text: str, at: datetime, crew: tuple[str, ...]) -> None:
        self.entries.append((text, at, crew))


def stored(originator_id: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id, version, "topic", f"state{version}".encode())


@contextmanager
def opened(env: dict[str, str]) -> Iterator[Recorder]:
    """The store's application recorder, its connections closed afterwards."""
    factory = InfrastructureFactory.construct(env)
    try:
        recorder = factory.application_recorder()
        assert isinstance(recorder, Recorder)
        yield recorder
    finally:
        factory.close()


class StoreContract:
    """The same tests for each store; subclasses provide the `env` fixture."""

    recorder_class: ClassVar[type[ApplicationRecorder]]

    @pytest.fixture
    def env(self, tmp_path: Path) -> Iterator[dict[str, str]]:
        raise NotImplementedError

    @pytest.fixture
    def recorder(self, env: dict[str, str]) -> Iterator[Recorder]:
        with opened(env) as recorder:
            yield recorder

    def test_events_and_commands_are_recorded_together(
        self, recorder: Recorder
    ) -> None:
        aggregate_id = uuid4()
        ids = recorder.insert_events(
            [stored(aggregate_id, 1), stored(aggregate_id, 2)],
            commands=[("c1", b"outcome1"), ("c2", b"outcome2")],
        )
        assert ids == [1, 2]
        assert [e.originator_version for e in recorder.select_events(aggregate_id)] == [
            1,
            2,
        ]
        assert recorder.select_commands(["c1", "c2", "c3"]) == {
            "c1": b"outcome1",
            "c2": b"outcome2",
        }
        assert recorder.select_commands([]) == {}

    def test_a_batch_of_only_rejected_commands(self, recorder: Recorder) -> None:
        assert recorder.insert_events([], commands=[("c1", b"rejected")]) == []
        assert recorder.select_commands(["c1"]) == {"c1": b"rejected"}
        assert recorder.max_notification_id() is None

    def test_a_duplicate_command_stores_nothing_of_its_batch(
        self, recorder: Recorder
    ) -> None:
        recorder.insert_events([], commands=[("c1", b"first")])
        aggregate_id = uuid4()
        with pytest.raises(IntegrityError):
            recorder.insert_events(
                [stored(aggregate_id, 1)], commands=[("c2", b"new"), ("c1", b"again")]
            )
        assert recorder.select_events(aggregate_id) == []
        assert recorder.select_commands(["c1", "c2"]) == {"c1": b"first"}
        assert recorder.max_notification_id() is None

    def test_a_command_twice_in_one_batch_stores_nothing(
        self, recorder: Recorder
    ) -> None:
        aggregate_id = uuid4()
        with pytest.raises(IntegrityError):
            recorder.insert_events(
                [stored(aggregate_id, 1)], commands=[("c1", b"a"), ("c1", b"b")]
            )
        assert recorder.select_events(aggregate_id) == []
        assert recorder.select_commands(["c1"]) == {}

    def test_a_conflicting_event_stores_none_of_the_commands(
        self, recorder: Recorder
    ) -> None:
        aggregate_id = uuid4()
        recorder.insert_events([stored(aggregate_id, 1)])
        with pytest.raises(IntegrityError):
            recorder.insert_events([stored(aggregate_id, 1)], commands=[("c1", b"x")])
        assert recorder.select_commands(["c1"]) == {}

    def test_concurrent_writers_of_one_command_id_store_it_once(
        self, recorder: Recorder
    ) -> None:
        def attempt(n: int) -> bool:
            try:
                recorder.insert_events(
                    [stored(uuid4(), 1)], commands=[("c1", b"%d" % n)]
                )
            except IntegrityError:
                return False
            return True

        with ThreadPoolExecutor(max_workers=4) as pool:
            succeeded = list(pool.map(attempt, range(8)))
        assert succeeded.count(True) == 1
        assert recorder.max_notification_id() == 1
        winner = succeeded.index(True)
        assert recorder.select_commands(["c1"]) == {"c1": b"%d" % winner}

    def test_notification_ids_are_found_by_event_key(self, recorder: Recorder) -> None:
        a, b = uuid4(), uuid4()
        recorder.insert_events([stored(a, 1), stored(a, 2)])
        recorder.insert_events([stored(b, 1)])
        keys = [(b, 1), (a, 3), (a, 1), (uuid4(), 1), (a, 2), (b, 1)]
        assert recorder.select_notification_ids(keys) == [3, None, 1, None, 2, 3]
        assert recorder.select_notification_ids([]) == []

    def test_notification_ids_of_a_large_batch(self, recorder: Recorder) -> None:
        aggregate_id = uuid4()
        ids = recorder.insert_events([stored(aggregate_id, v) for v in range(1, 301)])
        keys = [(aggregate_id, v) for v in range(300, 0, -1)]
        assert recorder.select_notification_ids(keys) == list(reversed(ids or []))

    def test_records_survive_reopening_the_store(self, env: dict[str, str]) -> None:
        aggregate_id = uuid4()
        with opened(env) as recorder:
            recorder.insert_events([stored(aggregate_id, 1)], commands=[("c1", b"x")])
        with opened(env) as recorder:
            assert recorder.select_commands(["c1"]) == {"c1": b"x"}
            assert recorder.select_notification_ids([(aggregate_id, 1)]) == [1]

    def test_an_application_round_trips_an_aggregate(self, env: dict[str, str]) -> None:
        brigade: Application[UUID] = Application(env=env)
        try:
            assert type(brigade.recorder) is self.recorder_class
            assert type(brigade.mapper.transcoder) is MsgpackTranscoder
            logbook = Logbook("Ashford")
            at = datetime(2024, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=1)))
            logbook.write("Pump 1 mobile", at, ("Okafor", "Lindqvist"))
            brigade.save(logbook)
            copy: Aggregate = brigade.repository.get(logbook.id)
            assert isinstance(copy, Logbook)
            assert copy.station == "Ashford"
            assert copy.entries == [("Pump 1 mobile", at, ("Okafor", "Lindqvist"))]
            assert copy.entries[0][1].utcoffset() == timedelta(hours=1)
            assert copy.version == 2
        finally:
            brigade.close()

    def test_transcoder_topic_still_chooses_the_transcoder(
        self, env: dict[str, str]
    ) -> None:
        topic = "eventsourcing.persistence:JSONTranscoder"
        factory = InfrastructureFactory.construct({**env, "TRANSCODER_TOPIC": topic})
        try:
            assert type(factory.transcoder()) is JSONTranscoder
        finally:
            factory.close()


class TestWithSQLite(StoreContract):
    recorder_class = BrigadeSQLiteApplicationRecorder

    @pytest.fixture
    def env(self, tmp_path: Path) -> Iterator[dict[str, str]]:
        yield store_env(None, tmp_path / "data")


@pytest.mark.postgres
class TestWithPostgres(StoreContract):
    recorder_class = BrigadePostgresApplicationRecorder

    @pytest.fixture
    def env(self, tmp_path: Path) -> Iterator[dict[str, str]]:
        with fresh_schema() as url:
            yield store_env(url, tmp_path)

    def test_commands_are_refused_where_they_would_be_lost(
        self, env: dict[str, str]
    ) -> None:
        # With database functions the base inserts events without our hook.
        aggregate_id = uuid4()
        with opened({**env, "POSTGRES_ENABLE_DB_FUNCTIONS": "y"}) as recorder:
            with pytest.raises(NotSupportedError):
                recorder.insert_events([stored(aggregate_id, 1)], commands=[("c", b"")])
            assert recorder.select_events(aggregate_id) == []
