"""GET /cap/feed.atom and /cap/{identifier}.xml: warnings as OASIS CAP 1.2 alerts.

Public, as a weather service's feed is: an alerting hub or a phone's CAP reader
subscribes without a token (docs/interop.md). Only warnings are published here,
from the warnings view, never anything personal.
"""

from typing import Any

from fastapi import APIRouter, Request, Response

from gateway.bootstrap import Runtime
from gateway.cap.alerts import ATOM_TYPE, CAP_TYPE, alert_xml, feed_xml
from gateway.deps import RuntimeDep
from gateway.errors import ApiError
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
