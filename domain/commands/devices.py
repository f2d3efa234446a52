"""TAK devices: whose a device's Cursor on Target reports are (gateway/tak/)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID  # noqa: TC003 (the gateway reads these types at run time)

from domain.commands.base import Command


@dataclass(frozen=True, kw_only=True)
class LinkDevice(Command):
    """What the TAK device with this CoT uid reports is from now on this volunteer's."""

    device_uid: str
    volunteer_id: UUID


@dataclass(frozen=True, kw_only=True)
class UnlinkDevice(Command):
    """The device speaks for no one: its reports are dropped again."""

    device_uid: str
