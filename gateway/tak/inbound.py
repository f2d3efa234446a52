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
from domain.types import SOS_PREFIX, IncidentKind, Role
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
# ATAK's emergency button: 911 Alert (b-a-o-tbl), Ring The Bell (b-a-o-pan),
# In Contact (b-a-o-opn), custom (b-a-o-c); sent again while it lasts, from the
# uid "<device>-9-1-1"; the cancel is b-a-o-can.
EMERGENCY = "b-a-o-"
CANCEL = "b-a-o-can"
_ALERT_SUFFIX = "-9-1-1"
# An SOS incident's description says so first (SOS_PREFIX) and ends with its
# device's uid in brackets: a repeat or a cancel finds it by that while it is open.
_OPEN = frozenset({"reported", "dispatched", "on_scene"})
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
        self._board: dict[str, dict[str, Any]] = views["board"].rows
        self._timeline: dict[str, dict[str, Any]] = views["timeline"].rows

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
        if kind.startswith(EMERGENCY):
            author = _author(cot) or cot.uid.removesuffix(_ALERT_SUFFIX)
            volunteer = self.volunteer(author)
            if volunteer is None:
                return "unlinked"
            if kind == CANCEL:
                return self._cancel(cot, author, volunteer)
            return self._emergency(cot, author, volunteer)
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

    def _emergency(self, cot: Cot, author: str, volunteer: str) -> c.Command | str:
        """A volunteer pressed SOS: the top of the duty officer's board, once.

        The kind is `other` so that anyone free may be sent to a colleague in
        trouble (every other kind asks for a qualification); severity 5.
        """
        if cot.lat is None or cot.lon is None:
            return "malformed"
        if self.open_sos(author, volunteer) is not None:
            return "sos_open"  # ATAK repeats the alert while it lasts
        row = self._roster.get(volunteer)
        operation = None if row is None else row.get("operation_id")
        if operation is None:
            return "off_shift"
        what = _emergency_type(cot) or "Emergency"
        return c.ReportIncident(
            command_id=command_id("sos", cot.uid, stamp(cot.time)),
            actor=c.Actor(Role.VOLUNTEER, volunteer),
            occurred_at=cot.time,
            incident_id=command_id("incident", "sos", cot.uid, stamp(cot.time)),
            operation_id=UUID(operation),
            kind=IncidentKind.OTHER.value,
            lat=cot.lat,
            lon=cot.lon,
            address=cot.callsign,
            severity=5,
            # Who pressed it is the incident's reporter (the timeline names
            # them, erasably); free text holds no name.
            description=f"{SOS_PREFIX} {what} from a volunteer's TAK device [{author}]",
        )

    def _cancel(self, cot: Cot, author: str, volunteer: str) -> c.Command | str:
        """The SOS called off on the device: said on the incident, not resolved.

        The duty officer decides whether someone still goes; the incident's
        thread says, in both languages, that the volunteer cancelled it.
        """
        incident = self.open_sos(author, volunteer)
        if incident is None:
            return "ignored"
        return c.PostMessage(
            command_id=command_id("sos-cancel", cot.uid, stamp(cot.time)),
            actor=c.Actor(Role.VOLUNTEER, volunteer),
            occurred_at=cot.time,
            incident_id=UUID(incident),
            text="SOS cancelled on the device / 已在设备上取消求救",
        )

    def open_sos(self, author: str, volunteer: str) -> str | None:
        """The open SOS incident raised from this device, if there is one.

        Its description names the device; its reporter must be the device's
        volunteer, so that nobody else's report, however worded, can stand in
        for it and swallow a real alert.
        """
        mark = f"[{author}]"
        reporter = f"volunteer:{volunteer}"
        for row in list(self._board.values()):
            if (
                row["sos"]  # the board's own reading of SOS_PREFIX
                and row["status"] in _OPEN
                and row["description"].endswith(mark)
                and self._reporter(row["id"]) == reporter
            ):
                return str(row["id"])
        return None

    def _reporter(self, incident: str) -> str | None:
        row = self._timeline.get(incident)
        entries = None if row is None else row.get("entries")
        return entries[0]["actor"] if entries else None


def _emergency_type(cot: Cot) -> str:
    """`<emergency type="911 Alert">`'s type, as ATAK names it."""
    detail = cot.detail
    found = None if detail is None else detail.find("emergency")
    return "" if found is None else (found.get("type") or "").strip()


def _author(cot: Cot) -> str:
    """The uid of the device that dropped a marker (`<link relation="p-p">`)."""
    detail = cot.detail
    if detail is None:
        return ""
    for link in detail.iter("link"):
        if link.get("relation") == "p-p" and link.get("uid"):
            return link.get("uid") or ""
    return ""
