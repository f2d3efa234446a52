"""GET /cap/feed.atom and /cap/{identifier}.xml: warnings as OASIS CAP 1.2 alerts;
POST /operations/{id}/alerts: an outside alert taken in as a warning.

The feed and alerts are public, as a weather service's feed is: an alerting hub or
a phone's CAP reader subscribes without a token (docs/interop.md). Only warnings
are published there, from the warnings view, never anything personal. Taking an
alert in is a commander's act.
"""

import asyncio
import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response

from domain.types import Role
from gateway.bootstrap import Runtime
from gateway.cap.alerts import ATOM_TYPE, CAP_TYPE, alert_xml, feed_xml
from gateway.cap.intake import MAX_BYTES, Refused, fetch
from gateway.cap.take import taken
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import STATUS, ApiError
from projections.base import Row, copy_row
from projections.warnings import Warnings, current

router = APIRouter(prefix="/cap", tags=["cap"])

XML: dict[int | str, dict[str, Any]] = {200: {"content": {CAP_TYPE: {}}}}
ATOM: dict[int | str, dict[str, Any]] = {200: {"content": {ATOM_TYPE: {}}}}
# An alert does not change once published; the feed does, so it is checked often.
HEADERS = {"X-Content-Type-Options": "nosniff"}


def _warnings(runtime: Runtime) -> Warnings:
    view = runtime.follower.views["warnings"]
    assert isinstance(view, Warnings)
    return view


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/feed.atom", responses=ATOM)
def feed(
    request: Request, runtime: RuntimeDep, operation_id: str | None = None
) -> Response:
    """An Atom feed of the current warnings' latest alerts, each embedded whole."""
    view = _warnings(runtime)
    with runtime.follower.deltas.lock:
        rows = [copy_row(row) for row in current(view.rows.values(), operation_id)]
    return Response(
        feed_xml(rows, base=_base(request)),
        media_type=ATOM_TYPE,
        headers={**HEADERS, "Cache-Control": "max-age=30"},
    )


@router.get("/{identifier}.xml", responses=XML)
def alert(identifier: str, runtime: RuntimeDep) -> Response:
    """One alert: by its identifier, or a warning's id for its latest alert."""
    view = _warnings(runtime)
    with runtime.follower.deltas.lock:
        found: Row | None = view.rows.get(identifier) or view.revision(identifier)
        row = copy_row(found) if found is not None else None
    if row is None:
        raise ApiError(404, "alert_not_found", f"no alert or warning {identifier}")
    return Response(alert_xml(row), media_type=CAP_TYPE, headers=HEADERS)


operations = APIRouter(tags=["cap"])
JSON_TYPES = ("application/json",)


@operations.post("/operations/{operation}/alerts")
async def take_alert(
    operation: UUID, request: Request, actor: ActorDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Take in an outside CAP alert as a warning of the operation: the document as
    the body (`application/cap+xml` or `application/xml`), or `{"url": ...}`."""
    if actor.role is not Role.COMMANDER:
        raise ApiError(403, "role_not_allowed", "only a commander takes in alerts")
    try:
        body = await _bounded(request)
        if request.headers.get("content-type", "").startswith(JSON_TYPES):
            url = _url(body)
            body = await asyncio.to_thread(fetch, url)
        alert, command = taken(runtime, operation, body, actor)
    except Refused as refused:
        raise ApiError(refused.status, refused.code, refused.message) from None
    outcome = await runtime.writer.send(command)
    runtime.metrics.count(outcome)
    if outcome.rejection is not None:
        why = outcome.rejection
        raise ApiError(STATUS.get(why.kind, 409), why.code, why.message)
    return {
        "command": type(command).__name__,
        "command_id": str(outcome.command_id),
        "warning_id": str(getattr(command, "warning_id", None) or "")
        or outcome.result.get("warning_id", ""),
        "source": alert.source,
        "position": outcome.position,
        "replayed": outcome.replayed,
    }


async def _bounded(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise Refused(
                413, "cap_too_large", f"an alert is at most {MAX_BYTES} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _url(body: bytes) -> str:
    try:
        found = json.loads(body)["url"]
    except (ValueError, KeyError, TypeError):
        found = None
    if not isinstance(found, str) or len(found) > 2000:
        raise Refused(422, "invalid_value", 'send {"url": "https://..."} or the alert')
    return found
