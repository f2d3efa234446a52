"""Incident: something that happened in the field, from its report to its close."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import (
    IncidentKind,
    IncidentStatus,
    LonLat,
    MediaType,
)

if TYPE_CHECKING:
    from domain.training import Refusal


class Incident(BrigadeAggregate):
    class Reported(BrigadeAggregate.Created):
        operation_id: UUID
        kind: str
        lat: float
        lon: float
        address: str
        severity: int
        description: str

        def apply(self, incident: Incident) -> None:
            incident.operation_id = self.operation_id
            incident.kind = self.kind
            incident.severity = self.severity
            incident.reporter = self.actor

    class Assessed(BrigadeAggregate.Event):
        summary: str
        severity: int | None
        people_at_risk: int | None

        def apply(self, incident: Incident) -> None:
            if self.severity is not None:
                incident.severity = self.severity

    class VolunteerDispatched(BrigadeAggregate.Event):
        volunteer_id: UUID
        note: str

        def apply(self, incident: Incident) -> None:
            incident.assignments[self.volunteer_id.hex] = (
                IncidentStatus.DISPATCHED.value
            )

    class DispatchRefused(BrigadeAggregate.Event):
        volunteer_id: UUID
        code: str
        reason: str

    class VolunteerArrived(BrigadeAggregate.Event):
        volunteer_id: UUID

        def apply(self, incident: Incident) -> None:
            incident.assignments[self.volunteer_id.hex] = IncidentStatus.ON_SCENE.value

    class RouteGuided(BrigadeAggregate.Event):
        path: list[LonLat]
        note: str

    class RoadCleared(BrigadeAggregate.Event):
        path: list[LonLat]
        note: str

    class ImageUploaded(BrigadeAggregate.Event):
        sha256: str
        media_type: str
        size: int
        lat: float | None
        lon: float | None
        caption: str

    class PeopleEvacuated(BrigadeAggregate.Event):
        count: int
        destination: str

        def apply(self, incident: Incident) -> None:
            incident.evacuated += self.count

    class PeopleRescued(BrigadeAggregate.Event):
        count: int

        def apply(self, incident: Incident) -> None:
            incident.rescued += self.count

    class DispatchAnswered(BrigadeAggregate.Event):
        """A dispatched volunteer's answer: coming (with an ETA) or not (why)."""

        volunteer_id: UUID
        answer: str
        eta_minutes: int | None
        reason: str

    class MessagePosted(BrigadeAggregate.Event):
        text: str

    class VolunteerReleased(BrigadeAggregate.Event):
        volunteer_id: UUID
        reason: str

        def apply(self, incident: Incident) -> None:
            del incident.assignments[self.volunteer_id.hex]

    class Resolved(BrigadeAggregate.Event):
        outcome: str

        def apply(self, incident: Incident) -> None:
            incident.resolved = True

    class Closed(BrigadeAggregate.Event):
        def apply(self, incident: Incident) -> None:
            incident.closed = True

    operation_id: UUID
    kind: str
    severity: int
    # Volunteer id (hex) -> IncidentStatus.DISPATCHED or ON_SCENE, as the plain
    # string: snapshots store it, and their transcoder takes no enum members.
    assignments: dict[str, str]
    evacuated: int
    rescued: int
    resolved: bool
    closed: bool
    # Who reported it (the actor's name): a volunteer may add photos to their own
    # report. A default, so an aggregate snapshot from before it loads.
    reporter: str = ""

    def __init__(self) -> None:
        self.assignments = {}
        self.evacuated = 0
        self.rescued = 0
        self.resolved = False
        self.closed = False

    @classmethod
    def report(
        cls,
        incident_id: UUID,
        operation_id: UUID,
        *,
        kind: str,
        lat: float,
        lon: float,
        address: str,
        severity: int,
        description: str,
        p: Provenance,
    ) -> Incident:
        return cls._create(
            cls.Reported,
            id=incident_id,
            operation_id=operation_id,
            kind=checks.choice("kind", kind, IncidentKind).value,
            lat=checks.latitude(lat),
            lon=checks.longitude(lon),
            address=checks.text(
                "address", address, limit=checks.MAX_NAME, required=False
            ),
            severity=checks.whole("severity", severity, 1, 5),
            description=checks.text("description", description, required=False),
            **p.as_kwargs(),
        )

    @property
    def status(self) -> IncidentStatus:
        if self.closed:
            return IncidentStatus.CLOSED
        if self.resolved:
            return IncidentStatus.RESOLVED
        if IncidentStatus.ON_SCENE in self.assignments.values():
            return IncidentStatus.ON_SCENE
        if self.assignments:
            return IncidentStatus.DISPATCHED
        return IncidentStatus.REPORTED

    def is_assigned(self, volunteer_id: UUID) -> bool:
        return volunteer_id.hex in self.assignments

    def require_not_closed(self) -> None:
        if self.closed:
            raise Conflict(Code.INCIDENT_CLOSED, f"incident {self.id} is closed")

    def require_active(self) -> None:
        """Field work needs an incident that is neither resolved nor closed."""
        self.require_not_closed()
        if self.resolved:
            raise Conflict(Code.INCIDENT_RESOLVED, f"incident {self.id} is resolved")

    def assess(
        self,
        summary: str,
        severity: int | None,
        people_at_risk: int | None,
        p: Provenance,
    ) -> None:
        self.require_active()
        self.trigger_event(
            self.Assessed,
            summary=checks.text("summary", summary),
            severity=None
            if severity is None
            else checks.whole("severity", severity, 1, 5),
            people_at_risk=(
                None
                if people_at_risk is None
                else checks.whole(
                    "people_at_risk", people_at_risk, 0, checks.MAX_EVACUATED
                )
            ),
            **p.as_kwargs(),
        )

    def check_can_dispatch(self, volunteer_id: UUID) -> None:
        self.require_active()
        if self.is_assigned(volunteer_id):
            raise Conflict(
                Code.ALREADY_DISPATCHED,
                f"volunteer {volunteer_id} is already dispatched to this incident",
            )

    def dispatch(self, volunteer_id: UUID, note: str, p: Provenance) -> None:
        self.check_can_dispatch(volunteer_id)
        note = checks.text("note", note, required=False)
        self.trigger_event(
            self.VolunteerDispatched,
            volunteer_id=volunteer_id,
            note=note,
            **p.as_kwargs(),
        )

    def refuse_dispatch(
        self, volunteer_id: UUID, refusal: Refusal, p: Provenance
    ) -> None:
        """Record that a dispatch was refused, and why, for the after-action review."""
        self.trigger_event(
            self.DispatchRefused,
            volunteer_id=volunteer_id,
            code=refusal.code.value,
            reason=refusal.message,
            **p.as_kwargs(),
        )

    def arrive(self, volunteer_id: UUID, p: Provenance) -> None:
        self.require_active()
        state = self.assignments.get(volunteer_id.hex)
        if state is None:
            raise Conflict(
                Code.NOT_DISPATCHED,
                f"volunteer {volunteer_id} is not dispatched to this incident",
            )
        if state == IncidentStatus.ON_SCENE:
            raise Conflict(Code.ALREADY_ARRIVED, "the volunteer has already arrived")
        self.trigger_event(
            self.VolunteerArrived, volunteer_id=volunteer_id, **p.as_kwargs()
        )

    def guide_route(self, path: list[LonLat], note: str, p: Provenance) -> None:
        self.require_active()
        self.trigger_event(
            self.RouteGuided,
            path=checks.path("path", path),
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )

    def clear_road(self, path: list[LonLat], note: str, p: Provenance) -> None:
        self.require_active()
        self.trigger_event(
            self.RoadCleared,
            path=checks.path("path", path),
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )

    def record_image(
        self,
        *,
        sha256: str,
        media_type: str,
        size: int,
        lat: float | None,
        lon: float | None,
        caption: str,
        p: Provenance,
    ) -> None:
        self.require_not_closed()
        if (lat is None) != (lon is None):
            raise checks.invalid("an image geotag needs both latitude and longitude")
        self.trigger_event(
            self.ImageUploaded,
            sha256=checks.sha256("sha256", sha256),
            media_type=checks.choice("media_type", media_type, MediaType).value,
            size=checks.whole("size", size, 1, checks.MAX_IMAGE_BYTES),
            lat=None if lat is None else checks.latitude(lat),
            lon=None if lon is None else checks.longitude(lon),
            caption=checks.text(
                "caption", caption, limit=checks.MAX_NAME, required=False
            ),
            **p.as_kwargs(),
        )

    def evacuate(self, count: int, destination: str, p: Provenance) -> None:
        self.require_active()
        self.trigger_event(
            self.PeopleEvacuated,
            count=checks.whole("count", count, 1, checks.MAX_EVACUATED),
            destination=checks.text("destination", destination, limit=checks.MAX_NAME),
            **p.as_kwargs(),
        )

    def rescue(self, count: int, p: Provenance) -> None:
        self.require_active()
        self.trigger_event(
            self.PeopleRescued,
            count=checks.whole("count", count, 1, checks.MAX_RESCUED),
            **p.as_kwargs(),
        )

    def answer_dispatch(
        self,
        volunteer_id: UUID,
        answer: str,
        eta_minutes: int | None,
        reason: str,
        p: Provenance,
    ) -> None:
        """On my way (minutes away) or cannot go (why), before arriving."""
        self.require_active()
        state = self.assignments.get(volunteer_id.hex)
        if state is None:
            raise Conflict(
                Code.NOT_DISPATCHED,
                f"volunteer {volunteer_id} is not dispatched to this incident",
            )
        if state == IncidentStatus.ON_SCENE:
            raise Conflict(Code.ALREADY_ARRIVED, "the volunteer has already arrived")
        given, eta, reason = checks.dispatch_answer(answer, eta_minutes, reason)
        self.trigger_event(
            self.DispatchAnswered,
            volunteer_id=volunteer_id,
            answer=given.value,
            eta_minutes=eta,
            reason=reason,
            **p.as_kwargs(),
        )

    def post_message(self, text: str, p: Provenance) -> None:
        self.require_not_closed()
        self.trigger_event(
            self.MessagePosted, text=checks.text("text", text), **p.as_kwargs()
        )

    def release(self, volunteer_id: UUID, reason: str, p: Provenance) -> None:
        self.require_not_closed()
        if not self.is_assigned(volunteer_id):
            raise Conflict(
                Code.NOT_DISPATCHED,
                f"volunteer {volunteer_id} is not dispatched to this incident",
            )
        self.trigger_event(
            self.VolunteerReleased,
            volunteer_id=volunteer_id,
            reason=checks.text("reason", reason, limit=checks.MAX_NAME, required=False),
            **p.as_kwargs(),
        )

    def resolve(self, outcome: str, p: Provenance) -> list[UUID]:
        """Resolve the incident, releasing everyone on it; returns who was released."""
        self.require_active()
        outcome = checks.text("outcome", outcome)
        released = [UUID(hex) for hex in sorted(self.assignments)]
        for volunteer_id in released:
            self.release(volunteer_id, "incident resolved", p)
        self.trigger_event(self.Resolved, outcome=outcome, **p.as_kwargs())
        return released

    def close(self, p: Provenance) -> None:
        self.require_not_closed()
        if not self.resolved:
            raise Conflict(
                Code.INCIDENT_NOT_RESOLVED,
                "an incident must be resolved before it is closed",
            )
        self.trigger_event(self.Closed, **p.as_kwargs())
