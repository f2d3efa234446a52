"""Views follow the store and give deltas: snapshot, resume or reset (each store)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest
from support import Scenario, caught_up, eventually, volunteer

from domain import commands as c
from domain.write import CommandWriter
from projections.catalog import all_views, fold
from projections.deltas import Reset
from projections.follower import Follower
from replay.sim.morning import morning

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from domain.application import Brigade


@pytest.fixture
def follower(brigade: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    follower = Follower(brigade, poll=0.2, window=0.05).start()
    writer.on_events(follower.offer)  # as the gateway wires them
    yield follower
    follower.stop()


def test_a_reported_incident_reaches_the_board(
    story: Scenario, follower: Follower
) -> None:
    operation = story.operation()
    outcome = story.ok(
        c.ReportIncident,
        operation_id=operation,
        kind="fire",
        lat=24.9,
        lon=118.6,
        severity=3,
    )
    key = outcome.result["incident_id"]

    eventually(lambda: key in follower.views["board"].rows)

    assert follower.views["board"].rows[key]["kind"] == "fire"
    assert follower.position >= (outcome.position or 0)


def test_resuming_after_a_position_gives_exactly_the_changes_missed(
    story: Scenario, follower: Follower
) -> None:
    operation = story.operation()
    story.incident(operation)
    eventually(
        lambda: follower.position == story.writer.brigade.recorder.max_notification_id()
    )
    before = follower.deltas.snapshot("board")

    # While this client is away, two more incidents are reported and one resolved.
    second = story.incident(operation, kind="medical")
    story.incident(operation, kind="fire")
    story.ok(c.ResolveIncident, incident_id=second, outcome="treated on site")
    last = story.writer.brigade.recorder.max_notification_id()
    eventually(lambda: follower.position == last)

    missed = follower.deltas.since(before.position, ["board"])
    assert not isinstance(missed, Reset)
    assert missed and all(change.position > before.position for change in missed)
    rows = dict(before.rows)
    for change in missed:
        if change.row is None:
            rows.pop(change.key, None)
        else:
            rows[change.key] = change.row
    assert rows == follower.deltas.snapshot("board").rows
    # and resuming again from the last of them gives nothing more: no repeats
    assert follower.deltas.since(missed[-1].position, ["board"]) == []


@pytest.fixture
def short_memory(brigade: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    """A follower that keeps only two changes, after three incidents were reported."""
    follower = Follower(brigade, poll=0.2, history=2).start()
    writer.on_commit(follower.wake)
    story = Scenario(writer)
    operation = story.operation()
    for _ in range(3):
        story.incident(operation)
    last = brigade.recorder.max_notification_id()
    eventually(lambda: follower.position == last)
    yield follower
    follower.stop()


def test_a_position_older_than_the_history_gets_a_reset(short_memory: Follower) -> None:
    answer = short_memory.deltas.since(0)
    assert isinstance(answer, Reset)
    assert answer.oldest > 0


def test_another_writer_is_seen_without_an_in_process_wake(
    brigade: Brigade, open_brigade: Callable[[], Brigade]
) -> None:
    # The follower is not wired to any writer. On PostgreSQL, LISTEN/NOTIFY must
    # bring the other process's facts (the poll is set far beyond the test's
    # patience); on SQLite, the poll does.
    listens = hasattr(brigade.recorder, "channel_name")
    follower = Follower(brigade, poll=60 if listens else 0.2).start()
    other = CommandWriter(open_brigade())
    try:
        operation = Scenario(other).operation()
        eventually(
            lambda: (
                str(operation) in follower.views["stats"].rows
                or (
                    follower.position
                    >= (other.brigade.recorder.max_notification_id() or 0)
                )
            )
        )
        assert follower.position == other.brigade.recorder.max_notification_id()
    finally:
        other.close()
        follower.stop()


def test_positions_are_coalesced_to_the_latest_per_volunteer(
    story: Scenario, brigade: Brigade, by_hand: Follower
) -> None:
    vid = story.ready_volunteer()
    start = caught_up(brigade, by_hand)
    for n in range(10):
        story.ok(
            c.ReportPosition,
            volunteer_id=vid,
            lat=24.90 + n / 1000,
            lon=118.6,
            actor=volunteer(vid),
        )
    last = caught_up(brigade, by_hand)
    held = by_hand.deltas.since(start, ["map", "roster"])
    assert held == []  # ten reports, nothing sent yet

    flushed = by_hand.deltas.flush()

    assert sorted((c.view, c.key) for c in flushed) == [
        ("map", f"track:{vid}"),
        ("map", f"volunteer:{vid}"),
        ("roster", str(vid)),
    ]
    assert {c.position for c in flushed} == {last}
    point = next(c.row for c in flushed if c.key == f"volunteer:{vid}")
    assert point is not None and point["geometry"]["coordinates"] == [118.6, 24.909]
    roster = next(c.row for c in flushed if c.view == "roster")
    assert roster is not None and roster["position"]["lat"] == 24.909


def test_a_held_roster_row_goes_out_at_once_whole_when_anything_else_changes_it(
    story: Scenario, brigade: Brigade, by_hand: Follower
) -> None:
    operation = story.operation()
    incident = story.incident(operation)
    vid = story.ready_volunteer()
    start = caught_up(brigade, by_hand)
    story.ok(
        c.ReportPosition, volunteer_id=vid, lat=24.95, lon=118.6, actor=volunteer(vid)
    )
    # When the volunteer is dispatched after reporting a position
    story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=vid)
    caught_up(brigade, by_hand)
    # Then the roster row is sent at once, with the position still held
    sent = by_hand.deltas.since(start, ["roster"])
    assert isinstance(sent, list)
    rows = [c.row for c in sent if c.key == str(vid)]
    assert rows and rows[-1] is not None
    assert rows[-1]["status"] == "dispatched"
    assert rows[-1]["position"]["lat"] == 24.95
    # and the flush has no roster row left to send
    assert [c for c in by_hand.deltas.flush() if c.view == "roster"] == []


def test_a_subscriber_gets_a_snapshot_then_every_change_in_order(
    story: Scenario, follower: Follower
) -> None:
    operation = story.operation()
    story.incident(operation)
    last = story.writer.brigade.recorder.max_notification_id()
    eventually(lambda: follower.position == last)

    fresh = follower.deltas.subscribe(["board", "stats"])
    resumed = follower.deltas.subscribe(["board"], after=follower.position)
    try:
        assert [s.view for s in fresh.snapshots] == ["board", "stats"]
        assert len(fresh.snapshots[0].rows) == 1
        for kind in ("medical", "fire", "flood"):
            story.incident(operation, kind=kind)
        last = story.writer.brigade.recorder.max_notification_id()
        eventually(lambda: follower.position == last)

        got = []
        while not fresh.queue.empty():
            got.extend(fresh.queue.get())
        positions = [c.position for c in got]
        assert positions == sorted(positions) and positions[-1] == last
        kinds = [c.row["kind"] for c in got if c.view == "board" and c.row]
        assert kinds == ["medical", "fire", "flood"]
        assert {c.view for c in got} == {"board", "stats"}
        assert resumed.missed == [] and not resumed.queue.empty()
    finally:
        fresh.close()
        resumed.close()


def test_a_subscriber_too_far_behind_is_reset_with_fresh_snapshots(
    short_memory: Follower,
) -> None:
    late = short_memory.deltas.subscribe(["board"], after=1)
    assert late.reset is not None
    assert late.snapshots[0].position == short_memory.position
    assert len(late.snapshots[0].rows) == 3
    late.close()


def test_views_fed_by_the_writer_equal_views_read_from_the_store(
    brigade: Brigade, writer: CommandWriter
) -> None:
    # The follower folds the writer's own events; a rebuild decodes the stored ones.
    # (No poll within the test: a poll reads the store, correctly, only slower.)
    follower = Follower(brigade, poll=3600, window=0.05).start()
    writer.on_events(follower.offer)
    decoded = 0
    to_domain_event = brigade.mapper.to_domain_event

    def counting(stored: Any) -> Any:
        nonlocal decoded
        if threading.current_thread().name == "brigade-follower":
            decoded += 1
        return to_domain_event(stored)

    brigade.mapper.to_domain_event = counting  # type: ignore[method-assign,assignment]
    try:
        for step in morning():
            writer.execute(step.command)
        last = brigade.recorder.max_notification_id() or 0
        eventually(lambda: follower.position == last)
    finally:
        follower.stop()

    rebuilt = all_views()
    fold(
        rebuilt,
        [
            (n.id, to_domain_event(n))
            for n in brigade.recorder.select_notifications(None, limit=10_000)
        ],
    )
    if not hasattr(brigade.recorder, "channel_name"):
        # (On PostgreSQL a NOTIFY can wake the follower before the writer hands
        # the events over; it then reads them, which is correct, only slower.)
        assert decoded == 0  # the follower read nothing back
    for name, view in rebuilt.items():
        assert follower.views[name].rows == view.rows, name
        assert follower.views[name].position == view.position == last


def test_another_writer_in_between_is_read_from_the_store(
    brigade: Brigade,
    writer: CommandWriter,
    follower: Follower,
    open_brigade: Callable[[], Brigade],
) -> None:
    # Given another writer on the same store (another process, in effect)
    other = CommandWriter(open_brigade())
    try:
        mine, theirs = Scenario(writer), Scenario(other)
        operation = mine.operation()
        # When both report incidents, interleaved
        for n in range(6):
            (mine if n % 2 else theirs).incident(operation)
        last = brigade.recorder.max_notification_id() or 0
        # Then the views hold every incident, in the store's order
        eventually(lambda: follower.position == last)
    finally:
        other.close()
    assert len(follower.views["board"].rows) == 6
    rebuilt = all_views()
    fold(
        rebuilt,
        [
            (n.id, brigade.mapper.to_domain_event(n))
            for n in brigade.recorder.select_notifications(None, limit=10_000)
        ],
    )
    assert follower.views["board"].rows == rebuilt["board"].rows
