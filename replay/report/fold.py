"""The after-action report's own fold: some operations' story, event by event.

A view like the others (pure, field time, no clock), folded in the same pass as
the stats view and the hazard ledger, so its counts and theirs come from one
reading of the log. It keeps what the live views do not: every response-time
sample, every refusal's reason, each volunteer's hours in this operation, and the
field times at which things happened, for the plots.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from domain.model.activity import ServiceActivity
from domain.model.checkround import CheckRound
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.types import CheckOutcome
from projections.base import View, handles

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime


class Hours:
    """One volunteer's service in one operation."""

    __slots__ = ("activities", "activity_hours", "dispatches", "shift_hours", "shifts")

    def __init__(self) -> None:
        self.shift_hours = 0.0
        self.activity_hours = 0.0
        self.shifts = 0
        self.activities = 0
        self.dispatches = 0


class OperationStory(View):
    """What the events of some operations say, in recorded order (field time)."""

    name = "report"

    def __init__(self, operation_ids: Iterable[str]) -> None:
        super().__init__()
        self.operation_ids = frozenset(operation_ids)
        self.opened: dict[str, Operation.Opened] = {}
        self.closed_at: dict[str, datetime] = {}
        # Incident id -> operation, kind, reported_at, dispatched_at by volunteer,
        # dispatched.
        self.incidents: dict[str, dict[str, Any]] = {}
        # (field time, kind) of every incident, in recorded order.
        self.reported: list[tuple[datetime, str]] = []
        # (field time, evacuated, rescued) of every count, in recorded order.
        self.people: list[tuple[datetime, int, int]] = []
        # The samples behind the stats view's median and p90, in recorded order.
        self.report_to_dispatch: list[dict[str, Any]] = []
        self.dispatch_to_arrival: list[dict[str, Any]] = []
        self.refusals: Counter[tuple[str, str]] = Counter()
        self.names: dict[str, str] = {}
        self.hours: dict[str, Hours] = {}
        self._on_shift: dict[str, datetime] = {}
        # Hazard id -> rectified (counted as in the stats view).
        self._hazards: dict[str, bool] = {}
        # (field time, +1/-1 found, +1/-1 rectified), in recorded order.
        self.hazard_steps: list[tuple[datetime, int, int]] = []

    def _hours(self, volunteer_id: str) -> Hours:
        found = self.hours.get(volunteer_id)
        if found is None:
            found = self.hours[volunteer_id] = Hours()
        return found

    def _ours(self, e: Any) -> dict[str, Any] | None:
        return self.incidents.get(str(e.originator_id))

    @handles(Operation.Opened)
    def _opened(self, e: Operation.Opened) -> Iterable[str]:
        if (key := str(e.originator_id)) in self.operation_ids:
            self.opened[key] = e
        return ()

    @handles(Operation.Closed)
    def _closed(self, e: Operation.Closed) -> Iterable[str]:
        if (key := str(e.originator_id)) in self.operation_ids:
            self.closed_at[key] = e.occurred_at
        return ()

    @handles(Volunteer.Registered)
    def _registered(self, e: Volunteer.Registered) -> Iterable[str]:
        self.names[str(e.originator_id)] = e.name
        return ()

    @handles(Volunteer.ShiftStarted)
    def _shift_started(self, e: Volunteer.ShiftStarted) -> Iterable[str]:
        key = str(e.originator_id)
        if str(e.operation_id) in self.operation_ids:
            self._on_shift[key] = e.occurred_at
            self._hours(key).shifts += 1
        else:
            self._on_shift.pop(key, None)
        return ()

    @handles(Volunteer.ShiftEnded)
    def _shift_ended(self, e: Volunteer.ShiftEnded) -> Iterable[str]:
        # As the roster counts them: closed shifts, start to end, in field time.
        key = str(e.originator_id)
        started = self._on_shift.pop(key, None)
        if started is not None:
            seconds = max((e.occurred_at - started).total_seconds(), 0.0)
            self._hours(key).shift_hours += seconds / 3600
        return ()

    @handles(ServiceActivity.Logged)
    def _activity(self, e: ServiceActivity.Logged) -> Iterable[str]:
        if str(e.operation_id) in self.operation_ids:
            for volunteer_id in e.participants:
                hours = self._hours(str(volunteer_id))
                hours.activity_hours += e.hours
                hours.activities += 1
        return ()

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        if (operation_id := str(e.operation_id)) in self.operation_ids:
            self.incidents[str(e.originator_id)] = {
                "operation_id": operation_id,
                "kind": e.kind,
                "reported_at": e.occurred_at,
                "dispatched_at": {},
                "dispatched": False,
            }
            self.reported.append((e.occurred_at, e.kind))
        return ()

    @handles(Incident.VolunteerDispatched)
    def _dispatched(self, e: Incident.VolunteerDispatched) -> Iterable[str]:
        # The same measures as projections.stats: report to first dispatch per
        # incident, dispatch to arrival per volunteer; negative waits count as 0.
        incident = self._ours(e)
        if incident is None:
            return ()
        volunteer_id = str(e.volunteer_id)
        incident["dispatched_at"][volunteer_id] = e.occurred_at
        self._hours(volunteer_id).dispatches += 1
        if not incident["dispatched"]:
            incident["dispatched"] = True
            waited = (e.occurred_at - incident["reported_at"]).total_seconds()
            self.report_to_dispatch.append(
                {
                    "operation_id": incident["operation_id"],
                    "incident_id": str(e.originator_id),
                    "kind": incident["kind"],
                    "volunteer_id": volunteer_id,
                    "seconds": max(waited, 0.0),
                }
            )
        return ()

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        incident = self._ours(e)
        if incident is None:
            return ()
        volunteer_id = str(e.volunteer_id)
        dispatched_at = incident["dispatched_at"].pop(volunteer_id, None)
        if dispatched_at is not None:
            took = (e.occurred_at - dispatched_at).total_seconds()
            self.dispatch_to_arrival.append(
                {
                    "operation_id": incident["operation_id"],
                    "incident_id": str(e.originator_id),
                    "kind": incident["kind"],
                    "volunteer_id": volunteer_id,
                    "seconds": max(took, 0.0),
                }
            )
        return ()

    @handles(Incident.DispatchRefused)
    def _refused(self, e: Incident.DispatchRefused) -> Iterable[str]:
        if self._ours(e) is not None:
            self.refusals[(e.code, e.reason)] += 1
        return ()

    @handles(Incident.PeopleEvacuated)
    def _evacuated(self, e: Incident.PeopleEvacuated) -> Iterable[str]:
        if self._ours(e) is not None:
            self.people.append((e.occurred_at, e.count, 0))
        return ()

    @handles(CheckRound.EntryChecked)
    def _checked_on(self, e: CheckRound.EntryChecked) -> Iterable[str]:
        # As the stats view counts them: a round's evacuees are the operation's.
        evacuated = e.outcome == CheckOutcome.EVACUATED
        if evacuated and str(e.operation_id) in self.operation_ids:
            self.people.append((e.occurred_at, e.count, 0))
        return ()

    @handles(Incident.PeopleRescued)
    def _rescued(self, e: Incident.PeopleRescued) -> Iterable[str]:
        if self._ours(e) is not None:
            self.people.append((e.occurred_at, 0, e.count))
        return ()

    @handles(Premises.HazardFound)
    def _hazard_found(self, e: Premises.HazardFound) -> Iterable[str]:
        if str(e.operation_id) in self.operation_ids:
            self._hazards[str(e.hazard_id)] = False
            self.hazard_steps.append((e.occurred_at, 1, 0))
        return ()

    @handles(Premises.Rectified)
    def _rectified(self, e: Premises.Rectified) -> Iterable[str]:
        key = str(e.hazard_id)
        if self._hazards.get(key) is False:
            self._hazards[key] = True
            self.hazard_steps.append((e.occurred_at, 0, 1))
        return ()

    @handles(Premises.Reinspected)
    def _reinspected(self, e: Premises.Reinspected) -> Iterable[str]:
        # A failed re-inspection un-counts the rectification, as the stats view does.
        key = str(e.hazard_id)
        if not e.passed and self._hazards.get(key) is True:
            self._hazards[key] = False
            self.hazard_steps.append((e.occurred_at, 0, -1))
        return ()
