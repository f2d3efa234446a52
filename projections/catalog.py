"""All of brigade's views, folding the log into them, and what an operation shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from projections.base import apply_all
from projections.board import IncidentBoard
from projections.courses import Courses
from projections.credentials import Credentials
from projections.devices import Devices
from projections.enrolments import Enrolments
from projections.hazards import HazardLedger
from projections.livemap import LiveMap
from projections.mine import Mine
from projections.operations import Operations
from projections.points import Points
from projections.register import CheckOns, Register, RegisterAreas
from projections.reminders import Reminders
from projections.roster import PromotionRule, Roster
from projections.stats import Statistics
from projections.timeline import IncidentTimeline
from projections.warnings import Warnings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from projections.base import Change, Row, View

VIEW_NAMES = (
    "board",
    "map",
    "stats",
    "roster",
    "hazards",
    "operations",
    "credentials",
    # Owners and the programme office.
    "courses",
    "reminders",
    "points",
    "devices",
    "warnings",
    "register",
    "register_areas",
    "checkons",
    "timeline",
)


def all_views(rule: PromotionRule | None = None) -> dict[str, View]:
    """A fresh instance of every view, by name."""
    views: list[View] = [
        IncidentBoard(),
        LiveMap(),
        Statistics(),
        Roster(rule),
        HazardLedger(),
        Operations(),
        Credentials(),
        # Not in VIEW_NAMES: read over their own routes (/enrolments, /ws/me, /me).
        Enrolments(),
        Mine(),
        Courses(),
        Reminders(),
        Points(),
        Devices(),
        Warnings(),
        Register(),
        RegisterAreas(),
        CheckOns(),
        IncidentTimeline(),
    ]
    return {view.name: view for view in views}


def fold(
    views: dict[str, View],
    events: Iterable[tuple[int, object]],
    *,
    emit: bool = True,
    hold: Callable[[str, str, type | None], bool] | None = None,
) -> list[Change]:
    """Apply (position, event) pairs in order to every view; returns the changes.

    `hold` is as for `apply_all`: the changes it takes are not returned.
    """
    return apply_all(list(views.values()), events, emit=emit, hold=hold)


def operation_of(row: Row | None) -> Any:
    """The operation a row belongs to (a map feature keeps it in its properties)."""
    if row is None:
        return None
    return row.get("operation_id", row.get("properties", {}).get("operation_id"))


def belongs(row: Row | None, operation_id: str | None) -> bool:
    """Whether a row is shown for an operation (None: every operation).

    As on the live socket: rows of no operation (an off-duty volunteer) show in all.
    """
    if operation_id is None or row is None:
        return True
    return operation_of(row) in (operation_id, None)
