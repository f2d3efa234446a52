"""Volunteer roster: status, position, training, insurance, dispatch, promotion."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from domain.model.activity import ServiceActivity
from domain.model.catalogue import CourseCatalogue, course_of
from domain.model.incident import Incident
from domain.model.volunteer import Volunteer
from domain.training import DEFAULT_CATALOGUE, Catalogue, Course, dispatch_refusal
from domain.types import Grade, IncidentStatus, Vetting
from projections.base import Row, View, handles, iso
from projections.base import key as key_of

if TYPE_CHECKING:
    from collections.abc import Iterable

# A volunteer's status; dispatched and on scene as the incident's status says them.
OFF_DUTY, AVAILABLE = "off_duty", "available"
DISPATCHED, ON_SCENE = IncidentStatus.DISPATCHED.value, IncidentStatus.ON_SCENE.value
NEXT_GRADE = {
    Grade.LEVEL_1: Grade.LEVEL_2,
    Grade.LEVEL_2: Grade.LEVEL_3,
    Grade.LEVEL_3: Grade.INSTRUCTOR,
}


@dataclass(frozen=True)
class PromotionRule:
    """What a volunteer needs for the next grade: domains, hours and satisfaction.

    Defaults (docs/views.md): level 1 -> 2 needs 1 qualified domain, 20 service hours
    and a mean rating of 4.0 over at least 3 ratings; level 2 -> 3 needs 2 domains,
    60 hours, 4.2; level 3 -> instructor needs 3 domains, 150 hours, 4.5.
    Supervisors are appointed, not promoted by rule.
    """

    domains: dict[str, int] = field(
        default_factory=lambda: {"level_1": 1, "level_2": 2, "level_3": 3}
    )
    hours: dict[str, float] = field(
        default_factory=lambda: {"level_1": 20.0, "level_2": 60.0, "level_3": 150.0}
    )
    rating: dict[str, float] = field(
        default_factory=lambda: {"level_1": 4.0, "level_2": 4.2, "level_3": 4.5}
    )
    min_ratings: int = 3

    def check(self, row: Row) -> tuple[bool, str]:
        grade = row["grade"]
        if grade not in self.domains:
            return False, "no promotion by rule from this grade"
        missing = []
        if len(row["qualified_domains"]) < self.domains[grade]:
            missing.append(f"{self.domains[grade]} qualified domains")
        if row["service_hours"] < self.hours[grade]:
            missing.append(f"{self.hours[grade]:g} service hours")
        ratings, mean = row["ratings"], row["satisfaction"]
        if ratings < self.min_ratings or mean is None or mean < self.rating[grade]:
            missing.append(
                f"a mean rating of {self.rating[grade]:g} "
                f"over {self.min_ratings}+ ratings"
            )
        if missing:
            return False, "needs " + ", ".join(missing)
        return True, f"eligible for {NEXT_GRADE[Grade(grade)].value}"


class Roster(View):
    """Rows by volunteer id."""

    name = "roster"

    def __init__(self, rule: PromotionRule | None = None) -> None:
        super().__init__()
        self.rule = rule or PromotionRule()
        self.catalogue: Catalogue = DEFAULT_CATALOGUE
        self._state: dict[str, dict[str, Any]] = {}
        # (expiry as a timestamp, volunteer id) of policies still to run out.
        self._expiries: list[tuple[float, str]] = []

    @handles(Volunteer.Registered)
    def _registered(self, e: Volunteer.Registered) -> Iterable[str]:
        key = str(e.originator_id)
        self._state[key] = {
            "passed": set(),
            "insured_until": None,
            "shift_started": None,
            "rating_sum": 0,
            "vetting_reason": "",
        }
        self.rows[key] = {
            "id": key,
            "name": e.name,
            "community": e.community,
            "domains": list(e.domains),
            "qualified_domains": [],
            "grade": Grade.LEVEL_1.value,
            "vetting": Vetting.PENDING.value,
            "training_complete": False,
            "insured_until": None,
            "status": OFF_DUTY,
            "operation_id": None,
            "incident_id": None,
            "position": None,
            "service_hours": 0.0,
            "satisfaction": None,
            "ratings": 0,
            # Their answer to the dispatch they are on (who is really coming).
            "answer": None,
        }
        return self._judge(key)

    @handles(Volunteer.VettingDecided)
    def _vetted(self, e: Volunteer.VettingDecided) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key]["vetting"] = (
            Vetting.APPROVED if e.approved else Vetting.REJECTED
        ).value
        self._state[key]["vetting_reason"] = e.reason
        return self._judge(key)

    @handles(Volunteer.CourseCompleted)
    def _course(self, e: Volunteer.CourseCompleted) -> Iterable[str]:
        key = str(e.originator_id)
        passed: set[str] = self._state[key]["passed"]
        (passed.add if e.passed else passed.discard)(e.course)
        return self._judge(key)

    @handles(CourseCatalogue.Started)
    def _catalogue_started(self, e: CourseCatalogue.Started) -> Iterable[str]:
        self.catalogue = Catalogue({r["code"]: course_of(r) for r in e.courses})
        return self._judge_all()

    @handles(CourseCatalogue.CourseDefined)
    def _course_defined(self, e: CourseCatalogue.CourseDefined) -> Iterable[str]:
        row = {"code": e.course, "title": e.title, "required": e.required}
        course = course_of({**row, "domain": e.domain})
        self.catalogue = Catalogue({**self.catalogue.courses, e.course: course})
        return self._judge_all()

    @handles(CourseCatalogue.CourseRetired)
    def _course_retired(self, e: CourseCatalogue.CourseRetired) -> Iterable[str]:
        old = self.catalogue.courses[e.course]
        retired = Course(old.code, old.title, old.required, old.domain, retired=True)
        self.catalogue = Catalogue({**self.catalogue.courses, e.course: retired})
        return self._judge_all()

    def _judge_all(self) -> list[str]:
        """Every row judged again (the catalogue changed); those that changed."""
        changed = []
        for key in self.rows:
            before = dict(self.rows[key])
            self._judge(key)
            if self.rows[key] != before:
                changed.append(key)
        return changed

    @handles(Volunteer.GradeChanged)
    def _grade(self, e: Volunteer.GradeChanged) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key]["grade"] = e.grade
        return self._judge(key)

    @handles(Volunteer.Insured)
    def _insured(self, e: Volunteer.Insured) -> Iterable[str]:
        key = str(e.originator_id)
        state = self._state[key]
        if state["insured_until"] is None or e.valid_until > state["insured_until"]:
            state["insured_until"] = e.valid_until
            self.rows[key]["insured_until"] = iso(e.valid_until)
            heapq.heappush(self._expiries, (e.valid_until.timestamp(), key))
        return self._judge(key)

    @handles(Volunteer.ShiftStarted)
    def _shift_started(self, e: Volunteer.ShiftStarted) -> Iterable[str]:
        key = str(e.originator_id)
        self._state[key]["shift_started"] = e.occurred_at
        row = self.rows[key]
        row["status"] = AVAILABLE
        row["operation_id"] = None if e.operation_id is None else str(e.operation_id)
        return self._judge(key)

    @handles(Volunteer.ShiftEnded)
    def _shift_ended(self, e: Volunteer.ShiftEnded) -> Iterable[str]:
        key = str(e.originator_id)
        started = self._state[key]["shift_started"]
        row = self.rows[key]
        if started is not None:
            hours = max((e.occurred_at - started).total_seconds(), 0) / 3600
            row["service_hours"] = round(row["service_hours"] + hours, 2)
        self._state[key]["shift_started"] = None
        row["status"] = OFF_DUTY
        row["operation_id"] = None
        return self._judge(key)

    @handles(Volunteer.PositionReported)
    def _position(self, e: Volunteer.PositionReported) -> Iterable[str]:
        key = key_of(e.originator_id)
        self.rows[key]["position"] = {
            "lat": e.lat,
            "lon": e.lon,
            "at": iso(e.occurred_at),
        }
        return [key]

    @handles(Volunteer.SatisfactionRated)
    def _rated(self, e: Volunteer.SatisfactionRated) -> Iterable[str]:
        key = str(e.originator_id)
        state, row = self._state[key], self.rows[key]
        state["rating_sum"] += e.rating
        row["ratings"] += 1
        row["satisfaction"] = round(state["rating_sum"] / row["ratings"], 2)
        return self._judge(key)

    @handles(Volunteer.Assigned)
    def _assigned(self, e: Volunteer.Assigned) -> Iterable[str]:
        key = str(e.originator_id)
        self.rows[key]["status"] = DISPATCHED
        self.rows[key]["incident_id"] = str(e.incident_id)
        self.rows[key]["answer"] = None
        return self._judge(key)

    @handles(Volunteer.Released)
    def _released(self, e: Volunteer.Released) -> Iterable[str]:
        key = str(e.originator_id)
        row = self.rows[key]
        row["incident_id"] = None
        row["answer"] = None
        row["status"] = AVAILABLE if self._state[key]["shift_started"] else OFF_DUTY
        return self._judge(key)

    @handles(Incident.DispatchAnswered)
    def _answered(self, e: Incident.DispatchAnswered) -> Iterable[str]:
        key = str(e.volunteer_id)
        self.rows[key]["answer"] = {
            "incident_id": str(e.originator_id),
            "answer": e.answer,
            "eta_minutes": e.eta_minutes,
            "reason": e.reason,
            "at": iso(e.occurred_at),
        }
        return [key]

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        key = str(e.volunteer_id)
        if key in self.rows and self.rows[key]["incident_id"] == str(e.originator_id):
            self.rows[key]["status"] = ON_SCENE
            return [key]
        return []

    @handles(ServiceActivity.Logged)
    def _activity(self, e: ServiceActivity.Logged) -> Iterable[str]:
        touched = []
        for volunteer_id in e.participants:
            key = str(volunteer_id)
            if key in self.rows:
                row = self.rows[key]
                row["service_hours"] = round(row["service_hours"] + e.hours, 2)
                touched.extend(self._judge(key))
        return touched

    def _judge(self, key: str) -> list[str]:
        """Recompute what follows from the facts: dispatchable, and promotable."""
        row, state = self.rows[key], self._state[key]
        at = self.as_of or datetime.min.replace(tzinfo=UTC)
        passed = state["passed"]
        row["qualified_domains"] = [
            d.value for d in self.catalogue.qualified_domains(passed)
        ]
        refusal = dispatch_refusal(
            catalogue=self.catalogue,
            vetting=row["vetting"],
            vetting_reason=state["vetting_reason"],
            passed_courses=state["passed"],
            needs=None,
            insured_until=state["insured_until"],
            at=at,
            on_shift=state["shift_started"] is not None,
            busy_with=row["incident_id"],
        )
        row["training_complete"] = self.catalogue.complete(passed)
        row["dispatchable"] = refusal is None
        row["not_dispatchable_because"] = None if refusal is None else refusal.message
        row["promotion_eligible"], row["promotion"] = self.rule.check(row)
        return [key]

    def on_time(self) -> Iterable[str]:
        changed: list[str] = []
        while self._expiries and self._expiries[0][0] < self.now:
            _, key = heapq.heappop(self._expiries)
            before = dict(self.rows[key])
            self._judge(key)
            if self.rows[key] != before:
                changed.append(key)
        return changed
