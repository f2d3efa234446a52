"""GET /operations/{id}/map.geojson and /map.kml: the operation's map for GIS tools,
now or at a moment (`?at=` a position, or a field time with its zone)."""

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response

from domain.types import Role
from gateway.bootstrap import Runtime
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import ApiError
from gateway.exports import GEOJSON_TYPE, KML_TYPE, Picture, geojson, kml
from projections import access
from projections.base import iso
from replay.timetravel import OutOfRange

router = APIRouter(tags=["exports"])

VIEWS = ("map", "warnings", "operations")
KML_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {KML_TYPE: {}}}}
GEOJSON_ANSWER: dict[int | str, dict[str, Any]] = {200: {"content": {GEOJSON_TYPE: {}}}}


def picture(runtime: Runtime, operation_id: str, at: str | None) -> Picture:
    """The operation's map now (the live views), or at a moment (time travel)."""
    if at is None:
        deltas = runtime.follower.deltas
        with deltas.lock:
            views = {name: deltas.views[name].rows for name in VIEWS}
            position = deltas.position
            as_of = iso(deltas.views["map"].as_of)
            found = Picture.of(operation_id, views, position, as_of)
    else:
        moment = _moment(at)
        try:
            travelled = runtime.time_travel.at(**moment)
        except OutOfRange as error:
            raise ApiError(422, "invalid_value", f"at: {error}") from None
        views = {name: travelled.views[name].rows for name in VIEWS}
        found = Picture.of(
            operation_id, views, travelled.position, iso(travelled.as_of)
        )
    if operation_id not in views["operations"]:
        raise ApiError(404, "operation_not_found", f"no operation {operation_id}")
    return found


def _moment(at: str) -> dict[str, Any]:
    if at.isdigit():
        return {"position": int(at)}
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        why = "at: a position, or a field time with its zone (2023-07-28T10:42+08:00)"
        raise ApiError(422, "invalid_value", why)
    return {"field_time": moment}


def _allowed(role: Role) -> None:
    hidden = access.hidden(role, VIEWS)
    if hidden:
        raise ApiError(403, access.NOT_ALLOWED, access.refusal(role, VIEWS))


def _name(picture: Picture, suffix: str) -> dict[str, str]:
    stem = f"map-{picture.operation_id[:8]}-{picture.position}"
    return {"Content-Disposition": f'inline; filename="{stem}.{suffix}"'}


@router.get("/operations/{operation}/map.geojson", responses=GEOJSON_ANSWER)
def map_geojson(
    operation: str, actor: ActorDep, runtime: RuntimeDep, at: str | None = None
) -> Response:
    """The map as an RFC 7946 FeatureCollection: incidents, tracks, routes, roads
    and the warnings standing."""
    _allowed(actor.role)
    found = picture(runtime, operation, at)
    body = json.dumps(geojson(found), ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type=GEOJSON_TYPE, headers=_name(found, "geojson"))


@router.get("/operations/{operation}/map.kml", responses=KML_ANSWER)
def map_kml(
    operation: str, actor: ActorDep, runtime: RuntimeDep, at: str | None = None
) -> Response:
    """The map as KML 2.2 (Google Earth, ATAK): the same content, with styles."""
    _allowed(actor.role)
    found = picture(runtime, operation, at)
    return Response(kml(found), media_type=KML_TYPE, headers=_name(found, "kml"))
