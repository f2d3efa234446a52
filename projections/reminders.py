"""Reminders: the owners' notification outbox, each reminder queued and if sent.

A reminder is a fact of the log (`Premises.OwnerReminded`), queued by the
gateway's scheduler as deadlines near and pass; a courier delivers it by a
channel and records that (`Premises.ReminderSent`). The programme office lists
them; an owner sees those of their own premises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.premises import Premises
from projections.base import View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable

QUEUED, SENT = "queued", "sent"


class Reminders(View):
    """Rows by reminder id."""

    name = "reminders"

    def __init__(self) -> None:
        super().__init__()
        self.premises: dict[str, str] = {}
        self.hazards: dict[str, dict[str, Any]] = {}

    @handles(Premises.Registered)
    def _registered(self, e: Premises.Registered) -> Iterable[str]:
        self.premises[key(e.originator_id)] = e.name
        return ()

    @handles(Premises.HazardFound)
    def _found(self, e: Premises.HazardFound) -> Iterable[str]:
        self.hazards[key(e.hazard_id)] = {
            "kind": e.kind,
            "operation_id": key(e.operation_id),
        }
        return ()

    @handles(Premises.OwnerReminded)
    def _queued(self, e: Premises.OwnerReminded) -> Iterable[str]:
        reminder, premises = key(e.reminder_id), key(e.originator_id)
        hazard = self.hazards.get(key(e.hazard_id), {})
        self.rows[reminder] = {
            "id": reminder,
            "premises_id": premises,
            "premises": self.premises.get(premises),
            "hazard_id": key(e.hazard_id),
            "kind": hazard.get("kind"),
            "operation_id": hazard.get("operation_id"),
            "reason": e.reason,
            "deadline": iso(e.deadline),
            "queued_at": iso(e.occurred_at),
            "status": QUEUED,
            "sent": [],
        }
        return [reminder]

    @handles(Premises.ReminderSent)
    def _sent(self, e: Premises.ReminderSent) -> Iterable[str]:
        row = self.rows[key(e.reminder_id)]
        row["status"] = SENT
        row["sent"].append({"channel": e.channel, "at": iso(e.occurred_at)})
        return [row["id"]]
