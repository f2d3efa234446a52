"""Hazard ledger: every hazard found in a shop, its deadline, state and overdue flag,
how far it has escalated, the owner's self-check and the reminders queued."""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.model.premises import Premises
from domain.types import HazardState, ReminderReason
from projections.base import Row, View, handles, iso

if TYPE_CHECKING:
    from collections.abc import Iterable

# Overdue means the owner has not fixed it by the deadline. Once rectified, the
# hazard waits on the brigade's re-inspection, not on the owner; a failed
# re-inspection puts it back with the owner. The statistics view counts the same.
AWAITING_OWNER = {
    HazardState.FOUND,
    HazardState.ORDERED,
    HazardState.SELF_CHECKED,
    HazardState.REINSPECTION_FAILED,
}


# Escalation, by field time against the deadline, while the owner must act: due
# soon from two days before it, overdue after it, escalated (the programme
# office takes it up) three days after it. The reminders follow the same steps.
DUE_SOON = timedelta(days=2)
ESCALATE = timedelta(days=3)
STEPS = (
    (-DUE_SOON, ReminderReason.DUE_SOON),
    (timedelta(0), ReminderReason.OVERDUE),
    (ESCALATE, ReminderReason.ESCALATED),
)


def escalation(deadline: datetime, now: datetime) -> ReminderReason | None:
    """How far a hazard still the owner's has gone past its deadline, at `now`."""
    found = None
    for offset, step in STEPS:
        if now > deadline + offset:
            found = step
    return found


class HazardLedger(View):
    """Rows by hazard id. Overdue: still open after its deadline, in field time."""

    name = "hazards"

    def __init__(self) -> None:
        super().__init__()
        self.premises: dict[str, dict[str, Any]] = {}
        # (deadline as a timestamp, hazard id), soonest first.
        self._deadlines: list[tuple[float, str]] = []

    @handles(Premises.Registered)
    def _registered(self, e: Premises.Registered) -> Iterable[str]:
        self.premises[str(e.originator_id)] = {
            "name": e.name,
            "address": e.address,
            "lat": e.lat,
            "lon": e.lon,
        }
        return []

    @handles(Premises.HazardFound)
    def _found(self, e: Premises.HazardFound) -> Iterable[str]:
        key = str(e.hazard_id)
        premises = self.premises.get(str(e.originator_id), {})
        self.rows[key] = {
            "id": key,
            "premises_id": str(e.originator_id),
            "premises": premises.get("name"),
            "address": premises.get("address"),
            "lat": premises.get("lat"),
            "lon": premises.get("lon"),
            "operation_id": str(e.operation_id),
            "kind": e.kind,
            "severity": e.severity,
            "state": HazardState.FOUND.value,
            "found_at": iso(e.occurred_at),
            "deadline": None,
            "rectified_at": None,
            "closed_at": None,
            "overdue": False,
            "escalation": None,
            "note": e.note,
            "photo": e.photo_sha256,
            "self_check": None,
            "reminders": [],
        }
        return [key]

    def _row(self, e: Any) -> Row:
        return self.rows[str(e.hazard_id)]

    @handles(Premises.RectificationOrdered)
    def _ordered(self, e: Premises.RectificationOrdered) -> Iterable[str]:
        row = self._row(e)
        row["state"] = HazardState.ORDERED.value
        row["deadline"] = iso(e.deadline)
        row["overdue"] = self._past(e.deadline.isoformat())
        row["escalation"] = self._escalation(row)
        for offset, _ in STEPS:
            moment = (e.deadline + offset).timestamp()
            heapq.heappush(self._deadlines, (moment, row["id"]))
        return [row["id"]]

    @handles(Premises.SelfCheckSubmitted)
    def _self_checked(self, e: Premises.SelfCheckSubmitted) -> Iterable[str]:
        self._row(e)["self_check"] = {
            "at": iso(e.occurred_at),
            "by": e.actor,
            "note": e.note,
            "evidence": e.evidence,
            "photos": list(e.photos),
        }
        return self._to(e, HazardState.SELF_CHECKED)

    @handles(Premises.OwnerReminded)
    def _reminded(self, e: Premises.OwnerReminded) -> Iterable[str]:
        row = self._row(e)
        row["reminders"].append(
            {"id": str(e.reminder_id), "reason": e.reason, "at": iso(e.occurred_at)}
        )
        return [row["id"]]

    @handles(Premises.Rectified)
    def _rectified(self, e: Premises.Rectified) -> Iterable[str]:
        self._row(e)["rectified_at"] = iso(e.occurred_at)
        return self._to(e, HazardState.RECTIFIED)

    @handles(Premises.Reinspected)
    def _reinspected(self, e: Premises.Reinspected) -> Iterable[str]:
        state = HazardState.VERIFIED if e.passed else HazardState.REINSPECTION_FAILED
        return self._to(e, state)

    @handles(Premises.HazardClosed)
    def _closed(self, e: Premises.HazardClosed) -> Iterable[str]:
        self._row(e)["closed_at"] = iso(e.occurred_at)
        return self._to(e, HazardState.CLOSED)

    def _to(self, e: Any, state: HazardState) -> Iterable[str]:
        row = self._row(e)
        row["state"] = state.value
        row["overdue"] = self._overdue(row)
        row["escalation"] = self._escalation(row)
        return [row["id"]]

    def _escalation(self, row: Row) -> str | None:
        deadline = row["deadline"]
        if not deadline or row["state"] not in AWAITING_OWNER or self.as_of is None:
            return None
        step = escalation(datetime.fromisoformat(deadline), self.as_of)
        return None if step is None else step.value

    def _overdue(self, row: Row) -> bool:
        deadline = row["deadline"]
        return (
            bool(deadline) and row["state"] in AWAITING_OWNER and self._past(deadline)
        )

    def _past(self, deadline: str) -> bool:
        return self.as_of is not None and datetime.fromisoformat(deadline) < self.as_of

    def on_time(self) -> Iterable[str]:
        changed = []
        while self._deadlines and self._deadlines[0][0] < self.now:
            _, key = heapq.heappop(self._deadlines)
            row = self.rows[key]
            overdue, step = self._overdue(row), self._escalation(row)
            if (overdue, step) != (row["overdue"], row["escalation"]):
                row["overdue"], row["escalation"] = overdue, step
                changed.append(key)
        return changed
