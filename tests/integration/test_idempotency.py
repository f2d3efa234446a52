"""A command sent twice takes effect once, also across a restart, on every store."""

from __future__ import annotations

import asyncio
from concurrent.futures import wait
from typing import TYPE_CHECKING
from uuid import UUID

from support import Scenario, volunteer

from domain import commands as c
from domain.model.volunteer import Volunteer
from domain.write import CommandWriter

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

    from domain.application import Brigade
    from domain.outcome import Outcome


def count_events(brigade: Brigade) -> int:
    return len(brigade.recorder.select_notifications(start=None, limit=1_000_000))


def test_a_retry_returns_the_first_outcome_and_appends_nothing(
    story: Scenario, brigade: Brigade
) -> None:
    operation = story.operation()
    command = story.command(
        c.ReportIncident,
        operation_id=operation,
        kind="flood",
        lat=24.9,
        lon=118.6,
        severity=4,
    )

    first = story.writer.execute(command)
    events = count_events(brigade)
    again = story.writer.execute(command)

    assert first.accepted and not first.replayed
    assert again.replayed
    assert (again.positions, again.result, again.rejection) == (
        first.positions,
        first.result,
        first.rejection,
    )
    assert count_events(brigade) == events


def test_a_retry_after_a_restart_is_still_recognised(
    open_brigade: Callable[[], Brigade], brigade: Brigade
) -> None:
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    vid = story.registered()
    command = story.command(
        c.ReportPosition, volunteer_id=vid, lat=24.9, lon=118.6, actor=volunteer(vid)
    )
    first = writer.execute(command)
    writer.close()
    brigade.close()

    # The server restarts; the phone, which never saw the ack, sends again.
    reopened = open_brigade()
    restarted = CommandWriter(reopened)
    try:
        again = restarted.execute(command)
    finally:
        restarted.close()

    assert first.accepted and again.replayed
    assert again.positions == first.positions
    positions = [
        e for e in reopened.events.get(vid) if type(e).__name__ == "PositionReported"
    ]
    assert len(positions) == 1


def test_a_refused_dispatch_retried_is_refused_once(
    story: Scenario, brigade: Brigade
) -> None:
    incident = story.incident(story.operation())
    vid = story.ready_volunteer(insured=False)
    command = story.command(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)

    first = story.writer.execute(command)
    # Even though the volunteer is insured by now, the retry gets the first outcome.
    story.ok(
        c.RecordInsurance,
        volunteer_id=vid,
        policy="P-1",
        valid_until=story.field_time.replace(year=2024),
    )
    again = story.writer.execute(command)

    assert first.rejection is not None and first.rejection.code == "not_insured"
    assert again.replayed and again.rejection == first.rejection
    refusals = [
        e for e in brigade.events.get(incident) if type(e).__name__ == "DispatchRefused"
    ]
    assert len(refusals) == 1
    assert brigade.get(Volunteer, vid).assignment is None


def test_bad_input_stores_nothing_not_even_its_command_id(
    story: Scenario, brigade: Brigade
) -> None:
    operation = story.operation()
    command = story.command(
        c.ReportIncident,
        operation_id=operation,
        kind="volcano",
        lat=24.9,
        lon=118.6,
        severity=4,
    )
    before = count_events(brigade)

    first = story.writer.execute(command)
    again = story.writer.execute(command)

    assert first.rejection is not None and first.rejection.code == "invalid_value"
    assert not again.replayed and again.rejection == first.rejection
    assert count_events(brigade) == before
    assert brigade.commands.select_commands([str(command.command_id)]) == {}


def test_the_same_command_sent_many_times_at_once_takes_effect_once(
    story: Scenario, brigade: Brigade
) -> None:
    vid = story.registered()
    command = story.command(c.DecideVetting, volunteer_id=vid, approved=True)

    futures = [story.writer.submit(command) for _ in range(20)]
    wait(futures, timeout=30)
    outcomes = [f.result() for f in futures]

    assert all(o.accepted for o in outcomes)
    assert sum(not o.replayed for o in outcomes) == 1
    assert len({o.positions for o in outcomes}) == 1
    decided = [
        e for e in brigade.events.get(vid) if type(e).__name__ == "VettingDecided"
    ]
    assert len(decided) == 1


def test_a_create_without_an_id_gets_the_same_id_on_retry(story: Scenario) -> None:
    command = story.command(
        c.RegisterVolunteer, name="Xu Ming", contact="+86 1", domains=[]
    )
    first = story.writer.execute(command)
    again = story.writer.execute(command)
    assert UUID(first.result["volunteer_id"]) == UUID(again.result["volunteer_id"])


def test_a_retry_sent_to_another_process_among_new_commands(
    open_brigade: Callable[[], Brigade], brigade: Brigade
) -> None:
    # Given a report recorded through one process
    first_writer = CommandWriter(brigade)
    story = Scenario(first_writer)
    vids = [story.registered(f"V{i}") for i in range(5)]
    retried = story.command(
        c.ReportPosition,
        volunteer_id=vids[0],
        lat=24.9,
        lon=118.6,
        actor=volunteer(vids[0]),
    )
    first = first_writer.execute(retried)
    first_writer.close()

    # When the phone's retry reaches another process in one batch with new reports
    other = CommandWriter(open_brigade())
    fresh = [
        story.command(
            c.ReportPosition,
            volunteer_id=vid,
            lat=24.91,
            lon=118.6,
            actor=volunteer(vid),
        )
        for vid in vids[1:]
    ]

    async def one_turn() -> list[Outcome]:
        sent = [other.send(command) for command in [*fresh[:2], retried, *fresh[2:]]]
        return list(await asyncio.gather(*sent))

    try:
        outcomes = asyncio.run(one_turn())
    finally:
        other.close()

    # Then the retry gets its first outcome and appends nothing, the others are new
    again = outcomes[2]
    assert again.replayed and again.positions == first.positions
    assert all(o.accepted and not o.replayed for i, o in enumerate(outcomes) if i != 2)
    reports = [
        e for e in brigade.events.get(vids[0]) if type(e).__name__ == "PositionReported"
    ]
    assert len(reports) == 1


def test_new_commands_are_not_looked_up_and_a_retry_still_is_caught(
    brigade: Brigade, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a writer whose store counts its lookups of command records
    looked_up: list[int] = []
    select = brigade.commands.select_commands

    def counting(command_ids: list[str]) -> dict[str, bytes]:
        looked_up.append(len(command_ids))
        return select(command_ids)

    monkeypatch.setattr(brigade.recorder, "select_commands", counting)
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    try:
        vid = story.registered("V")
        report = story.command(
            c.ReportPosition,
            volunteer_id=vid,
            lat=24.9,
            lon=118.6,
            actor=volunteer(vid),
        )
        # When new commands are sent, none is looked up: the record's key suffices
        first = writer.execute(report)
        assert looked_up == []
        # and when one is retried, the key refuses it, and the batch is looked up
        before = count_events(brigade)
        again = writer.execute(report)
    finally:
        writer.close()
    assert looked_up == [1]
    assert again.replayed and again.positions == first.positions
    assert count_events(brigade) == before
