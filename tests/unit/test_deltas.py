"""The delta log: in order, resumable, coalesced without ever going back in time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.model.volunteer import Volunteer
from projections.base import Change, View, copy_row
from projections.deltas import DeltaLog, Reset

POSITION = Volunteer.PositionReported


class Rows(View):
    name = "map"


def log_at(position: int, history: int = 100) -> tuple[DeltaLog, View]:
    view = Rows()
    view.position = position
    return DeltaLog({"map": view}, history=history), view


def change(position: int, key: str, value: int) -> Change:
    return Change("map", position, key, {"value": value})


def fold_into(view: View, position: int, key: str, value: int | None) -> Change:
    """What a view's fold does: the row changes, then its change is published."""
    view.position = position
    if value is None:
        view.rows.pop(key, None)
        return Change("map", position, key, None)
    view.rows[key] = {"value": value}
    return change(position, key, value)


def test_only_the_latest_state_of_a_held_row_is_sent() -> None:
    log, view = log_at(0)
    log.publish([fold_into(view, 1, "volunteer:a", 1)], POSITION)  # held
    assert log.publish([fold_into(view, 2, "volunteer:a", None)], POSITION) == []
    view.position = 3
    assert log.flush() == [Change("map", 3, "volunteer:a", None)]


def test_a_held_row_is_copied_at_the_flush_and_not_before() -> None:
    log, view = log_at(0)
    view.position = 1
    view.rows["volunteer:a"] = {"value": 1}
    with log.lock:
        assert log.hold("map", "volunteer:a", POSITION)  # noted, nothing copied
        assert not log.hold("map", "incident:1")
    view.rows["volunteer:a"]["value"] = 2  # a later report, before the window ends
    flushed = log.flush()
    assert flushed == [change(1, "volunteer:a", 2)]
    view.rows["volunteer:a"]["value"] = 3
    assert flushed[0].row == {"value": 2}  # what was sent stays as it was sent
    assert log.flush() == []  # nothing new was held


def test_held_rows_are_sent_once_a_window_at_the_views_position() -> None:
    log, view = log_at(0)
    for n in range(1, 6):
        log.publish([fold_into(view, n, "volunteer:a", n)], POSITION)
    assert log.since(0) == []
    flushed = log.flush()
    assert flushed == [change(5, "volunteer:a", 5)]
    assert log.since(0) == flushed


def test_history_that_has_run_out_says_reset() -> None:
    log, view = log_at(0, history=3)
    for n in range(1, 6):
        view.position = n
        log.publish([change(n, f"incident:{n}", n)])
    assert log.since(4) == [change(5, "incident:5", 5)]
    answer = log.since(1)
    assert isinstance(answer, Reset) and answer.oldest == 2


def test_a_failing_listener_is_dropped_and_the_others_still_hear() -> None:
    log, view = log_at(0)
    heard: list[Change] = []
    called: list[int] = []

    def broken(changes: list[Change]) -> None:
        called.append(changes[0].position)
        raise RuntimeError("a client went away badly")

    log.listen(broken)
    log.listen(heard.extend)
    for n in (1, 2, 3):
        view.position = n
        log.publish([change(n, f"incident:{n}", n)])
    assert [c.position for c in heard] == [1, 2, 3]
    assert called == [1]  # dropped at its failure: never called again


def test_a_copied_row_is_equal_and_shares_nothing_mutable() -> None:
    when = datetime(2023, 7, 28, 9, 55, tzinfo=UTC)
    row: dict[str, Any] = {
        "track": [[118.6, 24.9], [118.61, 24.91]],
        "counts": {"flood": 2, "tags": ["a"]},
        "pair": (1, [2]),
        "when": when,  # not JSON-shaped: copied the generic way
        "seen": {"x"},
        "name": "Chen Wei",
        "none": None,
    }
    copied = copy_row(row)
    assert copied == row
    row["track"][0][0] = 0.0
    row["counts"]["tags"].append("b")
    row["pair"][1].append(3)
    row["seen"].add("y")
    assert copied["track"][0] == [118.6, 24.9]
    assert copied["counts"]["tags"] == ["a"]
    assert copied["pair"] == (1, [2])
    assert copied["seen"] == {"x"}


def test_any_other_change_to_a_volunteers_map_row_goes_out_at_once_whole() -> None:
    # Given a volunteer's point held back by a position report
    log, view = log_at(0)
    log.publish([fold_into(view, 1, "volunteer:a", 1)], POSITION)
    # When a dispatch changes the same row
    dispatched = fold_into(view, 2, "volunteer:a", 2)
    # Then it is published at once, and the window has nothing left to send
    assert log.publish([dispatched], Volunteer.Assigned) == [dispatched]
    assert log.flush() == []
