"""What a TAK device says, as the command it means, if it speaks for a volunteer.

Only devices linked to a volunteer (`LinkDevice`, the `devices` view) are heard;
anything from another uid is counted and dropped. A device acts as its
volunteer, with the volunteer's rights and no more. Every command's id is
derived from what the device sent (uid and time, or the message's own uid), so
the same CoT heard twice, from the device and again through a TAK server, or
after a reconnect, takes effect once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import commands as c
from domain.types import IncidentKind, Role
from gateway.tak.cot import stamp

if TYPE_CHECKING:
    from gateway.tak.cot import Cot

_NAMESPACE = uuid5(NAMESPACE_URL, "https://brigade.invalid/cot")
# A device's own position (ATAK: a-f-G-U-C, friendly ground unit), GeoChat, a
# spot marker dropped on the map (ATAK's Spot Map: b-m-p-s-m), a ping.
POSITION = "a-f-"
CHAT = "b-t-f"
SPOT = "b-m-p-s-"
PING = "t-x-c-t"
# What brigade sends: an incident's marker and chat room carry this uid.
INCIDENT_UID = "brigade.incident."
_SEVERITY = re.compile(r"\b(?:severity|sev)\s*[:=]?\s*([1-5])\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z_]+")


def command_id(*parts: str) -> UUID:
    """A command id made of what the device sent: the same message, the same id."""
    return uuid5(_NAMESPACE, "\x1f".join(parts))


class Inbound:
    """Turns CoT into commands: `command(cot)` gives one, or why there is none."""

    def __init__(self, views: dict[str, Any]) -> None:
        # Read without a lock: a lookup in a dict another thread changes is safe,
        # and the link a message meets is the one in force as it is heard.
        self._devices: dict[str, dict[str, Any]] = views["devices"].rows
        self._roster: dict[str, dict[str, Any]] = views["roster"].rows

    def volunteer(self, uid: str) -> str | None:
        row = self._devices.get(uid)
        return None if row is None else row["volunteer_id"]

    def command(self, cot: Cot) -> c.Command | str:
        """The command this event asks for, or the outcome to count instead."""
        kind = cot.type
        if kind.startswith(CHAT):
            return self._chat(cot)
        volunteer = self.volunteer(cot.uid)
        if kind.startswith(POSITION):
            if volunteer is None:
                return "unlinked"
            return self._position(cot, volunteer)
        if kind.startswith(SPOT):
            # A marker's uid is its own; whose it is says the link to its author.
            author = _author(cot)
            volunteer = self.volunteer(author) if author else None
            if volunteer is None:
                return "unlinked"
            return self._spot(cot, volunteer)
        return "ignored"

    def _position(self, cot: Cot, volunteer: str) -> c.Command | str:
        if cot.lat is None or cot.lon is None:
            return "malformed"
        return c.ReportPosition(
            command_id=command_id("position", cot.uid, stamp(cot.time)),
            actor=c.Actor(Role.VOLUNTEER, volunteer),
            occurred_at=cot.time,
            volunteer_id=UUID(volunteer),
            lat=cot.lat,
            lon=cot.lon,
            accuracy=cot.ce,
            heading=cot.course,
            # ATAK sends speed 0.0 when standing and -1 or NaN when unknown.
            speed=cot.speed if cot.speed is not None and cot.speed >= 0 else None,
        )

    def _chat(self, cot: Cot) -> c.Command | str:
        chat = cot.chat
        if chat is None or not chat.text:
            return "malformed"
        volunteer = self.volunteer(chat.sender)
        if volunteer is None:
            return "unlinked"
        room = chat.room if chat.room.startswith(INCIDENT_UID) else ""
        try:
            incident = UUID(room.removeprefix(INCIDENT_UID))
        except ValueError:
            return "ignored"  # a chat brigade is not in (All Chat Rooms, a team)
        return c.PostMessage(
            command_id=command_id("chat", cot.uid),
            actor=c.Actor(Role.VOLUNTEER, volunteer),
            occurred_at=cot.time,
            incident_id=incident,
            text=chat.text,
        )

    def _spot(self, cot: Cot, volunteer: str) -> c.Command | str:
        if cot.lat is None or cot.lon is None:
            return "malformed"
        row = self._roster.get(volunteer)
        operation = None if row is None else row.get("operation_id")
        if operation is None:
            return "off_shift"  # an incident belongs to the operation of a shift
        words = set(_WORD.findall(cot.remarks.lower().replace("-", "_")))
        kind = next(
            (k.value for k in IncidentKind if k.value in words), IncidentKind.OTHER
        )
        severity = _SEVERITY.search(cot.remarks)
        return c.ReportIncident(
            # Marker and incident are one: an edited marker is not a new incident.
            command_id=command_id("spot", cot.uid),
            actor=c.Actor(Role.VOLUNTEER, volunteer),
            occurred_at=cot.time,
            incident_id=command_id("incident", cot.uid),
            operation_id=UUID(operation),
            kind=str(kind),
            lat=cot.lat,
            lon=cot.lon,
            address=cot.callsign,
            severity=int(severity.group(1)) if severity else 3,
            description=cot.remarks,
        )


def _author(cot: Cot) -> str:
    """The uid of the device that dropped a marker (`<link relation="p-p">`)."""
    detail = cot.detail
    if detail is None:
        return ""
    for link in detail.iter("link"):
        if link.get("relation") == "p-p" and link.get("uid"):
            return link.get("uid") or ""
    return ""
