"""Mine: each volunteer's own picture, for their phone (`/ws/me`, docs/protocol.md).

Rows are keyed `<volunteer id>/<key>`, where the key is what the phone sees:
`me` (shift and status), `assignment:<incident id>` (each incident they are or
were dispatched to, with what they need to go there), `broadcasts` (their
operation's), `warnings` (those standing over them: mine_warnings.py) and
`round:<round id>` (each check-on round they are on: mine_rounds.py) and
`report:<incident id>` (each incident they reported: mine_reports.py). A phone
is sent its own volunteer's rows only, with the prefix taken off (`owns`,
`wire_key`): other volunteers appear in it by name and state, and only on an
incident they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer
from domain.model.warning import RiskWarning
from projections import mine_reports, mine_rounds
from projections.base import Row, View, handles, iso, key
from projections.mine_keys import incident_status, messages_for, speaker
from projections.mine_keys import owns as owns
from projections.mine_keys import prefix as prefix
from projections.mine_keys import wire_key as wire_key
from projections.mine_warnings import Covering

if TYPE_CHECKING:
    from collections.abc import Iterable

NAME = "mine"
VIEWS = frozenset({NAME})
# What a phone keeps of an incident and of its operation: the latest.
MESSAGES = 50
PATHS = 20
BROADCASTS = 20
# Finished assignments (released, resolved) kept as notices, per volunteer.
FINISHED = 5


class Mine(View):
    """Every volunteer's own rows; a phone reads only its volunteer's."""

    name = NAME

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        # Per incident: what its assignment rows show, and the people on it.
        self.incidents: dict[str, dict[str, Any]] = {}
        # Per volunteer, per incident: their own part (state, times, answer).
        self.parts: dict[str, dict[str, dict[str, Any]]] = {}
        # Per volunteer: incidents finished for them, oldest first.
        self.finished: dict[str, list[str]] = {}
        self.on_shift_in: dict[str, set[str]] = {}
        self.broadcasts: dict[str, list[dict[str, Any]]] = {}
        self.covering = Covering()
        self.rounds = mine_rounds.Rounds()
        self.reports = mine_reports.Reports()

    # Check-on rounds (projections/mine_rounds.py)
    _entry_registered = mine_rounds.registered
    _entry_updated = mine_rounds.updated
    _entry_erased = mine_rounds.erased
    _round_started = mine_rounds.started
    _round_checked = mine_rounds.checked

    # Volunteers

    @handles(Volunteer.Registered)
    def _registered(self, e: Volunteer.Registered) -> Iterable[str]:
        vid = key(e.originator_id)
        self.names[vid] = e.name
        self.parts[vid] = {}
        self.finished[vid] = []
        p = prefix(vid)
        self.rows[p + "me"] = {
            "id": vid,
            "name": e.name,
            "on_shift": False,
            "operation_id": None,
            "shift_started_at": None,
            "status": "off_shift",
        }
        self.rows[p + "broadcasts"] = {"operation_id": None, "items": []}
        self.rows[p + "warnings"] = self.covering.row(vid, None)
        return [p + "me", p + "broadcasts", p + "warnings"]

    @handles(Volunteer.ShiftStarted)
    def _shift_started(self, e: Volunteer.ShiftStarted) -> Iterable[str]:
        vid = key(e.originator_id)
        operation = None if e.operation_id is None else key(e.operation_id)
        me = self.rows[prefix(vid) + "me"]
        me.update(on_shift=True, operation_id=operation)
        me["shift_started_at"] = iso(e.occurred_at)
        if operation is not None:
            self.on_shift_in.setdefault(operation, set()).add(vid)
        return [self._status(vid), self._broadcasts(vid), *self._warnings(vid)]

    @handles(Volunteer.ShiftEnded)
    def _shift_ended(self, e: Volunteer.ShiftEnded) -> Iterable[str]:
        vid = key(e.originator_id)
        me = self.rows[prefix(vid) + "me"]
        operation = me["operation_id"]
        if operation is not None:
            self.on_shift_in.get(operation, set()).discard(vid)
        me.update(on_shift=False, operation_id=None, shift_started_at=None)
        return [self._status(vid), self._broadcasts(vid), *self._warnings(vid)]

    def _status(self, vid: str) -> str:
        row_key = prefix(vid) + "me"
        me = self.rows[row_key]
        states = {part["state"] for part in self.parts[vid].values()}
        if not me["on_shift"]:
            me["status"] = "off_shift"
        elif "on_scene" in states:
            me["status"] = "on_scene"
        elif "dispatched" in states:
            me["status"] = "dispatched"
        else:
            me["status"] = "available"
        return row_key

    def _broadcasts(self, vid: str) -> str:
        row_key = prefix(vid) + "broadcasts"
        operation = self.rows[prefix(vid) + "me"]["operation_id"]
        items = self.broadcasts.get(operation, []) if operation is not None else []
        self.rows[row_key] = {"operation_id": operation, "items": list(items)}
        return row_key

    @handles(Operation.MessageBroadcast)
    def _broadcast(self, e: Operation.MessageBroadcast) -> Iterable[str]:
        operation = key(e.originator_id)
        _, name = speaker(e.actor, self.names)
        items = self.broadcasts.setdefault(operation, [])
        items.append({"at": iso(e.occurred_at), "from": name, "text": e.text})
        del items[:-BROADCASTS]
        on_shift = sorted(self.on_shift_in.get(operation, ()))
        return [self._broadcasts(vid) for vid in on_shift]

    # Warnings

    @handles(Volunteer.PositionReported)
    def _position(self, e: Volunteer.PositionReported) -> Iterable[str]:
        vid = key(e.originator_id)
        if not self.covering.moved(vid, e.lon, e.lat):
            return ()
        return self._warnings(vid)

    @handles(RiskWarning.Issued, RiskWarning.Updated)
    def _warning(self, e: RiskWarning.Issued) -> Iterable[str]:
        operation = getattr(e, "operation_id", None)
        op = self.covering.revise(
            key(e.originator_id),
            None if operation is None else key(operation),
            e,
            self.now,
        )
        return self._warned(op)

    @handles(RiskWarning.Cancelled)
    def _warning_cancelled(self, e: RiskWarning.Cancelled) -> Iterable[str]:
        return self._warned(self.covering.cancel(key(e.originator_id)))

    def on_time(self) -> Iterable[str]:
        if not self.covering.due(self.now):
            return ()
        expired = self.covering.expire(self.now)
        return [row for op in sorted(expired) for row in self._warned(op)]

    def _warned(self, operation: str) -> list[str]:
        on_shift = sorted(self.on_shift_in.get(operation, ()))
        return [row for vid in on_shift for row in self._warnings(vid)]

    def _warnings(self, vid: str) -> list[str]:
        """The volunteer's warnings row, recomputed; its key if it changed."""
        row_key = prefix(vid) + "warnings"
        me = self.rows.get(prefix(vid) + "me")
        if me is None:
            return []
        row = self.covering.row(vid, me["operation_id"] if me["on_shift"] else None)
        if row == self.rows.get(row_key):
            return []
        self.rows[row_key] = row
        return [row_key]

    # Incidents

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        self.incidents[key(e.originator_id)] = {
            "operation_id": key(e.operation_id),
            "kind": e.kind,
            "severity": e.severity,
            "address": e.address,
            "description": e.description,
            "lat": e.lat,
            "lon": e.lon,
            "resolved": False,
            "outcome": None,
            "assessment": None,
            "route": [],
            "cleared": [],
            "messages": [],
            "team": {},  # volunteer id: dispatched | on_scene
            "holders": set(),  # volunteers with a row of it
        }
        return self.reports.reported(self, key(e.originator_id), e)

    @handles(Incident.Assessed)
    def _assessed(self, e: Incident.Assessed) -> Iterable[str]:
        incident = self.incidents[key(e.originator_id)]
        if e.severity is not None:
            incident["severity"] = e.severity
        incident["assessment"] = {
            "summary": e.summary,
            "severity": e.severity,
            "people_at_risk": e.people_at_risk,
        }
        return self._render_all(key(e.originator_id))

    @handles(Incident.VolunteerDispatched)
    def _dispatched(self, e: Incident.VolunteerDispatched) -> Iterable[str]:
        iid, vid = key(e.originator_id), key(e.volunteer_id)
        incident = self.incidents[iid]
        incident["team"][vid] = "dispatched"
        incident["holders"].add(vid)
        self.parts[vid][iid] = {
            "state": "dispatched",
            "dispatched_at": iso(e.occurred_at),
            "note": e.note,
            "arrived_at": None,
            "answer": None,
            "released": None,
            "released_by": None,
        }
        if iid in self.finished[vid]:
            self.finished[vid].remove(iid)
        return [*self._render_all(iid), self._status(vid)]

    @handles(Incident.DispatchAnswered)
    def _answered(self, e: Incident.DispatchAnswered) -> Iterable[str]:
        iid, vid = key(e.originator_id), key(e.volunteer_id)
        self.parts[vid][iid]["answer"] = {
            "answer": e.answer,
            "eta_minutes": e.eta_minutes,
            "reason": e.reason,
            "at": iso(e.occurred_at),
        }
        return [self._render(vid, iid), *self.reports.render(self, iid)]

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        iid, vid = key(e.originator_id), key(e.volunteer_id)
        self.incidents[iid]["team"][vid] = "on_scene"
        part = self.parts[vid][iid]
        part.update(state="on_scene", arrived_at=iso(e.occurred_at))
        return [*self._render_all(iid), self._status(vid)]

    @handles(Incident.VolunteerReleased)
    def _released(self, e: Incident.VolunteerReleased) -> Iterable[str]:
        iid, vid = key(e.originator_id), key(e.volunteer_id)
        self.incidents[iid]["team"].pop(vid, None)
        part = self.parts[vid][iid]
        part["state"] = "released"
        part["released"] = {"reason": e.reason, "at": iso(e.occurred_at)}
        part["released_by"] = e.command_id
        finished = self.finished[vid]
        finished.append(iid)
        dropped = []
        while len(finished) > FINISHED:
            dropped.append(self._drop(vid, finished.pop(0)))
        return [*dropped, *self._render_all(iid), self._status(vid)]

    @handles(Incident.Resolved)
    def _resolved(self, e: Incident.Resolved) -> Iterable[str]:
        iid = key(e.originator_id)
        incident = self.incidents[iid]
        incident.update(resolved=True, outcome=e.outcome)
        for vid in incident["holders"]:
            part = self.parts[vid][iid]
            # Released by the resolve itself (same command): resolved, not released.
            if part["state"] == "released" and part["released_by"] == e.command_id:
                part["state"] = "resolved"
        return self._render_all(iid)

    @handles(Incident.Closed)
    def _closed(self, e: Incident.Closed) -> Iterable[str]:
        iid = key(e.originator_id)
        incident = self.incidents.pop(iid)
        gone = []
        for vid in sorted(incident["holders"]):
            if iid in self.finished[vid]:
                self.finished[vid].remove(iid)
            gone.append(self._drop(vid, iid))
        return [*gone, *self.reports.closed(self, iid, incident)]

    @handles(Incident.RouteGuided, Incident.RoadCleared)
    def _path(self, e: Incident.RouteGuided | Incident.RoadCleared) -> Iterable[str]:
        iid = key(e.originator_id)
        which = "route" if isinstance(e, Incident.RouteGuided) else "cleared"
        paths = self.incidents[iid][which]
        paths.append({"path": e.path, "note": e.note, "at": iso(e.occurred_at)})
        del paths[:-PATHS]
        return self._render_all(iid)

    @handles(Incident.MessagePosted)
    def _message(self, e: Incident.MessagePosted) -> Iterable[str]:
        iid = key(e.originator_id)
        messages = self.incidents[iid]["messages"]
        messages.append({"at": iso(e.occurred_at), "actor": e.actor, "text": e.text})
        del messages[:-MESSAGES]
        return self._render_all(iid)

    def _drop(self, vid: str, iid: str) -> str:
        self.parts[vid].pop(iid, None)
        incident = self.incidents.get(iid)
        if incident is not None:
            incident["holders"].discard(vid)
        row_key = f"{prefix(vid)}assignment:{iid}"
        self.rows.pop(row_key, None)
        return row_key

    def _render_all(self, iid: str) -> list[str]:
        holders = sorted(self.incidents[iid]["holders"])
        drawn = [self._render(vid, iid) for vid in holders]
        return [*drawn, *self.reports.render(self, iid)]

    def _render(self, vid: str, iid: str) -> str:
        """A volunteer's row of an incident, as their phone shows it."""
        incident, part = self.incidents[iid], self.parts[vid][iid]
        team = incident["team"]
        row: Row = {
            "incident_id": iid,
            "operation_id": incident["operation_id"],
            "kind": incident["kind"],
            "severity": incident["severity"],
            "address": incident["address"],
            "description": incident["description"],
            "lat": incident["lat"],
            "lon": incident["lon"],
            "incident_status": incident_status(incident),
            "state": part["state"],
            "dispatched_at": part["dispatched_at"],
            "note": part["note"],
            "arrived_at": part["arrived_at"],
            "answer": part["answer"],
            "assessment": incident["assessment"],
            "team": [
                {"name": self.names.get(other, ""), "state": team[other]}
                for other in sorted(team, key=lambda v: self.names.get(v, v))
                if other != vid
            ],
            "route": incident["route"],
            "cleared": incident["cleared"],
            "messages": messages_for(self.names, vid, incident["messages"]),
            "released": part["released"],
            "outcome": incident["outcome"],
        }
        row_key = f"{prefix(vid)}assignment:{iid}"
        self.rows[row_key] = row
        return row_key
