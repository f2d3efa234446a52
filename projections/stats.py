"""Operation statistics: counts, people out of danger, hazards, response times."""

from __future__ import annotations

import bisect
import heapq
from collections import deque
from typing import TYPE_CHECKING, Any

from domain.model.activity import ServiceActivity
from domain.model.checkround import CheckRound
from domain.model.incident import Incident
from domain.model.premises import Premises
from domain.types import ActivityKind, CheckOutcome, IncidentKind
from projections.base import Row, View, handles, iso

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

# Response times "now": the measures taken within the last hour of field time.
RECENT_S = 3600.0


def percentile(ordered: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of an ascending list (None when empty)."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


# A measure's last hour: samples as (at, seconds) in field order, values sorted.
_Window = tuple[deque[tuple[float, float]], list[float]]


def _empty_row(operation_id: str) -> Row:
    return {
        "operation_id": operation_id,
        "incidents": 0,
        "incidents_by_kind": {},
        "dispatches": 0,
        "dispatches_refused": 0,
        "evacuated": 0,
        "rescued": 0,
        "hornet_nests": 0,
        "premises_inspected": 0,
        "hazards_found": 0,
        "hazards_rectified": 0,
        "hazards_overdue": 0,
        "activities": 0,
        "activities_by_kind": {},
        "activity_hours": 0.0,
        "report_to_dispatch_s": {"n": 0, "median": None, "p90": None},
        "dispatch_to_arrival_s": {"n": 0, "median": None, "p90": None},
        # The same over the last hour of field time: these move as the storm does.
        "report_to_dispatch_1h_s": {"n": 0, "median": None, "p90": None},
        "dispatch_to_arrival_1h_s": {"n": 0, "median": None, "p90": None},
        # The backlog: open incidents nobody is assigned to, and the oldest's report.
        "unassigned": 0,
        "oldest_unassigned_at": None,
    }


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "median": percentile(values, 0.5),
        "p90": percentile(values, 0.9),
    }


class Statistics(View):
    """One row per operation."""

    name = "stats"

    def __init__(self) -> None:
        super().__init__()
        self._incidents: dict[str, dict[str, Any]] = {}
        self._hazards: dict[str, dict[str, Any]] = {}
        self._durations: dict[tuple[str, str], list[float]] = {}
        self._premises_seen: dict[str, set[str]] = {}
        # Deadlines (timestamp, hazard id) still to pass, soonest first.
        self._deadlines: list[tuple[float, str]] = []
        self._recent: dict[tuple[str, str], _Window] = {}
        # Per operation: unassigned open incidents and when each was reported.
        self._waiting: dict[str, dict[str, datetime]] = {}

    def row_for(self, operation_id: str) -> Row:
        """An operation's row as it stands; zeros, in the same shape (and not kept),
        if nothing has been counted for it yet."""
        row = self.rows.get(operation_id)
        return _empty_row(operation_id) if row is None else row

    def _row(self, operation_id: str) -> Row:
        row = self.rows.get(operation_id)
        if row is None:
            row = self.rows[operation_id] = _empty_row(operation_id)
        return row

    def _incident(self, e: Any) -> tuple[str, dict[str, Any]]:
        incident = self._incidents[str(e.originator_id)]
        return incident["operation_id"], incident

    def _duration(
        self, operation_id: str, measure: str, seconds: float, at: datetime
    ) -> None:
        values = self._durations.setdefault((operation_id, measure), [])
        bisect.insort(values, seconds)
        self.rows[operation_id][measure] = _summary(values)
        window = self._recent.setdefault((operation_id, measure), (deque(), []))
        samples, recent = window
        samples.append((at.timestamp(), seconds))
        bisect.insort(recent, seconds)
        self._expire(operation_id, measure)

    def _expire(self, operation_id: str, measure: str) -> bool:
        """Drop samples older than an hour; restate the recent summary. Changed?"""
        samples, recent = self._recent[(operation_id, measure)]
        dropped = False
        while samples and samples[0][0] < self.now - RECENT_S:
            _, seconds = samples.popleft()
            del recent[bisect.bisect_left(recent, seconds)]
            dropped = True
        row = self.rows[operation_id]
        name = f"{measure.removesuffix('_s')}_1h_s"
        summary = _summary(recent)
        if row[name] == summary:
            return dropped
        row[name] = summary
        return True

    def _backlog(self, operation_id: str) -> list[str]:
        """Restate an operation's backlog: unassigned incidents and the oldest."""
        waiting = self._waiting.get(operation_id, {})
        row = self.rows[operation_id]
        row["unassigned"] = len(waiting)
        row["oldest_unassigned_at"] = iso(min(waiting.values())) if waiting else None
        return [operation_id]

    def _wait(self, incident_id: str, waiting: bool) -> list[str]:
        """An incident joins or leaves its operation's backlog."""
        incident = self._incidents[incident_id]
        operation_id = incident["operation_id"]
        backlog = self._waiting.setdefault(operation_id, {})
        if waiting and not incident["ended"] and not incident["assigned"]:
            backlog[incident_id] = incident["reported_at"]
        else:
            backlog.pop(incident_id, None)
        return self._backlog(operation_id)

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        operation_id = str(e.operation_id)
        self._incidents[str(e.originator_id)] = {
            "operation_id": operation_id,
            "reported_at": e.occurred_at,
            "dispatched_at": {},
            "first_dispatch": False,
            "assigned": set(),
            "ended": False,
        }
        row = self._row(operation_id)
        row["incidents"] += 1
        by_kind = row["incidents_by_kind"]
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        if e.kind == IncidentKind.HORNET_NEST:
            row["hornet_nests"] += 1
        return self._wait(str(e.originator_id), True)

    @handles(Incident.VolunteerDispatched)
    def _dispatched(self, e: Incident.VolunteerDispatched) -> Iterable[str]:
        operation_id, incident = self._incident(e)
        self.rows[operation_id]["dispatches"] += 1
        incident["dispatched_at"][str(e.volunteer_id)] = e.occurred_at
        incident["assigned"].add(str(e.volunteer_id))
        if not incident["first_dispatch"]:
            incident["first_dispatch"] = True
            waited = (e.occurred_at - incident["reported_at"]).total_seconds()
            self._duration(
                operation_id, "report_to_dispatch_s", max(waited, 0.0), e.occurred_at
            )
        return self._wait(str(e.originator_id), False)

    @handles(Incident.VolunteerReleased)
    def _released(self, e: Incident.VolunteerReleased) -> Iterable[str]:
        _, incident = self._incident(e)
        incident["assigned"].discard(str(e.volunteer_id))
        return self._wait(str(e.originator_id), True)

    @handles(Incident.Resolved, Incident.Closed)
    def _ended(self, e: Incident.Event) -> Iterable[str]:
        _, incident = self._incident(e)
        incident["ended"] = True
        return self._wait(str(e.originator_id), False)

    @handles(Incident.DispatchRefused)
    def _refused(self, e: Incident.DispatchRefused) -> Iterable[str]:
        operation_id, _ = self._incident(e)
        self.rows[operation_id]["dispatches_refused"] += 1
        return [operation_id]

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        operation_id, incident = self._incident(e)
        dispatched_at = incident["dispatched_at"].pop(str(e.volunteer_id), None)
        if dispatched_at is None:
            return []
        took = (e.occurred_at - dispatched_at).total_seconds()
        self._duration(
            operation_id, "dispatch_to_arrival_s", max(took, 0.0), e.occurred_at
        )
        return [operation_id]

    @handles(Incident.PeopleEvacuated)
    def _evacuated(self, e: Incident.PeopleEvacuated) -> Iterable[str]:
        operation_id, _ = self._incident(e)
        self.rows[operation_id]["evacuated"] += e.count
        return [operation_id]

    @handles(CheckRound.EntryChecked)
    def _checked_on(self, e: CheckRound.EntryChecked) -> Iterable[str]:
        # People a check-on round moved count as the operation's evacuated too.
        if e.outcome != CheckOutcome.EVACUATED:
            return []
        operation_id = str(e.operation_id)
        self._row(operation_id)["evacuated"] += e.count
        return [operation_id]

    @handles(Incident.PeopleRescued)
    def _rescued(self, e: Incident.PeopleRescued) -> Iterable[str]:
        operation_id, _ = self._incident(e)
        self.rows[operation_id]["rescued"] += e.count
        return [operation_id]

    @handles(Premises.Inspected)
    def _inspected(self, e: Premises.Inspected) -> Iterable[str]:
        operation_id = str(e.operation_id)
        row = self._row(operation_id)
        inspected = self._premises_seen.setdefault(operation_id, set())
        if str(e.originator_id) not in inspected:
            inspected.add(str(e.originator_id))
            row["premises_inspected"] += 1
        return [operation_id]

    @handles(Premises.HazardFound)
    def _hazard(self, e: Premises.HazardFound) -> Iterable[str]:
        operation_id = str(e.operation_id)
        self._hazards[str(e.hazard_id)] = {
            "operation_id": operation_id,
            "deadline": None,
            "rectified": False,
            "closed": False,
            "overdue": False,
        }
        self._row(operation_id)["hazards_found"] += 1
        return [operation_id]

    @handles(Premises.RectificationOrdered)
    def _ordered(self, e: Premises.RectificationOrdered) -> Iterable[str]:
        key = str(e.hazard_id)
        hazard = self._hazards[key]
        hazard["deadline"] = e.deadline.timestamp()
        heapq.heappush(self._deadlines, (hazard["deadline"], key))
        return self._check(key)

    @handles(Premises.Rectified)
    def _rectified(self, e: Premises.Rectified) -> Iterable[str]:
        key = str(e.hazard_id)
        hazard = self._hazards[key]
        if not hazard["rectified"]:
            hazard["rectified"] = True
            self.rows[hazard["operation_id"]]["hazards_rectified"] += 1
        return [hazard["operation_id"], *self._check(key)]

    @handles(Premises.Reinspected)
    def _reinspected(self, e: Premises.Reinspected) -> Iterable[str]:
        key = str(e.hazard_id)
        hazard = self._hazards[key]
        if not e.passed and hazard["rectified"]:
            # Not fixed after all: it no longer counts as rectified.
            hazard["rectified"] = False
            self.rows[hazard["operation_id"]]["hazards_rectified"] -= 1
            return [hazard["operation_id"], *self._check(key)]
        return []

    @handles(Premises.HazardClosed)
    def _hazard_closed(self, e: Premises.HazardClosed) -> Iterable[str]:
        key = str(e.hazard_id)
        self._hazards[key]["closed"] = True
        return self._check(key)

    @handles(ServiceActivity.Logged)
    def _activity(self, e: ServiceActivity.Logged) -> Iterable[str]:
        operation_id = str(e.operation_id)
        row = self._row(operation_id)
        row["activities"] += 1
        by_kind = row["activities_by_kind"]
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        row["activity_hours"] = round(
            row["activity_hours"] + e.hours * len(e.participants), 2
        )
        if e.kind == ActivityKind.HORNET_NEST:
            row["hornet_nests"] += 1
        return [operation_id]

    def _check(self, key: str) -> list[str]:
        """Recount a hazard as overdue or not; returns its operation if that changed."""
        hazard = self._hazards[key]
        deadline = hazard["deadline"]
        overdue = (
            deadline is not None
            and not hazard["rectified"]
            and not hazard["closed"]
            and deadline < self.now
        )
        if overdue == hazard["overdue"]:
            return []
        hazard["overdue"] = overdue
        self.rows[hazard["operation_id"]]["hazards_overdue"] += 1 if overdue else -1
        return [hazard["operation_id"]]

    def on_time(self) -> Iterable[str]:
        changed: list[str] = []
        while self._deadlines and self._deadlines[0][0] < self.now:
            _, key = heapq.heappop(self._deadlines)
            changed.extend(self._check(key))
        for (operation_id, measure), (samples, _) in self._recent.items():
            if samples and samples[0][0] < self.now - RECENT_S:
                self._expire(operation_id, measure)
                changed.append(operation_id)
        return changed
