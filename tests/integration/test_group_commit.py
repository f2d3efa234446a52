"""Group commit: concurrent commands share transactions; each learns its outcome."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from support import COMMANDER, LANDFALL, Scenario, volunteer

from domain import commands as c
from domain.handlers.base import HANDLERS
from domain.write import CommandWriter, WriterClosed

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from eventsourcing.persistence import StoredEvent

    from domain.application import Brigade
    from domain.handlers import Result
    from domain.outcome import Outcome


def test_fifty_submitters_each_get_their_own_outcome_and_every_ack_is_durable(
    story: Scenario, brigade: Brigade, open_brigade: Callable[[], Brigade]
) -> None:
    # Given fifty volunteers on shift, each with a phone
    vids = [story.registered(f"V{i}") for i in range(50)]
    writer = story.writer
    batches_before, commands_before = writer.batches, writer.commands
    start = threading.Barrier(50)

    def phone(i: int) -> list[tuple[c.Command, Outcome]]:
        me = volunteer(vids[i])
        start.wait()
        sent = []
        for n in range(20):
            # Every fifth report is out of range: it must fail alone.
            lat = 95.0 if n % 5 == 4 else 24.9 + n / 1000
            command = story.command(
                c.ReportPosition,
                volunteer_id=vids[i],
                lat=lat,
                lon=118.6,
                actor=me,
                occurred_at=LANDFALL + timedelta(seconds=n),
            )
            sent.append((command, writer.execute(command)))
        return sent

    # When all of them report at once
    with ThreadPoolExecutor(50) as pool:
        results = [pair for chunk in pool.map(phone, range(50)) for pair in chunk]

    # Then each bad report is refused, each good one acknowledged at its own position
    good = [o for cmd, o in results if o.accepted]
    bad = [o for cmd, o in results if not o.accepted]
    assert len(good) == 800 and len(bad) == 200
    assert all(
        o.rejection is not None and o.rejection.code == "invalid_value" for o in bad
    )
    positions = [o.position for o in good]
    assert len(set(positions)) == 800
    # and commands really were committed together
    assert writer.batches - batches_before < (writer.commands - commands_before) / 2

    # And after a restart every acknowledged event is there, in its volunteer's order
    writer.close()
    brigade.close()
    reopened = open_brigade()
    for vid in vids:
        events = list(reopened.events.get(vid))
        assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
        reports = [e for e in events if type(e).__name__ == "PositionReported"]
        assert len(reports) == 16
    stored = {
        n.id for n in reopened.recorder.select_notifications(start=None, limit=10**6)
    }
    assert {p for p in positions if p is not None} <= stored


def test_two_writers_on_one_store_never_lose_or_double_an_event(
    story: Scenario, brigade: Brigade, open_brigade: Callable[[], Brigade]
) -> None:
    # Two processes' writers share the store; both stream one volunteer's positions.
    vid = story.registered()
    other = CommandWriter(open_brigade())
    scenario = Scenario(other)
    me = volunteer(vid)

    def stream(writer: CommandWriter, scenario: Scenario) -> list[Outcome]:
        return [
            writer.execute(
                scenario.command(
                    c.ReportPosition,
                    volunteer_id=vid,
                    lat=24.9,
                    lon=118.6,
                    actor=me,
                    occurred_at=LANDFALL,
                )
            )
            for _ in range(100)
        ]

    try:
        with ThreadPoolExecutor(2) as pool:
            ours = pool.submit(stream, story.writer, story)
            theirs = pool.submit(stream, other, scenario)
            outcomes = ours.result() + theirs.result()
    finally:
        other.close()

    assert all(o.accepted for o in outcomes)
    events = list(brigade.events.get(vid))
    assert len(events) == 201
    assert [e.originator_version for e in events] == list(range(1, 202))


def test_snapshots_keep_a_long_history_quick_to_load(
    story: Scenario, brigade: Brigade, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a volunteer who has reported their position 250 times
    vid = story.registered()
    me = volunteer(vid)
    for _ in range(250):
        story.ok(
            c.ReportPosition,
            volunteer_id=vid,
            lat=24.9,
            lon=118.6,
            actor=me,
            occurred_at=LANDFALL,
        )
    assert brigade.snapshots is not None
    snapshots = list(brigade.snapshots.get(vid))
    assert [s.originator_version for s in snapshots] == [100, 200]

    # When the volunteer is loaded from the store
    read: list[int] = []
    select_events = brigade.recorder.select_events

    def counted(*args: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        stored = select_events(*args, **kwargs)
        read.extend(e.originator_version for e in stored)
        return stored

    monkeypatch.setattr(brigade.recorder, "select_events", counted)
    fresh = brigade.load(vid)

    # Then only the 51 events after the latest snapshot are read, not all 251
    assert fresh is not None and fresh.version == 251
    assert fresh.id == UUID(str(vid))
    assert read == list(range(201, 252))


def test_a_burst_from_one_turn_of_the_event_loop_is_cut_into_batches_in_order(
    story: Scenario, brigade: Brigade
) -> None:
    # Given a writer that takes at most 40 commands per transaction
    vid = story.registered("Lin Fang")
    writer = CommandWriter(brigade, max_batch=40)

    async def hundred_reports() -> list[Outcome]:
        # When one turn of the event loop sends a hundred reports
        sends = [
            writer.send(
                story.command(
                    c.ReportPosition,
                    volunteer_id=vid,
                    lat=24.9,
                    lon=118.6,
                    actor=volunteer(vid),
                )
            )
            for _ in range(100)
        ]
        return list(await asyncio.gather(*sends))

    try:
        outcomes = asyncio.run(hundred_reports())
    finally:
        writer.close()

    # Then they are cut into transactions of 40, 40, 20,
    # every one acknowledged, in the order sent
    assert writer.batches == 3
    assert all(o.accepted for o in outcomes)
    positions = [o.position or 0 for o in outcomes]
    assert positions == sorted(positions) and len(set(positions)) == 100


def test_a_command_sent_as_the_writer_closes_is_refused_not_lost(
    brigade: Brigade,
) -> None:
    writer = CommandWriter(brigade)

    async def send_then_close() -> None:
        sent = asyncio.ensure_future(
            writer.send(
                c.OpenOperation(
                    command_id=uuid4(),
                    actor=COMMANDER,
                    occurred_at=LANDFALL,
                    name="Doksuri",
                    kind="typhoon",
                )
            )
        )
        await asyncio.sleep(0)  # sent, but not yet handed to the writer thread
        writer.close()
        with pytest.raises(WriterClosed):
            await sent

    asyncio.run(send_then_close())
    assert brigade.recorder.max_notification_id() in (None, 0)


def test_a_command_that_breaks_its_handler_fails_every_sender_of_its_id(
    story: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a handler with a bug
    def broken(*_: object) -> Result:
        raise RuntimeError("a bug in a handler")

    vid = story.registered()
    monkeypatch.setitem(HANDLERS, c.ReportPosition, broken)
    command = story.command(
        c.ReportPosition, volunteer_id=vid, lat=24.9, lon=118.6, actor=volunteer(vid)
    )

    async def sent_twice_in_one_batch() -> list[Outcome | BaseException]:
        sends = [story.writer.send(command), story.writer.send(command)]
        return await asyncio.wait_for(
            asyncio.gather(*sends, return_exceptions=True), 10
        )

    # When a phone's retry of it arrives in the same batch as the first send
    results = asyncio.run(sent_twice_in_one_batch())

    # Then both senders learn of the failure; none is left waiting
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
