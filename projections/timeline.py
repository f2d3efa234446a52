"""Incident timeline: every event of one incident, in log order, with who and when.

The command centre's incident panel reads it: the timeline itself, the message
thread (entries `message`), the gallery (entries `image`) and who came when.
Entries carry field time (`at`) and the actor as the event recorded it
(`commander:<id>` or `volunteer:<uuid>`); a client names volunteers from the roster.
Paths of routes and roads stay on the map; an entry says only that one was drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.incident import Incident
from projections.base import Row, View, handles, iso

if TYPE_CHECKING:
    from collections.abc import Iterable

# Each event class's entry name and the fields of the event it keeps.
ENTRIES: dict[type, tuple[str, tuple[str, ...]]] = {
    Incident.Reported: ("reported", ("kind", "severity", "address", "description")),
    Incident.Assessed: ("assessed", ("summary", "severity", "people_at_risk")),
    Incident.VolunteerDispatched: ("dispatched", ("volunteer_id", "note")),
    Incident.DispatchRefused: ("dispatch_refused", ("volunteer_id", "code", "reason")),
    Incident.VolunteerArrived: ("arrived", ("volunteer_id",)),
    Incident.RouteGuided: ("route_guided", ("note",)),
    Incident.RoadCleared: ("road_cleared", ("note",)),
    Incident.ImageUploaded: ("image", ("sha256", "media_type", "caption")),
    Incident.PeopleEvacuated: ("evacuated", ("count", "destination")),
    Incident.PeopleRescued: ("rescued", ("count",)),
    Incident.MessagePosted: ("message", ("text",)),
    Incident.DispatchAnswered: (
        "answered",
        ("volunteer_id", "answer", "eta_minutes", "reason"),
    ),
    Incident.VolunteerReleased: ("released", ("volunteer_id", "reason")),
    Incident.Resolved: ("resolved", ("outcome",)),
    Incident.Closed: ("closed", ()),
}


def entry(event: Any) -> Row:
    """One event as a timeline entry: what, when in the field, who, and its details."""
    what, names = ENTRIES[type(event)]
    found: Row = {"what": what, "at": iso(event.occurred_at), "actor": event.actor}
    for name in names:
        value = getattr(event, name)
        found[name] = str(value) if name == "volunteer_id" else value
    return found


class IncidentTimeline(View):
    """Rows by incident id: `{id, operation_id, entries}`."""

    name = "timeline"

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key] = {
            "id": key,
            "operation_id": str(e.operation_id),
            "entries": [entry(e)],
        }
        return [key]

    @handles(*(kind for kind in ENTRIES if kind is not Incident.Reported))
    def _noted(self, e: Incident.Event) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key]["entries"].append(entry(e))
        return [key]
