"""Enrolling phones: a code exchanged once for a volunteer token; commanders' side.

`POST /enrol` takes no token: the code is the credential (docs/protocol.md,
"Enrolment"). The rest is for commanders: a volunteer's enrolments, the QR code
of one again, and the volunteer's tokens that still work, to revoke a lost
phone's (`RevokeToken`).
"""

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response

from domain import commands as c
from domain.ids import uuid7
from domain.model.enrolment import Enrolment
from domain.types import Role
from gateway import enrolment
from gateway.credentials import token_for
from gateway.deps import ActorDep, CaughtUpDep, RuntimeDep
from gateway.errors import STATUS, ApiError
from gateway.routes.commands import CommandRoute
from gateway.schemas import EnrolBody
from projections import access

router = APIRouter(tags=["enrolment"], route_class=CommandRoute)

UNKNOWN = "enrolment_unknown"
UNKNOWN_SAID = (
    "not an enrolment code of this server: ask the command centre for a new one"
)


def base_url(runtime: RuntimeDep, request: Request) -> str:
    """Where phones reach this server: BRIGADE_PUBLIC_URL, or where this came to."""
    return runtime.settings.public_url or str(request.base_url)


@router.post("/enrol")
async def enrol(
    body: EnrolBody,
    runtime: RuntimeDep,
    idempotency_key: Annotated[UUID | None, Header()] = None,
) -> dict[str, Any]:
    """Exchange an enrolment code, once, for a volunteer token."""
    try:
        enrolment_id = enrolment.read_code(runtime.keys, body.code)
    except enrolment.UnknownCode:
        raise ApiError(404, UNKNOWN, UNKNOWN_SAID) from None
    volunteer_id = await _volunteer_of(runtime, enrolment_id)
    if volunteer_id is None:
        raise ApiError(404, UNKNOWN, UNKNOWN_SAID)
    # The phone acts as the volunteer the enrolment was made for, once.
    outcome = await runtime.writer.send(
        c.RedeemEnrolment(
            command_id=idempotency_key or uuid7(),
            actor=c.Actor(Role.VOLUNTEER, volunteer_id),
            occurred_at=datetime.now(UTC),
            enrolment_id=enrolment_id,
        )
    )
    runtime.metrics.count(outcome)
    if outcome.rejection is not None:
        why = outcome.rejection
        if why.code == "enrolment_not_found":
            raise ApiError(404, UNKNOWN, UNKNOWN_SAID)
        raise ApiError(STATUS.get(why.kind, 409), why.code, why.message)
    result = outcome.result
    return {
        "token": token_for(runtime.keys, result),
        "token_id": result["token_id"],
        "volunteer_id": result["volunteer_id"],
        "name": result["volunteer_name"],
        "expires_at": result["expires_at"],
        "replayed": outcome.replayed,
    }


async def _volunteer_of(runtime: RuntimeDep, enrolment_id: UUID) -> str | None:
    """Whom an enrolment is for: from the views, or the store (made elsewhere)."""
    row = runtime.follower.deltas.views["enrolments"].rows.get(str(enrolment_id))
    if row is not None:
        return str(row["volunteer_id"])
    found = await asyncio.to_thread(runtime.brigade.load, enrolment_id)
    return str(found.volunteer_id) if isinstance(found, Enrolment) else None


def _commanders_only(actor: c.Actor, view: str) -> None:
    if not access.may_see(actor.role, view):
        raise ApiError(403, access.NOT_ALLOWED, access.refusal(actor.role, [view]))


@router.get("/enrolments")
def list_enrolments(
    actor: ActorDep,
    runtime: RuntimeDep,
    _seen: CaughtUpDep,
    volunteer_id: UUID | None = None,
) -> dict[str, Any]:
    """Enrolments made (of one volunteer), newest first; never their codes."""
    _commanders_only(actor, "enrolments")
    snapshot = runtime.follower.deltas.snapshot("enrolments")
    rows = [
        row
        for row in snapshot.rows.values()
        if volunteer_id is None or row["volunteer_id"] == str(volunteer_id)
    ]
    rows.sort(key=lambda row: row["created_at"] or "", reverse=True)
    return {"position": snapshot.position, "rows": rows}


@router.get("/enrolments/{enrolment_id}/qr.svg")
def enrolment_qr(
    enrolment_id: UUID, actor: ActorDep, runtime: RuntimeDep, request: Request
) -> Response:
    """The QR code of an enrolment's link again, as SVG."""
    _commanders_only(actor, "enrolments")
    if str(enrolment_id) not in runtime.follower.deltas.views["enrolments"].rows:
        raise ApiError(404, "enrolment_not_found", f"no enrolment {enrolment_id}")
    code = enrolment.code_for(runtime.keys, enrolment_id)
    svg = enrolment.qr_svg(enrolment.link(base_url(runtime, request), code))
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"}
    )


@router.get("/volunteers/{volunteer_id}/tokens")
def volunteer_tokens(
    volunteer_id: UUID, actor: ActorDep, runtime: RuntimeDep, _seen: CaughtUpDep
) -> dict[str, Any]:
    """A volunteer's tokens that still work (not revoked, not expired)."""
    _commanders_only(actor, "credentials")
    snapshot = runtime.follower.deltas.snapshot("credentials")
    now = time.time()
    rows = [
        {
            "token_id": row["id"],
            "name": row["name"],
            "issued_at": row["issued_at"],
            "issued_by": row["issued_by"],
            "expires_at": row["expires_at"],
        }
        for row in snapshot.rows.values()
        if row["role"] == Role.VOLUNTEER.value
        and row["subject"] == str(volunteer_id)
        and row["revoked_at"] is None
        and datetime.fromisoformat(row["expires_at"]).timestamp() > now
    ]
    rows.sort(key=lambda row: row["issued_at"] or "", reverse=True)
    return {"position": snapshot.position, "rows": rows}
