"""Time travel: the views replayed to a moment are the views that were live then.

A command centre follows a story as it happens (the real Follower, its DeltaLog
and a subscriber applying deltas); after every command its views are captured.
Afterwards every captured moment is replayed, by position and by field time,
from seek points made every few positions, and compared for equality.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from support import QUANZHOU, Scenario, eventually, volunteer

from domain import commands as c
from projections import checkpoint
from projections.catalog import VIEW_NAMES, all_views
from projections.follower import Follower
from projections.rebuild import fold_log
from replay.seekpoints import SeekIndex, SeekKeeper
from replay.sim.morning import morning
from replay.timetravel import Moment, OutOfRange, TimeTravel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime
    from uuid import UUID

    from domain.application import Brigade
    from domain.write import CommandWriter
    from projections.base import Row
    from projections.deltas import Subscription

Rows = dict[str, dict[str, "Row"]]


@dataclass(frozen=True)
class Seen:
    """What the command centre had when its views stood at `position`."""

    position: int
    as_of: datetime | None
    views: Rows


class CommandCentre:
    """A live follower of the store and a subscriber that applies every delta."""

    def __init__(self, brigade: Brigade, writer: CommandWriter) -> None:
        self.follower = Follower(brigade)
        writer.on_commit(self.follower.wake)
        self.subscription: Subscription = self.follower.deltas.subscribe(VIEW_NAMES)
        self.held: Rows = {s.view: dict(s.rows) for s in self.subscription.snapshots}
        self.follower.start()
        self.brigade = brigade

    def look(self) -> Seen:
        """Once the views reach the store's head: what the screen shows."""
        head = self.brigade.recorder.max_notification_id() or 0
        eventually(lambda: self.follower.position >= head)
        deltas = self.follower.deltas
        with deltas.lock:
            deltas.flush()  # volunteers' held-back positions go out now
            seen = Seen(
                deltas.position,
                self.follower.views["board"].as_of,
                {name: deltas.snapshot(name).rows for name in VIEW_NAMES},
            )
        self._apply_deltas()
        assert self.held == seen.views  # what the screen holds is what the views say
        return seen

    def _apply_deltas(self) -> None:
        while True:
            try:
                changes = self.subscription.queue.get_nowait()
            except queue.Empty:
                return
            for change in changes:
                if change.row is None:
                    self.held[change.view].pop(change.key, None)
                else:
                    self.held[change.view][change.key] = change.row

    def stop(self) -> None:
        self.subscription.close()
        self.follower.stop()


def a_morning(story: Scenario, look: Callable[[], None]) -> dict[str, Any]:
    """Floods, a refused dispatch, positions (one late), a hazard that goes overdue."""
    lon, lat = QUANZHOU
    operation = story.operation()
    look()
    drill = story.operation("Night drill")
    chen = story.ready_volunteer("Chen Wei")
    look()
    lin = story.ready_volunteer("Lin Hua")
    wu = story.ready_volunteer("Wu Min", courses=("water-rescue",))
    look()
    flood = story.incident(operation)
    look()

    def position(who: UUID, step: float, **fields: Any) -> None:
        story.ok(
            c.ReportPosition,
            volunteer_id=who,
            lat=lat + step,
            lon=lon - step,
            accuracy=5.0,
            actor=volunteer(who),
            **fields,
        )
        look()

    position(chen, 0.001)
    position(lin, 0.002)
    story.ok(c.DispatchVolunteer, incident_id=flood, volunteer_id=chen)
    look()
    refused = story.do(c.DispatchVolunteer, incident_id=flood, volunteer_id=wu)
    assert refused.rejection is not None
    look()
    position(chen, 0.003)
    story.ok(
        c.RecordArrival, incident_id=flood, volunteer_id=chen, actor=volunteer(chen)
    )
    look()
    # Lin's phone was offline: a position from two minutes ago arrives now.
    late_at = story.field_time - timedelta(minutes=2)
    position(lin, 0.004, occurred_at=late_at)
    story.ok(
        c.GuideRoute,
        incident_id=flood,
        path=[[lon - 0.01, lat - 0.01], [lon, lat]],
        actor=volunteer(chen),
    )
    story.ok(
        c.RecordEvacuation,
        incident_id=flood,
        count=12,
        destination="school",
        actor=volunteer(chen),
    )
    look()
    shop = story.new(
        c.RegisterPremises,
        "premises_id",
        name="Shop",
        address="1 Road",
        lat=lat,
        lon=lon,
    )
    hazard = story.new(
        c.RecordHazard,
        "hazard_id",
        premises_id=shop,
        operation_id=operation,
        kind="wiring",
        severity=4,
    )
    story.ok(
        c.OrderRectification,
        premises_id=shop,
        hazard_id=hazard,
        deadline=story.field_time + timedelta(minutes=2),
    )
    look()
    story.incident(drill, kind="medical")
    look()
    position(chen, 0.005)
    position(chen, 0.006)  # the hazard's deadline has passed: overdue now
    story.ok(c.RecordRescue, incident_id=flood, count=2, actor=volunteer(chen))
    story.ok(c.ResolveIncident, incident_id=flood, outcome="family rescued")
    look()
    return {"operation": str(operation), "drill": str(drill), "late_at": late_at}


@pytest.fixture
def lived(brigade: Brigade, writer: CommandWriter) -> tuple[list[Seen], Any]:
    """The story, and what the command centre saw after each step of it."""
    centre = CommandCentre(brigade, writer)
    seen: list[Seen] = []
    try:
        facts = a_morning(Scenario(writer), lambda: seen.append(centre.look()))
    finally:
        centre.stop()
    return seen, facts


def clock_by_position(brigade: Brigade) -> list[tuple[int, float]]:
    """(position, the field clock after it) for every event, read from the log."""
    notifications = brigade.recorder.select_notifications(start=0, limit=10_000)
    clock, found = float("-inf"), []
    for n in notifications:
        occurred_at = getattr(brigade.mapper.to_domain_event(n), "occurred_at", None)
        if occurred_at is not None:
            clock = max(clock, occurred_at.timestamp())
        found.append((n.id, clock))
    return found


def test_replayed_views_equal_the_live_ones_at_every_moment(
    brigade: Brigade, lived: tuple[list[Seen], Any]
) -> None:
    seen, _ = lived
    travel = TimeTravel(brigade, every=7)
    assert len(seen) >= 15
    assert seen[-1].views["stats"] and seen[-1].views["hazards"]
    hazard = next(iter(seen[-1].views["hazards"].values()))
    assert hazard["overdue"] is True  # field time moved the hazard on, too

    for moment in seen:
        replayed = travel.at(position=moment.position)
        assert replayed.snapshot() == moment.views, moment.position
        assert replayed.as_of == moment.as_of
    # Replays started from seek points, not only from the start of the log.
    assert len(travel.index.points) >= 5


def test_a_field_time_is_the_moment_before_the_clock_passed_it(
    brigade: Brigade, lived: tuple[list[Seen], Any]
) -> None:
    seen, _ = lived
    by_position = {moment.position: moment for moment in seen}
    clocks = clock_by_position(brigade)
    travel = TimeTravel(brigade, every=7)

    for moment in seen:
        assert moment.as_of is not None
        field_time = moment.as_of.timestamp()
        expected = max(p for p, clock in clocks if clock <= field_time)
        replayed = travel.at(field_time=moment.as_of)
        assert replayed.position == expected
        assert replayed.snapshot() == by_position[expected].views
    first = seen[0].as_of
    assert first is not None
    before_anything = travel.at(field_time=first - timedelta(hours=1))
    assert before_anything.position == 0
    assert all(rows == {} for rows in before_anything.snapshot().values())


def test_a_late_event_counts_from_when_it_was_recorded(
    brigade: Brigade, lived: tuple[list[Seen], Any]
) -> None:
    _, facts = lived
    travel = TimeTravel(brigade, every=7)
    late_at: datetime = facts["late_at"]
    # At its own field time the late report had not reached the log: not shown.
    then = travel.at(field_time=late_at)
    now = travel.at(position=travel.head())
    assert then.as_of is not None and then.as_of <= late_at
    late = max(
        n.id
        for n in brigade.recorder.select_notifications(start=0, limit=10_000)
        if getattr(brigade.mapper.to_domain_event(n), "occurred_at", None) == late_at
    )
    assert late > then.position
    assert lin(then)["at"] != late_at.isoformat()
    assert lin(now)["at"] == late_at.isoformat()  # its own field time, shown later


def lin(moment: Moment) -> dict[str, Any]:
    """Lin Hua's last known position on the roster at a moment."""
    rows = [r for r in moment.rows("roster").values() if r["name"] == "Lin Hua"]
    found: dict[str, Any] = rows[0]["position"]
    return found


def test_an_operations_moment_shows_only_its_rows(
    brigade: Brigade, lived: tuple[list[Seen], Any]
) -> None:
    _, facts = lived
    moment = TimeTravel(brigade, every=7).at(
        position=brigade.recorder.max_notification_id()
    )
    board = moment.rows("board", facts["operation"])
    drill = moment.rows("board", facts["drill"])
    assert len(board) == 1 and len(drill) == 1
    assert {r["operation_id"] for r in [*board.values(), *drill.values()]} == {
        facts["operation"],
        facts["drill"],
    }


def test_seek_points_are_kept_in_the_store_and_remade_when_stale(
    brigade: Brigade, lived: tuple[list[Seen], Any], open_brigade: Callable[[], Brigade]
) -> None:
    seen, _ = lived
    first = TimeTravel(brigade, every=7)
    first.index.extend()
    points = list(first.index.points)
    assert points and all(p.position % 7 == 0 for p in points)

    reopened = open_brigade()
    again = TimeTravel(reopened, every=7)
    assert again.index.points == points  # read back, not made again
    middle = seen[len(seen) // 2]
    assert again.at(position=middle.position).snapshot() == middle.views

    # Points written by another version of the views are dropped, then remade.
    store: Any = reopened.recorder
    store.save_seek_point(points[-1].position + 1, None, checkpoint.FORMAT + 1, b"?")
    stale = TimeTravel(reopened, every=7)
    assert stale.index.points == []
    assert stale.at(position=middle.position).snapshot() == middle.views
    # Made again up to the moment asked for, and no further.
    assert stale.index.points == [p for p in points if p.position <= middle.position]
    stale.index.extend()
    assert stale.index.points == points


def test_a_moment_outside_the_log_is_refused(brigade: Brigade, story: Scenario) -> None:
    story.operation()
    travel = TimeTravel(brigade)
    with pytest.raises(OutOfRange):
        travel.at(position=travel.head() + 1)
    with pytest.raises(OutOfRange):
        travel.at(position=-1)
    with pytest.raises(ValueError, match="time zone"):
        travel.at(field_time=story.field_time.replace(tzinfo=None))
    with pytest.raises(ValueError, match="position or a field time"):
        travel.at()


def test_a_server_makes_seek_points_as_the_log_grows(
    brigade: Brigade, writer: CommandWriter
) -> None:
    # Given a keeper of seek points every ten positions, as a server runs one
    index = SeekIndex(brigade, every=10)
    keeper = SeekKeeper(index, interval=0.05).start()
    try:
        # When the morning's 57 events are recorded
        for step in morning():
            writer.execute(step.command)
        # Then points for positions 10 to 50 are made without anyone asking
        eventually(lambda: [p.position for p in index.points] == [10, 20, 30, 40, 50])
    finally:
        keeper.stop()
    # and they are in the store for the next process
    assert [p.position for p in SeekIndex(brigade, every=10).points] == [
        10,
        20,
        30,
        40,
        50,
    ]


def _folded_to(brigade: Brigade, position: int) -> dict[str, Any]:
    views = all_views()
    fold_log(brigade, views.values(), position)
    return {name: view.rows for name, view in views.items()}


def _each_a_true_fold(brigade: Brigade, index: SeekIndex) -> None:
    """Every point holds exactly the views a fold of the log up to it makes."""
    for point in index.points:
        kept = index.load(point)
        assert {name: view.position for name, view in kept.items()} == dict.fromkeys(
            kept, point.position
        )
        assert {name: view.rows for name, view in kept.items()} == _folded_to(
            brigade, point.position
        )
        assert next(iter(kept.values())).now == point.as_of


@pytest.fixture
def server_views(brigade: Brigade, writer: CommandWriter) -> Iterator[Follower]:
    """A server's follower, fed the writer's events as it commits them."""
    follower = Follower(brigade)
    writer.on_events(follower.offer)
    follower.start()
    yield follower
    follower.stop()


def test_a_server_takes_seek_points_from_its_live_views(
    brigade: Brigade, writer: CommandWriter, server_views: Follower
) -> None:
    # Given a keeper following a server's views that would fold the store again
    # only after a minute
    index = SeekIndex(brigade, every=10)
    keeper = SeekKeeper(index, interval=60).follow(server_views).start()
    try:
        # When the morning's 57 events are recorded, a command (a batch) at a time
        for step in morning():
            writer.execute(step.command)
        # Then a point is made in each stretch of ten the batches crossed
        eventually(lambda: len(index.points) == 5)
    finally:
        keeper.stop()
    stretches = [p.position // 10 for p in index.points]
    assert stretches == [1, 2, 3, 4, 5]
    # and each is exactly the views a fold of the log up to it makes
    _each_a_true_fold(brigade, index)


def test_a_backlog_of_seek_points_is_folded_before_live_points_follow(
    brigade: Brigade, writer: CommandWriter, server_views: Follower
) -> None:
    steps = iter(morning())

    def record_up_to(position: int) -> None:
        while (brigade.recorder.max_notification_id() or 0) < position:
            writer.execute(next(steps).command)

    # Given 25 events recorded while no keeper kept seek points
    record_up_to(25)
    # When a keeper starts following, and ten more arrive before its thread runs
    index = SeekIndex(brigade, every=10)
    keeper = SeekKeeper(index, interval=0.05).follow(server_views)
    record_up_to(35)
    keeper.start()
    try:
        # Then the backlog is folded from the store, up to the head
        eventually(lambda: [p.position for p in index.points] == [10, 20, 30])
        # and the rest of the morning's points are taken from the live views
        for step in steps:
            writer.execute(step.command)
        eventually(lambda: len(index.points) == 5)
    finally:
        keeper.stop()
    # and no stretch is missing or doubled, and every point is a true fold
    assert [p.position // 10 for p in index.points] == [1, 2, 3, 4, 5]
    _each_a_true_fold(brigade, index)


def test_points_offered_faster_than_the_keeper_saves_them_are_all_kept(
    brigade: Brigade, writer: CommandWriter, server_views: Follower
) -> None:
    # Given a keeper following a server's views whose thread has not run yet
    index = SeekIndex(brigade, every=10)
    keeper = SeekKeeper(index, interval=60).follow(server_views)
    try:
        # When the whole morning is recorded before it saves its first point
        for step in morning():
            writer.execute(step.command)
        head = brigade.recorder.max_notification_id()
        eventually(lambda: server_views.position == head)
        keeper.start()
        # Then every stretch's point is saved, none taken for a backlog
        eventually(lambda: len(index.points) == 5)
    finally:
        keeper.stop()
    assert [p.position // 10 for p in index.points] == [1, 2, 3, 4, 5]
