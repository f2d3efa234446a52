"""Liveness and readiness."""

import asyncio
from weakref import WeakKeyDictionary

from fastapi import APIRouter

from domain.store.outage import StoreUnavailable
from gateway.bootstrap import Runtime
from gateway.deps import RuntimeDep
from gateway.errors import ApiError

router = APIRouter(tags=["health"])

# `/ready` answers within this, whatever the store does: a load balancer's check
# must not hang on a database that does not answer.
READY_WITHIN = 0.8
# One look at the store at a time per process: checks that come while it runs
# share it, so a store that hangs holds one thread, not one per check.
_looking: WeakKeyDictionary[Runtime, asyncio.Future[int]] = WeakKeyDictionary()


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(runtime: RuntimeDep) -> dict[str, object]:
    """The store answers (and takes writes) and the views have caught up with it."""
    look = _looking.get(runtime)
    if look is None or look.done():
        look = _looking[runtime] = asyncio.ensure_future(
            asyncio.to_thread(runtime.brigade.commands.probe)
        )
    try:
        last = await asyncio.wait_for(asyncio.shield(look), READY_WITHIN)
    except TimeoutError:
        why = f"the store did not answer within {READY_WITHIN} s"
        raise StoreUnavailable(why) from None
    lag = last - runtime.follower.position
    if lag > 0:
        raise ApiError(503, "views_behind", f"views are {lag} events behind", lag=lag)
    return {"status": "ready", "position": last}
