"""The owner's page (`/owner`) and what it reads: their premises' hazards and
reminders (`/owner/state`), and nothing else.

An owner's token names one premises (`IssueOwnerToken`); every row this module
hands out is that premises' (`projections.access.owner_rows`), and the images an
owner may fetch are the photos of those rows.
"""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from domain.types import HazardState, Role
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import ApiError
from gateway.routes.page import WEB
from projections import access
from projections.base import copy_row

router = APIRouter(include_in_schema=False)

# Stricter than the command centre's: no map, so no inline styles and no tiles.
POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def page_of(folder: str) -> HTMLResponse:
    """A page of its own folder under gateway/web/, with the strict policy."""
    html = (WEB / folder / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=HEADERS)


@router.get("/owner")
def owner_page() -> HTMLResponse:
    """The owner's page; it signs in with the token in its address's fragment."""
    return page_of("owner")


def premises_rows(
    runtime: Any, premises_id: str, view: str
) -> tuple[int, list[dict[str, Any]]]:
    """One premises' rows of a view, copied, and the position they reflect.

    Only they are copied, not the whole ledger a snapshot would copy.
    """
    deltas = runtime.follower.deltas
    with deltas.lock:
        source = deltas.views[view]
        rows = access.owner_rows(premises_id, source.rows.values())
        return source.position, [copy_row(row) for row in rows]


def owner_images(runtime: Any, premises_id: str) -> set[str]:
    """The photos an owner may see: the inspector's and their own self-checks'."""
    found: set[str] = set()
    for row in premises_rows(runtime, premises_id, "hazards")[1]:
        if row.get("photo"):
            found.add(row["photo"])
        check = row.get("self_check") or {}
        found.update(check.get("photos", []))
    return found


@router.get("/owner/state")
def owner_state(actor: ActorDep, runtime: RuntimeDep) -> dict[str, Any]:
    """The premises' open hazards (what to fix, the deadline, the inspector's
    photo, the owner's self-check) and the reminders sent about them."""
    if actor.role is not Role.OWNER:
        raise ApiError(
            403, "role_not_allowed", "this is an owner's page: open the owner's link"
        )
    position, hazards = premises_rows(runtime, actor.id, "hazards")
    first = hazards[0] if hazards else {}
    open_ = [h for h in hazards if h["state"] != HazardState.CLOSED]
    open_.sort(key=lambda h: (h["deadline"] is None, h["deadline"] or "", h["id"]))
    _, reminders = premises_rows(runtime, actor.id, "reminders")
    reminders.sort(key=lambda r: r["queued_at"] or "", reverse=True)
    return {
        "premises_id": actor.id,
        "premises": {"name": first.get("premises"), "address": first.get("address")},
        "position": position,
        "hazards": open_,
        "closed": len(hazards) - len(open_),
        "reminders": reminders,
    }
