"""The views of the scripted Doksuri morning, folded from the real store (each kind)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import commands as c
from projections.catalog import all_views, fold
from replay.sim.morning import morning, uid

if TYPE_CHECKING:
    from support import Scenario

    from domain.application import Brigade
    from domain.write import CommandWriter


def views_of_the_morning(writer: CommandWriter, brigade: Brigade) -> dict[str, Any]:
    for step in morning():
        writer.execute(step.command)
    notifications = brigade.recorder.select_notifications(None, limit=10_000)
    views = all_views()
    fold(views, [(n.id, brigade.mapper.to_domain_event(n)) for n in notifications])
    return views


def test_the_morning_as_the_command_centre_sees_it(
    writer: CommandWriter, brigade: Brigade
) -> None:
    views = views_of_the_morning(writer, brigade)
    operation = str(uid("operation"))

    stats = views["stats"].rows[operation]
    assert stats["incidents_by_kind"] == {
        "flood": 1,
        "trapped_persons": 1,
        "road_blocked": 1,
    }
    assert (stats["dispatches"], stats["dispatches_refused"]) == (3, 2)
    assert (stats["evacuated"], stats["rescued"]) == (23, 4)
    assert stats["report_to_dispatch_s"]["n"] == 3
    assert stats["dispatch_to_arrival_s"] == {"n": 2, "median": 180.0, "p90": 180.0}

    board = views["board"].rows
    assert board[str(uid("flood"))]["status"] == "on_scene"
    assert board[str(uid("flood"))]["on_scene"] == [str(uid("Chen Wei"))]
    assert board[str(uid("trapped"))]["status"] == "resolved"
    assert board[str(uid("trapped"))]["rescued"] == 4

    roster = views["roster"].rows
    assert roster[str(uid("Chen Wei"))]["status"] == "on_scene"
    wu = roster[str(uid("Wu Min"))]
    assert not wu["dispatchable"]
    assert wu["not_dispatchable_because"] == (
        "no training, no duty: basic fire safety course not passed"
    )
    assert roster[str(uid("Lin Hua"))]["status"] == "available"  # released on resolve

    collection = views["map"].collection(operation)
    layers = sorted(f["properties"]["layer"] for f in collection["features"])
    assert layers.count("incident") == 3
    assert {"route", "road", "volunteer"} <= set(layers)
    assert all(f["type"] == "Feature" for f in collection["features"])
    assert views["map"].position == brigade.recorder.max_notification_id()


def test_a_rectified_hazard_waits_on_the_brigade_not_the_owner(
    story: Scenario, brigade: Brigade
) -> None:
    # Given a hazard ordered fixed within ten minutes, and fixed in time
    operation = story.operation("Year-round programme")
    premises = UUID(
        story.ok(
            c.RegisterPremises,
            name="Xiao Li noodles",
            address="12 Wanan Road",
            lat=24.95,
            lon=118.62,
        ).result["premises_id"]
    )
    hazard = UUID(
        story.ok(
            c.RecordHazard,
            premises_id=premises,
            operation_id=operation,
            kind="extinguisher expired",
            severity=3,
        ).result["hazard_id"]
    )
    story.ok(
        c.OrderRectification,
        premises_id=premises,
        hazard_id=hazard,
        deadline=story.field_time + timedelta(minutes=10),
    )
    story.ok(
        c.RecordRectification,
        premises_id=premises,
        hazard_id=hazard,
        evidence="new extinguisher",
    )

    def overdue() -> tuple[bool, int]:
        # When the field clock passes the deadline (any later event moves it)
        story.field_time += timedelta(minutes=30)
        story.ok(c.OpenOperation, name="clock", kind="programme")
        views = all_views()
        fold(
            views,
            [
                (n.id, brigade.mapper.to_domain_event(n))
                for n in brigade.recorder.select_notifications(None, limit=10_000)
            ],
        )
        row = views["hazards"].rows[str(hazard)]
        return row["overdue"], views["stats"].rows[str(operation)]["hazards_overdue"]

    # Then it is not overdue in the ledger nor in the statistics: it waits on us
    assert overdue() == (False, 0)

    # And once a re-inspection fails it is the owner's again, and overdue in both
    story.ok(c.ReinspectHazard, premises_id=premises, hazard_id=hazard, passed=False)
    assert overdue() == (True, 1)
