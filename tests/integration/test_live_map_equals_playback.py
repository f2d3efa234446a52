"""The live map a subscriber holds is replay's map at the same position (each store).

Only what a position report changes may lag, by one window: a volunteer's point,
track and last report time. Their status (dispatched, on scene, released, on or
off shift) reaches the live map at the position that changed it, as on the
roster, so a duty officer never sees a dispatched volunteer as available.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support import caught_up

from replay.sim.morning import morning
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from domain.application import Brigade
    from domain.write import CommandWriter
    from projections.base import Row
    from projections.follower import Follower

# What only a position report changes, and may therefore arrive a window late.
POSITIONAL = ("at", "heading", "speed")
POSITION_ROWS = ("volunteer:", "track:")


def without_positions(key: str, row: Row | None) -> Any:
    """A map row as it must agree live and in replay at the same position."""
    if row is None or not key.startswith(POSITION_ROWS):
        return row
    properties = {k: v for k, v in row["properties"].items() if k not in POSITIONAL}
    return {"id": row.get("id"), "properties": properties}


def test_at_every_position_it_holds_a_live_subscriber_sees_replays_map(
    brigade: Brigade, writer: CommandWriter, by_hand: Follower
) -> None:
    # Given a subscriber to the live map from the start of the log
    subscription = by_hand.deltas.subscribe(["map"])
    held: dict[str, Row] = dict(subscription.snapshots[0].rows)
    # When the scripted morning is played, its window ending every fourth step
    for n, step in enumerate(morning(), start=1):
        writer.execute(step.command)
        caught_up(brigade, by_hand)
        if n % 4 == 0:
            by_hand.deltas.flush()
    by_hand.deltas.flush()
    # Then at every position it came to hold, it held replay's map there
    travel = TimeTravel(brigade)
    statuses: set[str] = set()
    while not subscription.queue.empty():
        changes = subscription.queue.get()
        for change in changes:
            if change.row is None:
                held.pop(change.key, None)
            else:
                held[change.key] = change.row
        position = max(change.position for change in changes)
        replayed = travel.at_position(position).rows("map")
        shown = {k: without_positions(k, r) for k, r in held.items()}
        truth = {k: without_positions(k, r) for k, r in replayed.items()}
        # only a position report draws a point or a track: its first may be late
        late = {k for k in truth.keys() - shown.keys() if k.startswith(POSITION_ROWS)}
        assert {k: v for k, v in truth.items() if k not in late} == shown, position
        statuses |= {
            row["properties"]["status"]
            for k, row in shown.items()
            if k.startswith("volunteer:")
        }
    subscription.close()
    assert {"available", "dispatched", "on_scene"} <= statuses
