"""Devices: each TAK device's CoT uid and the volunteer it is linked to, if any.

What the TAK bridge (gateway/tak/) asks of every report it hears: a uid with no
row, or a row linked to no one, is dropped and counted, never stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.model.device import Device
from projections.base import View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable


class Devices(View):
    """Rows by CoT uid; commanders only may see them (projections/access.py)."""

    name = "devices"

    def __init__(self) -> None:
        super().__init__()
        self._uids: dict[str, str] = {}

    @handles(Device.Registered)
    def _registered(self, e: Device.Registered) -> Iterable[str]:
        self._uids[key(e.originator_id)] = e.uid
        self.rows[e.uid] = {
            "uid": e.uid,
            "volunteer_id": None,
            "linked_at": None,
            "linked_by": None,
        }
        return [e.uid]

    @handles(Device.Linked, Device.Unlinked)
    def _linked(self, e: Device.Linked | Device.Unlinked) -> Iterable[str]:
        uid = self._uids[key(e.originator_id)]
        linked = isinstance(e, Device.Linked)
        self.rows[uid].update(
            volunteer_id=key(e.volunteer_id) if isinstance(e, Device.Linked) else None,
            linked_at=iso(e.occurred_at) if linked else None,
            linked_by=e.actor,
        )
        return [uid]
