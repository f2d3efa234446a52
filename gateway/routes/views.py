"""GET /views/<name>: a view's rows as they stand, with the position they reflect."""

from typing import Any

from fastapi import APIRouter

from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import ApiError
from projections import access
from projections.catalog import VIEW_NAMES, belongs

router = APIRouter(prefix="/views", tags=["views"])


@router.get("/{name}")
def read_view(
    name: str, actor: ActorDep, runtime: RuntimeDep, operation_id: str | None = None
) -> dict[str, Any]:
    """Rows by key (the map: a FeatureCollection), optionally of one operation."""
    if name not in VIEW_NAMES:
        raise ApiError(404, "unknown_view", f"views are: {', '.join(VIEW_NAMES)}")
    deltas = runtime.follower.deltas
    if access.may_see(actor.role, name):
        snapshot = deltas.snapshot(name)
        rows = snapshot.rows
    elif access.may_see_by_need(actor.role, name):
        # Only the rows this volunteer needs, decided from the views as they
        # stand at one position (the lock is re-entrant).
        with deltas.lock:
            snapshot = deltas.snapshot(name)
            needed = {view: deltas.snapshot(view).rows for view in access.NEEDS}
        rows = access.by_need(name, actor.id, needed)
    else:
        raise ApiError(403, access.NOT_ALLOWED, access.refusal(actor.role, [name]))
    if operation_id is not None:
        rows = {k: r for k, r in rows.items() if belongs(r, operation_id)}
    if name == "map":
        collection = {"type": "FeatureCollection", "features": list(rows.values())}
        return {"view": name, "position": snapshot.position, "map": collection}
    return {"view": name, "position": snapshot.position, "rows": rows}
