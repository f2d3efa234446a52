"""Risk warnings: the commands' rules, the view's rows, which ones cover a point."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
import support
from support import COMMANDER, LANDFALL, provenance, refused, volunteer

from domain import commands as c
from domain.errors import Code
from domain.model.base import BrigadeAggregate, journal
from domain.model.operation import Operation
from projections.warnings import (
    Warnings,
    circle_ring,
    contains,
    covering,
    current,
    identifier,
    km_between,
)

A = TypeVar("A", bound=BrigadeAggregate)


class DictUnitOfWork(support.DictUnitOfWork):
    now = LANDFALL + timedelta(days=1)
    skew = timedelta(minutes=2)


def typhoon() -> Operation:
    return Operation.open(uuid4(), "Doksuri", "typhoon", None, provenance())


# Luojiang's centre, and a square around it (lon, lat), closed.
CENTRE = [118.63, 24.96]
SQUARE = [
    [118.5, 24.85],
    [118.75, 24.85],
    [118.75, 25.1],
    [118.5, 25.1],
    [118.5, 24.85],
]


def issue(operation_id: UUID, minutes: int = 0, **change: Any) -> c.IssueWarning:
    body: dict[str, Any] = {
        "operation_id": operation_id,
        "event": "Typhoon",
        "category": "Met",
        "urgency": "Expected",
        "severity": "Minor",
        "certainty": "Likely",
        "area_desc": "Luojiang district",
        "polygon": SQUARE,
        "headline": {"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
        "instruction": {"zh": "加固门窗", "en": "Secure doors and windows"},
        "expiry": LANDFALL + timedelta(hours=24),
        **change,
    }
    return c.IssueWarning(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL + timedelta(minutes=minutes),
        **body,
    )


def update(warning_id: UUID, minutes: int, **change: Any) -> c.UpdateWarning:
    return c.UpdateWarning(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL + timedelta(minutes=minutes),
        warning_id=warning_id,
        **change,
    )


def cancel(warning_id: UUID, minutes: int) -> c.CancelWarning:
    return c.CancelWarning(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=LANDFALL + timedelta(minutes=minutes),
        warning_id=warning_id,
        reason="typhoon has passed",
    )


def folded(uow: DictUnitOfWork, *commands: c.Command) -> Warnings:
    """The warnings view after these commands, each folded as it is decided."""
    view = Warnings()
    position = 0
    for command in commands:
        with journal() as events:
            uow.run(command)
        for event in events:
            position += 1
            view.apply(event, position)
    return view


def test_a_warning_raised_then_lifted_is_three_alerts_each_readable_later() -> None:
    operation = typhoon()
    first = issue(operation.id)
    wid = UUID(next(iter(folded(DictUnitOfWork(operation), first).rows)))
    view = folded(
        DictUnitOfWork(operation),
        first,
        update(wid, 60, severity="Severe", headline={"en": "Typhoon orange warning"}),
        cancel(wid, 120),
    )
    row = view.rows[str(wid)]
    assert row["status"] == "cancelled"
    assert [a["msg_type"] for a in row["alerts"]] == ["Alert", "Update", "Cancel"]
    assert [a["identifier"] for a in row["alerts"]] == [
        identifier(str(wid), n) for n in (1, 2, 3)
    ]
    # The update kept the Chinese headline and changed the English one and the level.
    assert row["headline"] == {"zh": "台风蓝色预警", "en": "Typhoon orange warning"}
    assert row["level"] == "orange"
    # Each alert still reads as it was published.
    assert view.revision(identifier(str(wid), 1))["severity"] == "Minor"  # type: ignore[index]
    assert view.revision(identifier(str(wid), 2))["status"] == "active"  # type: ignore[index]
    assert view.revision(identifier(str(wid), 3)) is row
    assert current(view.rows.values()) == []


def test_a_warning_expires_when_field_time_passes_its_expiry() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    short = issue(operation.id, expiry=LANDFALL + timedelta(minutes=30))
    later = issue(operation.id, 45, polygon=None, circle=[*CENTRE, 5.0])
    view = folded(uow, short)
    wid = next(iter(view.rows))
    assert view.current() == [view.rows[wid]]
    view = folded(DictUnitOfWork(operation), short, later)
    assert view.rows[wid]["status"] == "expired"
    assert [row["circle"] for row in view.current()] == [[*CENTRE, 5.0]]


def test_covering_tells_which_current_warnings_hold_a_point() -> None:
    operation = typhoon()
    view = folded(
        DictUnitOfWork(operation),
        issue(operation.id),
        issue(operation.id, 1, polygon=None, circle=[*CENTRE, 2.0]),
    )
    square, disc = sorted(view.rows.values(), key=lambda r: r["polygon"] is None)
    assert [r["id"] for r in view.covering(*CENTRE)] == sorted(
        [square["id"], disc["id"]], key=lambda i: (view.rows[i]["expiry"], i)
    )
    # 5 km east: in the square, out of the 2 km circle.
    east = [CENTRE[0] + 0.05, CENTRE[1]]
    assert km_between(CENTRE, east) == pytest.approx(5.05, abs=0.05)
    assert [r["id"] for r in covering(view.rows.values(), *east)] == [square["id"]]
    assert covering(view.rows.values(), 117.0, 24.0) == []
    # On the square's edge counts as in.
    assert contains(square, 118.5, 24.9)


def test_a_circle_drawn_as_a_polygon_keeps_its_radius() -> None:
    ring = circle_ring(CENTRE[0], CENTRE[1], 10.0)
    assert ring[0] == ring[-1] and len(ring) == 65
    for point in ring:
        assert km_between(CENTRE, point) == pytest.approx(10.0, abs=0.01)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"polygon": None}, "polygon or a circle"),
        ({"circle": [*CENTRE, 3.0]}, "polygon or a circle"),
        ({"polygon": SQUARE[:-1]}, "end where it starts"),
        ({"polygon": [SQUARE[0], SQUARE[1], SQUARE[0], SQUARE[0]]}, "3 distinct"),
        ({"polygon": None, "circle": [*CENTRE, 0.0]}, "more than 0"),
        ({"polygon": None, "circle": [*CENTRE, 900.0]}, "between"),
        ({"severity": "Terrible"}, "severity must be one of"),
        ({"category": "met"}, "category must be one of"),
        ({"headline": {"zh": " ", "en": ""}}, "headline in Chinese or English"),
        ({"headline": {"fr": "Alerte"}}, "zh and en"),
        ({"expiry": LANDFALL}, "expiry must be after"),
        ({"expiry": LANDFALL + timedelta(days=40)}, "at most 31 days"),
        ({"onset": LANDFALL.replace(tzinfo=None)}, "time zone"),
        ({"source": {"sender": "cma"}}, "sender, identifier and sent"),
    ],
)
def test_a_warning_out_of_shape_is_refused_saying_why(
    change: dict[str, Any], says: str
) -> None:
    operation = typhoon()
    with refused(Code.INVALID_VALUE) as error:
        DictUnitOfWork(operation).run(issue(operation.id, **change))
    assert says in str(error.value)


def test_only_a_commander_warns_and_a_cancelled_warning_stays_cancelled() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    wid = UUID(str(uow.run(issue(operation.id))["warning_id"]))
    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(
            c.CancelWarning(
                command_id=uuid4(),
                actor=volunteer(uuid4()),
                occurred_at=LANDFALL,
                warning_id=wid,
            )
        )
    uow.run(cancel(wid, 5))
    with refused(Code.WARNING_CANCELLED):
        uow.run(cancel(wid, 6))
    with refused(Code.WARNING_CANCELLED):
        uow.run(update(wid, 6, severity="Extreme"))
    with refused(Code.WARNING_NOT_FOUND):
        uow.run(cancel(uuid4(), 6))
    with refused(Code.OPERATION_NOT_FOUND):
        uow.run(issue(uuid4()))


def test_no_warning_is_issued_or_changed_in_a_closed_operation() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    wid = UUID(str(uow.run(issue(operation.id))["warning_id"]))
    uow.run(
        c.CloseOperation(
            command_id=uuid4(),
            actor=COMMANDER,
            occurred_at=LANDFALL,
            operation_id=operation.id,
        )
    )
    with refused(Code.OPERATION_CLOSED):
        uow.run(issue(operation.id))
    with refused(Code.OPERATION_CLOSED):
        uow.run(update(wid, 5, severity="Severe"))
    uow.run(cancel(wid, 5))  # lifting one still works


def test_an_update_with_a_new_area_replaces_the_old_one() -> None:
    operation = typhoon()
    uow = DictUnitOfWork(operation)
    first = issue(operation.id)
    view = folded(uow, first)
    wid = UUID(next(iter(view.rows)))
    view = folded(
        DictUnitOfWork(operation), first, update(wid, 5, circle=[*CENTRE, 30.0])
    )
    row = view.rows[str(wid)]
    assert row["polygon"] is None and row["circle"] == [*CENTRE, 30.0]
    assert row["geometry"]["type"] == "Polygon"
