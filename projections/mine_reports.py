"""What became of the incidents a volunteer reported: part of the mine view.

A volunteer who reports an incident (an SOS above all) wants to know that help is
coming, and to hear the command centre. Each incident a volunteer reported is a
`report:<incident id>` row of theirs until it is closed: its status, who is sent
to it by name with their state and answer (on the way, ETA; cannot go), and its
messages, which the reporter may answer (`PostMessage` on their own report).
A volunteer keeps their last `KEPT` reports; older ones leave the phone.

The incident's state is the mine view's own (`Mine.incidents`, `Mine.parts`):
this module only says who reported what and draws the reporter's row whenever
the view redraws the incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.types import is_sos
from projections.base import Row, iso
from projections.mine_keys import incident_status, messages_for, prefix

if TYPE_CHECKING:
    from domain.model.incident import Incident
    from projections.mine import Mine

# Reports a phone keeps, per volunteer: the newest.
KEPT = 5
_VOLUNTEER = "volunteer:"


class Reports:
    """Per volunteer, the incidents they reported that their phone shows."""

    def __init__(self) -> None:
        self.of: dict[str, list[str]] = {}

    def reported(self, view: Mine, iid: str, e: Incident.Reported) -> list[str]:
        """A report by a volunteer: its row, and the rows its cap let go."""
        if not e.actor.startswith(_VOLUNTEER):
            return []
        vid = e.actor.removeprefix(_VOLUNTEER)
        if vid not in view.parts:  # not a volunteer this view knows
            return []
        incident = view.incidents[iid]
        incident["reporter"] = vid
        incident["reported_at"] = iso(e.occurred_at)
        incident["sos"] = is_sos(e.actor, e.description)
        kept = self.of.setdefault(vid, [])
        kept.append(iid)
        dropped = []
        while len(kept) > KEPT:
            gone = kept.pop(0)
            view.rows.pop(row_key(vid, gone), None)
            dropped.append(row_key(vid, gone))
        return [*dropped, *self.render(view, iid)]

    def render(self, view: Mine, iid: str) -> list[str]:
        """The reporter's row of this incident, redrawn; its key."""
        incident = view.incidents[iid]
        vid = incident.get("reporter")
        if vid is None or iid not in self.of.get(vid, ()):
            return []
        view.rows[row_key(vid, iid)] = _row(view, vid, iid, incident)
        return [row_key(vid, iid)]

    def closed(self, view: Mine, iid: str, incident: dict[str, Any]) -> list[str]:
        """A closed incident leaves its reporter's phone."""
        vid = incident.get("reporter")
        if vid is None or iid not in self.of.get(vid, ()):
            return []
        self.of[vid].remove(iid)
        view.rows.pop(row_key(vid, iid), None)
        return [row_key(vid, iid)]


def row_key(vid: str, iid: str) -> str:
    return f"{prefix(vid)}report:{iid}"


def _row(view: Mine, vid: str, iid: str, incident: dict[str, Any]) -> Row:
    sent = []
    for other, state in sorted(
        incident["team"].items(), key=lambda item: view.names.get(item[0], item[0])
    ):
        part = view.parts.get(other, {}).get(iid) or {}
        answer = part.get("answer") or {}
        sent.append(
            {
                "name": view.names.get(other, ""),
                "state": state,
                "answer": answer.get("answer"),
                "eta_minutes": answer.get("eta_minutes"),
                "answered_at": answer.get("at"),
            }
        )
    return {
        "incident_id": iid,
        "operation_id": incident["operation_id"],
        "kind": incident["kind"],
        "severity": incident["severity"],
        "sos": incident["sos"],
        "description": incident["description"],
        "lat": incident["lat"],
        "lon": incident["lon"],
        "reported_at": incident["reported_at"],
        "incident_status": incident_status(incident),
        "sent": sent,
        "messages": messages_for(view.names, vid, incident["messages"]),
        "outcome": incident["outcome"],
    }
