"""Take an outside alert in as a warning of an operation, over HTTP or in a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.cap.intake import Alert, command, read
from projections.warnings import Warnings

if TYPE_CHECKING:
    from uuid import UUID

    from domain import commands as c
    from gateway.bootstrap import Runtime


def known(runtime: Runtime) -> dict[tuple[str, str], str]:
    """Every outside alert taken in, (sender, identifier), by the warning it became."""
    view = runtime.follower.views["warnings"]
    assert isinstance(view, Warnings)
    found: dict[tuple[str, str], str] = {}
    with runtime.follower.deltas.lock:
        for row in [*view.revisions.values(), *view.rows.values()]:
            source = row.get("source")
            if source:
                found[source["sender"], source["identifier"]] = row["id"]
    return found


def operation_area(runtime: Runtime, operation_id: UUID) -> list[float] | None:
    with runtime.follower.deltas.lock:
        row = runtime.follower.views["operations"].rows.get(str(operation_id))
        return None if row is None else row.get("area")


def taken(
    runtime: Runtime, operation_id: UUID, document: bytes, actor: c.Actor
) -> tuple[Alert, c.Command]:
    """The alert in the document, and the command that takes it in (Refused if not)."""
    alert = read(document)
    index = known(runtime)
    return alert, command(
        alert,
        operation_id,
        actor=actor,
        known=lambda sender, identifier: index.get((sender, identifier)),
        area=operation_area(runtime, operation_id),
    )
