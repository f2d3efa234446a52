"""Liveness and readiness."""

from fastapi import APIRouter

from gateway.deps import RuntimeDep
from gateway.errors import ApiError

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/ready")
def ready(runtime: RuntimeDep) -> dict[str, object]:
    """The store answers and the views have caught up with it."""
    try:
        last = runtime.brigade.recorder.max_notification_id() or 0
    except Exception as error:
        raise ApiError(
            503, "store_unreachable", f"the store does not answer: {error}"
        ) from None
    lag = last - runtime.follower.position
    if lag > 0:
        raise ApiError(503, "views_behind", f"views are {lag} events behind", lag=lag)
    return {"status": "ready", "position": last}
