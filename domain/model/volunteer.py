"""Volunteer: a vetted, trained, graded and insured member of the brigade."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from domain import checks
from domain.errors import Code, Conflict, NotDispatchable
from domain.model.base import BrigadeAggregate, Provenance
from domain.training import DEFAULT_CATALOGUE, dispatch_refusal, is_required
from domain.types import Grade, ServiceDomain, Vetting

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from domain.training import Catalogue, Refusal


class CourseResult(TypedDict):
    required: bool
    passed: bool
    score: float


class Volunteer(BrigadeAggregate):
    class Registered(BrigadeAggregate.Created):
        name: str
        contact: str
        community: str
        # Self-assessed on registration; only passed courses qualify for duty.
        domains: list[str]

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.name = self.name

    class VettingDecided(BrigadeAggregate.Event):
        approved: bool
        reason: str

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.vetting = (
                Vetting.APPROVED if self.approved else Vetting.REJECTED
            ).value
            volunteer.vetting_reason = self.reason

    class CourseCompleted(BrigadeAggregate.Event):
        course: str
        required: bool
        passed: bool
        score: float

        def apply(self, volunteer: Volunteer) -> None:
            # A later result replaces an earlier one: a failed course can be retaken.
            volunteer.courses[self.course] = CourseResult(
                required=self.required, passed=self.passed, score=self.score
            )

    class GradeChanged(BrigadeAggregate.Event):
        grade: str

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.grade = self.grade

    class Insured(BrigadeAggregate.Event):
        policy: str
        valid_until: datetime

        def apply(self, volunteer: Volunteer) -> None:
            if (
                volunteer.insured_until is None
                or self.valid_until > volunteer.insured_until
            ):
                volunteer.insured_until = self.valid_until

    class ShiftStarted(BrigadeAggregate.Event):
        operation_id: UUID | None

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.on_shift = True

    class ShiftEnded(BrigadeAggregate.Event):
        def apply(self, volunteer: Volunteer) -> None:
            volunteer.on_shift = False

    class PositionReported(BrigadeAggregate.Event):
        lat: float
        lon: float
        accuracy: float | None
        heading: float | None
        speed: float | None

    class SatisfactionRated(BrigadeAggregate.Event):
        rating: int
        incident_id: UUID | None
        comment: str

    class Assigned(BrigadeAggregate.Event):
        incident_id: UUID

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.assignment = self.incident_id

    class Released(BrigadeAggregate.Event):
        incident_id: UUID

        def apply(self, volunteer: Volunteer) -> None:
            volunteer.assignment = None

    name: str
    vetting: str
    vetting_reason: str
    courses: dict[str, CourseResult]
    grade: str
    insured_until: datetime | None
    on_shift: bool
    assignment: UUID | None

    def __init__(self) -> None:
        self.vetting = Vetting.PENDING.value
        self.vetting_reason = ""
        self.courses = {}
        self.grade = Grade.LEVEL_1.value
        self.insured_until = None
        self.on_shift = False
        self.assignment = None

    @classmethod
    def register(
        cls,
        volunteer_id: UUID,
        *,
        name: str,
        contact: str,
        community: str,
        domains: list[str],
        p: Provenance,
    ) -> Volunteer:
        if not isinstance(domains, list) or len(domains) > len(ServiceDomain):
            raise checks.invalid("domains must be a list of service domains")
        chosen = sorted(
            {checks.choice("domain", d, ServiceDomain).value for d in domains}
        )
        return cls._create(
            cls.Registered,
            id=volunteer_id,
            name=checks.text("name", name, limit=checks.MAX_NAME),
            contact=checks.text("contact", contact, limit=checks.MAX_NAME),
            community=checks.text(
                "community", community, limit=checks.MAX_NAME, required=False
            ),
            domains=chosen,
            **p.as_kwargs(),
        )

    @property
    def passed_courses(self) -> set[str]:
        return {course for course, result in self.courses.items() if result["passed"]}

    def decide_vetting(self, approved: bool, reason: str, p: Provenance) -> None:
        if self.vetting != Vetting.PENDING:
            raise Conflict(
                Code.VETTING_ALREADY_DECIDED,
                f"vetting was already decided: {self.vetting}",
            )
        if not isinstance(approved, bool):
            raise checks.invalid("approved must be true or false")
        reason = checks.text(
            "reason", reason, limit=checks.MAX_NAME, required=not approved
        )
        self.trigger_event(
            self.VettingDecided, approved=approved, reason=reason, **p.as_kwargs()
        )

    def complete_course(
        self,
        course: str,
        passed: bool,
        score: float,
        p: Provenance,
        *,
        required: bool | None = None,
    ) -> None:
        """A course's result; `required` as the catalogue says (default: the first)."""
        course = checks.text("course", course, limit=80)
        if not isinstance(passed, bool):
            raise checks.invalid("passed must be true or false")
        self.trigger_event(
            self.CourseCompleted,
            course=course,
            required=is_required(course) if required is None else required,
            passed=passed,
            score=checks.number("score", score, 0, 100),
            **p.as_kwargs(),
        )

    def change_grade(self, grade: str, p: Provenance) -> None:
        grade = checks.choice("grade", grade, Grade).value
        self.trigger_event(self.GradeChanged, grade=grade, **p.as_kwargs())

    def insure(self, policy: str, valid_until: datetime, p: Provenance) -> None:
        self.trigger_event(
            self.Insured,
            policy=checks.text("policy", policy, limit=checks.MAX_NAME),
            valid_until=checks.aware("valid_until", valid_until),
            **p.as_kwargs(),
        )

    def start_shift(self, operation_id: UUID | None, p: Provenance) -> None:
        if self.on_shift:
            raise Conflict(Code.ALREADY_ON_SHIFT, "the volunteer is already on shift")
        self.trigger_event(
            self.ShiftStarted, operation_id=operation_id, **p.as_kwargs()
        )

    def end_shift(self, p: Provenance) -> None:
        if not self.on_shift:
            raise Conflict(Code.OFF_SHIFT, "the volunteer is not on shift")
        if self.assignment is not None:
            raise Conflict(
                Code.BUSY,
                f"still dispatched to incident {self.assignment}: be released first",
            )
        self.trigger_event(self.ShiftEnded, **p.as_kwargs())

    def report_position(
        self,
        *,
        lat: float,
        lon: float,
        accuracy: float | None,
        heading: float | None,
        speed: float | None,
        p: Provenance,
    ) -> None:
        self.trigger_event(
            self.PositionReported,
            lat=checks.latitude(lat),
            lon=checks.longitude(lon),
            accuracy=None
            if accuracy is None
            else checks.number("accuracy", accuracy, 0, 10_000),
            heading=None
            if heading is None
            else checks.number("heading", heading, 0, 360),
            speed=None if speed is None else checks.number("speed", speed, 0, 150),
            **p.as_kwargs(),
        )

    def rate(
        self, rating: int, incident_id: UUID | None, comment: str, p: Provenance
    ) -> None:
        self.trigger_event(
            self.SatisfactionRated,
            rating=checks.whole("rating", rating, 1, 5),
            incident_id=incident_id,
            comment=checks.text("comment", comment, required=False),
            **p.as_kwargs(),
        )

    def refusal(
        self,
        needs: ServiceDomain | None,
        at: datetime,
        catalogue: Catalogue = DEFAULT_CATALOGUE,
    ) -> Refusal | None:
        """Why this volunteer may not take a duty that needs `needs` at `at`, if so."""
        return dispatch_refusal(
            catalogue=catalogue,
            vetting=self.vetting,
            vetting_reason=self.vetting_reason,
            passed_courses=self.passed_courses,
            needs=needs,
            insured_until=self.insured_until,
            at=at,
            on_shift=self.on_shift,
            busy_with=self.assignment,
        )

    def assign(
        self,
        incident_id: UUID,
        needs: ServiceDomain | None,
        p: Provenance,
        catalogue: Catalogue = DEFAULT_CATALOGUE,
    ) -> None:
        refusal = self.refusal(needs, p.occurred_at, catalogue)
        if refusal is not None:
            raise NotDispatchable(refusal.code, refusal.message)
        self.trigger_event(self.Assigned, incident_id=incident_id, **p.as_kwargs())

    def release(self, incident_id: UUID, p: Provenance) -> None:
        if self.assignment == incident_id:
            self.trigger_event(self.Released, incident_id=incident_id, **p.as_kwargs())
