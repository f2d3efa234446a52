"""The programme office's page (`/office`) and its lists (`/office/summary`).

The page sends the domain's own commands (`POST /commands/...`) for registering,
vetting, courses, insurance, grades and the catalogue, and reads the lists here,
judged at the views' field clock as the roster judges who is insured.
"""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from domain.types import Role
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import ApiError
from gateway.routes.owner import page_of
from projections.office import premises_with_hazards, summary

if TYPE_CHECKING:
    from gateway.bootstrap import Runtime

router = APIRouter(include_in_schema=False)
OFFICE = frozenset({Role.COMMANDER, Role.OFFICER})


@router.get("/office")
def office_page() -> HTMLResponse:
    """The programme office's page, for a commander's or an officer's token."""
    return page_of("office")


def field_clock(runtime: "Runtime") -> datetime:
    """The views' field clock (now, before any field event)."""
    deltas = runtime.follower.deltas
    with deltas.lock:
        at = deltas.views["roster"].as_of
    return at or datetime.now(UTC)


@router.get("/office/summary")
def office_summary(actor: ActorDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Roster, expiring insurance, promotion, training gaps, courses, points,
    reminders and premises with open hazards, with the position they reflect."""
    if actor.role not in OFFICE:
        raise ApiError(
            403,
            "role_not_allowed",
            "the programme office is for commanders and officers",
        )
    deltas = runtime.follower.deltas
    views = {
        name: deltas.snapshot(name)
        for name in ("roster", "courses", "points", "reminders")
    }
    lists = summary(
        views["roster"].rows,
        views["courses"].rows,
        views["points"].rows,
        views["reminders"].rows,
        field_clock(runtime),
    )
    roster = sorted(views["roster"].rows.values(), key=lambda row: row["name"])
    premises = premises_with_hazards(deltas.snapshot("hazards").rows)
    position = min(snapshot.position for snapshot in views.values())
    return {"position": position, "roster": roster, "premises": premises, **lists}
