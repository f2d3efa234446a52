"""Incident board: every incident with its status, people assigned, and counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.model.incident import Incident
from domain.training import DOMAIN_FOR_KIND
from domain.types import IncidentKind, IncidentStatus, is_sos
from projections.base import Row, View, handles, iso

if TYPE_CHECKING:
    from collections.abc import Iterable


# Messages a board row keeps: the latest, as the phones keep theirs.
MESSAGES = 20


class IncidentBoard(View):
    """Rows by incident id. Clients show time since report as `as_of - reported_at`.

    `number` is the incident's place in its operation's order of report (1, 2, ...):
    with the kind and the place it makes a reference a person can read and say.
    """

    name = "board"

    def __init__(self) -> None:
        super().__init__()
        self._numbers: dict[str, int] = {}

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        key = str(e.originator_id)
        operation_id = str(e.operation_id)
        number = self._numbers[operation_id] = self._numbers.get(operation_id, 0) + 1
        needs = DOMAIN_FOR_KIND.get(IncidentKind(e.kind))
        self.rows[key] = {
            "id": key,
            "operation_id": str(e.operation_id),
            "kind": e.kind,
            "severity": e.severity,
            "status": IncidentStatus.REPORTED.value,
            "address": e.address,
            "description": e.description,
            "lat": e.lat,
            "lon": e.lon,
            "reported_at": iso(e.occurred_at),
            "last_update": iso(e.occurred_at),
            "dispatched": [],
            "on_scene": [],
            "evacuated": 0,
            "rescued": 0,
            "images": 0,
            "outcome": None,
            # Dispatched volunteers' answers, by volunteer id: who is really coming.
            "answers": {},
            # The latest messages on it, both ways (actor: "volunteer:<id>", ...).
            "messages": [],
            "number": number,
            "needs": None if needs is None else needs.value,
            "summary": "",
            "people_at_risk": None,
            "first_dispatch_at": None,
            # A volunteer in trouble: first on the board (projections/triage.py).
            "sos": is_sos(e.actor, e.description),
        }
        return [key]

    def _touch(self, e: Incident.Event) -> Row:
        row = self.rows[str(e.originator_id)]
        row["last_update"] = iso(e.occurred_at)
        return row

    @handles(Incident.Assessed)
    def _assessed(self, e: Incident.Assessed) -> Iterable[str]:
        row = self._touch(e)
        if e.severity is not None:
            row["severity"] = e.severity
        row["summary"] = e.summary
        if e.people_at_risk is not None:
            row["people_at_risk"] = e.people_at_risk
        return [str(e.originator_id)]

    @handles(Incident.VolunteerDispatched)
    def _dispatched(self, e: Incident.VolunteerDispatched) -> Iterable[str]:
        row = self._touch(e)
        row["dispatched"] = sorted([*row["dispatched"], str(e.volunteer_id)])
        row["answers"].pop(str(e.volunteer_id), None)
        if row["first_dispatch_at"] is None:
            row["first_dispatch_at"] = iso(e.occurred_at)
        return self._status(e)

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        row = self._touch(e)
        vid = str(e.volunteer_id)
        row["dispatched"] = [v for v in row["dispatched"] if v != vid]
        row["on_scene"] = sorted([*row["on_scene"], vid])
        return self._status(e)

    @handles(Incident.VolunteerReleased)
    def _released(self, e: Incident.VolunteerReleased) -> Iterable[str]:
        row = self._touch(e)
        vid = str(e.volunteer_id)
        row["dispatched"] = [v for v in row["dispatched"] if v != vid]
        row["on_scene"] = [v for v in row["on_scene"] if v != vid]
        row["answers"].pop(vid, None)
        return self._status(e)

    @handles(Incident.MessagePosted)
    def _message(self, e: Incident.MessagePosted) -> Iterable[str]:
        row = self._touch(e)
        messages = [*row["messages"], {"at": iso(e.occurred_at), "actor": e.actor}]
        messages[-1]["text"] = e.text
        row["messages"] = messages[-MESSAGES:]
        return [str(e.originator_id)]

    @handles(Incident.DispatchAnswered)
    def _answered(self, e: Incident.DispatchAnswered) -> Iterable[str]:
        row = self._touch(e)
        row["answers"][str(e.volunteer_id)] = {
            "answer": e.answer,
            "eta_minutes": e.eta_minutes,
            "reason": e.reason,
            "at": iso(e.occurred_at),
        }
        return [str(e.originator_id)]

    @handles(Incident.PeopleEvacuated)
    def _evacuated(self, e: Incident.PeopleEvacuated) -> Iterable[str]:
        row = self._touch(e)
        row["evacuated"] += e.count
        return [str(e.originator_id)]

    @handles(Incident.PeopleRescued)
    def _rescued(self, e: Incident.PeopleRescued) -> Iterable[str]:
        row = self._touch(e)
        row["rescued"] += e.count
        return [str(e.originator_id)]

    @handles(Incident.ImageUploaded)
    def _image(self, e: Incident.ImageUploaded) -> Iterable[str]:
        row = self._touch(e)
        row["images"] += 1
        return [str(e.originator_id)]

    @handles(
        Incident.RouteGuided,
        Incident.RoadCleared,
        Incident.DispatchRefused,
    )
    def _noted(self, e: Incident.Event) -> Iterable[str]:
        self._touch(e)
        return [str(e.originator_id)]

    @handles(Incident.Resolved)
    def _resolved(self, e: Incident.Resolved) -> Iterable[str]:
        row = self._touch(e)
        row["outcome"] = e.outcome
        row["status"] = IncidentStatus.RESOLVED.value
        return [str(e.originator_id)]

    @handles(Incident.Closed)
    def _closed(self, e: Incident.Closed) -> Iterable[str]:
        row = self._touch(e)
        row["status"] = IncidentStatus.CLOSED.value
        return [str(e.originator_id)]

    def _status(self, e: Incident.Event) -> Iterable[str]:
        key = str(e.originator_id)
        row = self.rows[key]
        if row["status"] in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
            return [key]
        if row["on_scene"]:
            row["status"] = IncidentStatus.ON_SCENE.value
        elif row["dispatched"]:
            row["status"] = IncidentStatus.DISPATCHED.value
        else:
            row["status"] = IncidentStatus.REPORTED.value
        return [key]
