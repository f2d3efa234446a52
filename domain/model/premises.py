"""Premises: a shop's fire-safety checks, and each hazard's loop until it is closed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from domain import checks
from domain.errors import Code, Conflict, NotFound
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import HazardState, ReminderReason

if TYPE_CHECKING:
    from uuid import UUID

MAX_CHECKLIST = 100
MAX_PHOTOS = 6
# Whom an owner is reminded of a hazard by, while it is theirs to fix.
_REMINDABLE = (
    HazardState.FOUND,
    HazardState.ORDERED,
    HazardState.SELF_CHECKED,
    HazardState.REINSPECTION_FAILED,
)


class Hazard(TypedDict):
    state: str
    kind: str
    severity: int


# Which states each step of the loop may start from.
_ALLOWED_FROM: dict[str, tuple[HazardState, ...]] = {
    "order rectification": (HazardState.FOUND, HazardState.REINSPECTION_FAILED),
    "submit a self-check": (HazardState.ORDERED,),
    "record rectification": (
        HazardState.FOUND,
        HazardState.ORDERED,
        HazardState.SELF_CHECKED,
        HazardState.REINSPECTION_FAILED,
    ),
    "re-inspect": (HazardState.RECTIFIED,),
    "close": (HazardState.VERIFIED,),
}


class Premises(BrigadeAggregate):
    class Registered(BrigadeAggregate.Created):
        name: str
        address: str
        lat: float
        lon: float
        owner: str
        category: str

    class Inspected(BrigadeAggregate.Event):
        operation_id: UUID
        checklist: dict[str, bool]
        note: str

        def apply(self, premises: Premises) -> None:
            premises.met(self.actor)

    class HazardFound(BrigadeAggregate.Event):
        operation_id: UUID
        hazard_id: UUID
        kind: str
        severity: int
        photo_sha256: str | None
        note: str

        def apply(self, premises: Premises) -> None:
            premises.hazards[self.hazard_id.hex] = Hazard(
                state=HazardState.FOUND.value, kind=self.kind, severity=self.severity
            )
            premises.met(self.actor)

    class RectificationOrdered(BrigadeAggregate.Event):
        hazard_id: UUID
        deadline: datetime

        def apply(self, premises: Premises) -> None:
            premises.hazards[self.hazard_id.hex]["state"] = HazardState.ORDERED.value
            premises.state("deadlines")[self.hazard_id.hex] = self.deadline.isoformat()

    class SelfCheckSubmitted(BrigadeAggregate.Event):
        hazard_id: UUID
        note: str
        # Added with owners' self-checks: events stored before hold neither.
        evidence: str = ""
        photos: tuple[str, ...] = ()

        def apply(self, premises: Premises) -> None:
            premises.hazards[self.hazard_id.hex]["state"] = (
                HazardState.SELF_CHECKED.value
            )

    class Rectified(BrigadeAggregate.Event):
        hazard_id: UUID
        evidence: str
        evidence_sha256: str | None

        def apply(self, premises: Premises) -> None:
            premises.hazards[self.hazard_id.hex]["state"] = HazardState.RECTIFIED.value

    class Reinspected(BrigadeAggregate.Event):
        hazard_id: UUID
        passed: bool
        note: str

        def apply(self, premises: Premises) -> None:
            state = (
                HazardState.VERIFIED if self.passed else HazardState.REINSPECTION_FAILED
            )
            premises.hazards[self.hazard_id.hex]["state"] = state.value

    class HazardClosed(BrigadeAggregate.Event):
        hazard_id: UUID

        def apply(self, premises: Premises) -> None:
            premises.hazards[self.hazard_id.hex]["state"] = HazardState.CLOSED.value

    class OwnerReminded(BrigadeAggregate.Event):
        """A reminder queued for the owner (the notification outbox)."""

        field_clock = False
        hazard_id: UUID
        reminder_id: UUID
        reason: str
        deadline: datetime | None

        def apply(self, premises: Premises) -> None:
            premises.state("reminders")[self.reminder_id.hex] = self.reason

    class ReminderSent(BrigadeAggregate.Event):
        """A queued reminder delivered, by a channel (sms, file, console...)."""

        field_clock = False
        reminder_id: UUID
        channel: str

    hazards: dict[str, Hazard]

    def __init__(self) -> None:
        self.hazards = {}

    def state(self, name: str) -> dict[str, str]:
        """State added after the first release: a snapshot taken before lacks it."""
        found: dict[str, str] = self.__dict__.setdefault(name, {})
        return found

    def deadline(self, hazard_id: UUID) -> datetime | None:
        """The hazard's latest rectification deadline, if one was ordered."""
        found = self.state("deadlines").get(hazard_id.hex)
        return None if found is None else datetime.fromisoformat(found)

    def met(self, actor: str) -> None:
        self.state("inspectors")[actor] = ""

    def inspected_by(self, actor: str) -> bool:
        """Whether this actor inspected these premises or found a hazard here."""
        return actor in self.state("inspectors")

    @classmethod
    def register(
        cls,
        premises_id: UUID,
        *,
        name: str,
        address: str,
        lat: float,
        lon: float,
        owner: str,
        category: str,
        p: Provenance,
    ) -> Premises:
        return cls._create(
            cls.Registered,
            id=premises_id,
            name=checks.text("name", name, limit=checks.MAX_NAME),
            address=checks.text("address", address, limit=checks.MAX_NAME),
            lat=checks.latitude(lat),
            lon=checks.longitude(lon),
            owner=checks.text("owner", owner, limit=checks.MAX_NAME, required=False),
            category=checks.text("category", category, limit=80, required=False),
            **p.as_kwargs(),
        )

    def inspect(
        self, operation_id: UUID, checklist: dict[str, bool], note: str, p: Provenance
    ) -> None:
        if not isinstance(checklist, dict) or not 1 <= len(checklist) <= MAX_CHECKLIST:
            raise checks.invalid(
                f"checklist must map 1 to {MAX_CHECKLIST} items to results"
            )
        results: dict[str, bool] = {}
        for item, ok in checklist.items():
            if not isinstance(ok, bool):
                raise checks.invalid("each checklist result must be true or false")
            results[checks.text("checklist item", item, limit=80)] = ok
        self.trigger_event(
            self.Inspected,
            operation_id=operation_id,
            checklist=results,
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )

    def find_hazard(
        self,
        operation_id: UUID,
        hazard_id: UUID,
        *,
        kind: str,
        severity: int,
        photo_sha256: str | None,
        note: str,
        p: Provenance,
    ) -> None:
        if hazard_id.hex in self.hazards:
            raise Conflict(
                Code.ALREADY_EXISTS, f"hazard {hazard_id} is already recorded"
            )
        self.trigger_event(
            self.HazardFound,
            operation_id=operation_id,
            hazard_id=hazard_id,
            kind=checks.text("kind", kind, limit=80),
            severity=checks.whole("severity", severity, 1, 5),
            photo_sha256=None
            if photo_sha256 is None
            else checks.sha256("photo", photo_sha256),
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )

    def _step(self, hazard_id: UUID, step: str) -> None:
        hazard = self.hazards.get(hazard_id.hex)
        if hazard is None:
            raise NotFound(
                Code.HAZARD_NOT_FOUND, f"no hazard {hazard_id} at these premises"
            )
        if hazard["state"] == HazardState.CLOSED:
            raise Conflict(Code.HAZARD_CLOSED, f"hazard {hazard_id} is closed")
        if hazard["state"] not in _ALLOWED_FROM[step]:
            raise Conflict(
                Code.HAZARD_WRONG_STATE,
                f"cannot {step} a hazard that is {hazard['state'].replace('_', ' ')}",
            )

    def order_rectification(
        self, hazard_id: UUID, deadline: datetime, p: Provenance
    ) -> None:
        self._step(hazard_id, "order rectification")
        deadline = checks.aware("deadline", deadline)
        if deadline <= p.occurred_at:
            raise checks.invalid("the deadline must be after the order is given")
        self.trigger_event(
            self.RectificationOrdered,
            hazard_id=hazard_id,
            deadline=deadline,
            **p.as_kwargs(),
        )

    def submit_self_check(
        self,
        hazard_id: UUID,
        note: str,
        p: Provenance,
        *,
        evidence: str = "",
        photos: list[str] | tuple[str, ...] = (),
    ) -> None:
        self._step(hazard_id, "submit a self-check")
        if not isinstance(photos, list | tuple) or len(photos) > MAX_PHOTOS:
            raise checks.invalid(f"photos must be a list of at most {MAX_PHOTOS}")
        self.trigger_event(
            self.SelfCheckSubmitted,
            hazard_id=hazard_id,
            note=checks.text("note", note, required=False),
            evidence=checks.text("evidence", evidence, required=False),
            photos=tuple(checks.sha256("photo", photo) for photo in photos),
            **p.as_kwargs(),
        )

    def remind(
        self, hazard_id: UUID, reminder_id: UUID, reason: str, p: Provenance
    ) -> None:
        """Queue a reminder to the owner, while the hazard is theirs to fix."""
        why = checks.choice("reason", reason, ReminderReason)
        hazard = self.hazards.get(hazard_id.hex)
        if hazard is None:
            raise NotFound(
                Code.HAZARD_NOT_FOUND, f"no hazard {hazard_id} at these premises"
            )
        if hazard["state"] == HazardState.CLOSED:
            raise Conflict(Code.HAZARD_CLOSED, f"hazard {hazard_id} is closed")
        if hazard["state"] not in _REMINDABLE:
            raise Conflict(
                Code.HAZARD_WRONG_STATE,
                f"no reminder: the hazard is {hazard['state'].replace('_', ' ')}, "
                "the brigade's to act on",
            )
        if reminder_id.hex in self.state("reminders"):
            raise Conflict(Code.ALREADY_EXISTS, f"reminder {reminder_id} is queued")
        self.trigger_event(
            self.OwnerReminded,
            hazard_id=hazard_id,
            reminder_id=reminder_id,
            reason=why.value,
            deadline=self.deadline(hazard_id),
            **p.as_kwargs(),
        )

    def reminder_sent(self, reminder_id: UUID, channel: str, p: Provenance) -> None:
        channel = checks.text("channel", channel, limit=40)
        if reminder_id.hex not in self.state("reminders"):
            raise NotFound(
                Code.REMINDER_NOT_FOUND, f"no reminder {reminder_id} at these premises"
            )
        self.trigger_event(
            self.ReminderSent,
            reminder_id=reminder_id,
            channel=channel,
            **p.as_kwargs(),
        )

    def rectify(
        self, hazard_id: UUID, evidence: str, evidence_sha256: str | None, p: Provenance
    ) -> None:
        self._step(hazard_id, "record rectification")
        self.trigger_event(
            self.Rectified,
            hazard_id=hazard_id,
            evidence=checks.text("evidence", evidence),
            evidence_sha256=(
                None
                if evidence_sha256 is None
                else checks.sha256("evidence", evidence_sha256)
            ),
            **p.as_kwargs(),
        )

    def reinspect(
        self, hazard_id: UUID, passed: bool, note: str, p: Provenance
    ) -> None:
        self._step(hazard_id, "re-inspect")
        if not isinstance(passed, bool):
            raise checks.invalid("passed must be true or false")
        self.trigger_event(
            self.Reinspected,
            hazard_id=hazard_id,
            passed=passed,
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )

    def close_hazard(self, hazard_id: UUID, p: Provenance) -> None:
        self._step(hazard_id, "close")
        self.trigger_event(self.HazardClosed, hazard_id=hazard_id, **p.as_kwargs())
