"""Views follow the store and give deltas: snapshot, resume or reset (each store)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from support import Scenario, eventually, volunteer

from domain import commands as c
from domain.writer import CommandWriter
from projections.deltas import Reset
from projections.follower import Follower

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from domain.app import Brigade


@pytest.fixture
def follower(app: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    follower = Follower(app, poll=0.2, window=0.05).start()
    writer.on_commit(follower.wake)
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
        lambda: follower.position == story.writer.app.recorder.max_notification_id()
    )
    before = follower.deltas.snapshot("board")

    # While this client is away, two more incidents are reported and one resolved.
    second = story.incident(operation, kind="medical")
    story.incident(operation, kind="fire")
    story.ok(c.ResolveIncident, incident_id=second, outcome="treated on site")
    last = story.writer.app.recorder.max_notification_id()
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
def short_memory(app: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    """A follower that keeps only two changes, after three incidents were reported."""
    follower = Follower(app, poll=0.2, history=2).start()
    writer.on_commit(follower.wake)
    story = Scenario(writer)
    operation = story.operation()
    for _ in range(3):
        story.incident(operation)
    last = app.recorder.max_notification_id()
    eventually(lambda: follower.position == last)
    yield follower
    follower.stop()


def test_a_position_older_than_the_history_gets_a_reset(short_memory: Follower) -> None:
    answer = short_memory.deltas.since(0)
    assert isinstance(answer, Reset)
    assert answer.oldest > 0


def test_another_writer_is_seen_without_an_in_process_wake(
    app: Brigade, open_app: Callable[[], Brigade]
) -> None:
    # The follower is not wired to any writer. On PostgreSQL, LISTEN/NOTIFY must
    # bring the other process's facts (the poll is set far beyond the test's
    # patience); on SQLite, the poll does.
    listens = hasattr(app.recorder, "channel_name")
    follower = Follower(app, poll=60 if listens else 0.2).start()
    other = CommandWriter(open_app())
    try:
        operation = Scenario(other).operation()
        eventually(
            lambda: (
                str(operation) in follower.views["stats"].rows
                or (
                    follower.position >= (other.app.recorder.max_notification_id() or 0)
                )
            )
        )
        assert follower.position == other.app.recorder.max_notification_id()
    finally:
        other.close()
        follower.stop()


def test_positions_are_coalesced_to_the_latest_per_volunteer(
    story: Scenario, app: Brigade, writer: CommandWriter
) -> None:
    follower = Follower(app, poll=0.2, window=3600).start()  # flushed by hand below
    writer.on_commit(follower.wake)
    try:
        vid = story.ready_volunteer()
        start = follower.position
        for n in range(10):
            story.ok(
                c.ReportPosition,
                volunteer_id=vid,
                lat=24.90 + n / 1000,
                lon=118.6,
                actor=volunteer(vid),
            )
        last = app.recorder.max_notification_id()
        eventually(lambda: follower.position == last)
        held = follower.deltas.since(start, ["map"])
        assert held == []  # ten reports, nothing sent yet

        flushed = follower.deltas.flush()

        assert sorted(c.key for c in flushed) == [f"track:{vid}", f"volunteer:{vid}"]
        assert {c.position for c in flushed} == {last}
        point = next(c.row for c in flushed if c.key == f"volunteer:{vid}")
        assert point is not None and point["geometry"]["coordinates"] == [118.6, 24.909]
    finally:
        follower.stop()


def test_a_subscriber_gets_a_snapshot_then_every_change_in_order(
    story: Scenario, follower: Follower
) -> None:
    operation = story.operation()
    story.incident(operation)
    last = story.writer.app.recorder.max_notification_id()
    eventually(lambda: follower.position == last)

    fresh = follower.deltas.subscribe(["board", "stats"])
    resumed = follower.deltas.subscribe(["board"], after=follower.position)
    try:
        assert [s.view for s in fresh.snapshots] == ["board", "stats"]
        assert len(fresh.snapshots[0].rows) == 1
        for kind in ("medical", "fire", "flood"):
            story.incident(operation, kind=kind)
        last = story.writer.app.recorder.max_notification_id()
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
