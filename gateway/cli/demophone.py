"""The demo's phone: a link for one simulated volunteer, whose assignments arrive
as the storm plays (`brigade demo`).

The volunteer is the first the simulation dispatches once the storm plays at its
pace. Their token can only be issued once they are registered (the run-up plays
first), so the link is printed then: `/field#token=...`, a volunteer token for a
day, as an enrolled phone would hold.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from domain import commands as c
from domain.ids import uuid7
from domain.types import Role
from gateway.credentials import terminal, token_for

if TYPE_CHECKING:
    from uuid import UUID

    from gateway.bootstrap import Runtime
    from projections.base import Change
    from replay.sim import Simulation

DAY = 86_400


def chosen(simulation: Simulation, paced_from: datetime) -> tuple[UUID, str] | None:
    """The volunteer first dispatched from `paced_from` on, and their name."""
    names = {
        step.fields["volunteer_id"]: step.fields["name"]
        for step in simulation.steps
        if step.kind is c.RegisterVolunteer
    }
    for step in simulation.steps:
        if (
            step.kind is c.DispatchVolunteer
            and step.expect is None
            and step.at >= paced_from
        ):
            volunteer_id: UUID = step.fields["volunteer_id"]
            return volunteer_id, str(names.get(volunteer_id, "a volunteer"))
    return None


async def link(runtime: Runtime, base: str, volunteer_id: UUID) -> str:
    """Once the volunteer is registered: their phone's link, with a day's token."""
    await _registered(runtime, str(volunteer_id))
    outcome = await runtime.writer.send(
        c.IssueToken(
            command_id=uuid7(),
            actor=terminal(),
            occurred_at=datetime.now(UTC),
            role=Role.VOLUNTEER.value,
            volunteer_id=volunteer_id,
            name="demo phone",
            ttl_seconds=DAY,
        )
    )
    if outcome.rejection is not None:
        raise RuntimeError(outcome.rejection.message)
    return f"{base}/field#token={token_for(runtime.keys, outcome.result)}"


async def _registered(runtime: Runtime, key: str) -> None:
    """Return once the roster has the volunteer (told by the views' deltas)."""
    loop, heard = asyncio.get_running_loop(), asyncio.Event()

    def listen(changes: list[Change]) -> None:
        if any(change.view == "roster" and change.key == key for change in changes):
            loop.call_soon_threadsafe(heard.set)

    deltas = runtime.follower.deltas
    with deltas.lock:
        deltas.listen(listen)
        if key in deltas.views["roster"].rows:
            heard.set()
    try:
        await heard.wait()
    finally:
        deltas.unlisten(listen)
