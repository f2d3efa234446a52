"""Points (`points`): a volunteer's incentive record by the programme's rule.

The rule (docs/domain.md, "Points"): skills, 10 for each passed course that
qualifies for a service domain and 5 for any other passed course; hours, 1 for
each whole service hour (closed shifts and logged activities, as the roster
counts them); satisfaction, 2 x (rating - 3) for each rating (5: +4, 1: -4).
The total is never below zero. Courses count by the catalogue as it stands, so
retitling or requalifying a course recounts everyone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from domain.model.activity import ServiceActivity
from domain.model.catalogue import CourseCatalogue, course_of
from domain.model.volunteer import Volunteer
from domain.training import DEFAULT_CATALOGUE, Catalogue, Course
from projections.base import Row, View, handles, key

if TYPE_CHECKING:
    from collections.abc import Iterable

QUALIFYING, OTHER_COURSE, PER_HOUR, PER_RATING_STEP = 10, 5, 1, 2


class Points(View):
    """Rows by volunteer id: points for skills, hours and satisfaction, and total."""

    name = "points"

    def __init__(self) -> None:
        super().__init__()
        self.catalogue: Catalogue = DEFAULT_CATALOGUE
        self._state: dict[str, dict[str, Any]] = {}

    @handles(Volunteer.Registered)
    def _registered(self, e: Volunteer.Registered) -> Iterable[str]:
        volunteer = key(e.originator_id)
        self._state[volunteer] = {"passed": set(), "hours": 0.0, "shift": None}
        self.rows[volunteer] = {
            "id": volunteer,
            "name": e.name,
            "courses": [],
            "skills": 0,
            "hours": 0,
            "satisfaction": 0,
            "points": 0,
        }
        return [volunteer]

    @handles(Volunteer.CourseCompleted)
    def _course(self, e: Volunteer.CourseCompleted) -> Iterable[str]:
        volunteer = key(e.originator_id)
        passed: set[str] = self._state[volunteer]["passed"]
        (passed.add if e.passed else passed.discard)(e.course)
        return self._count(volunteer)

    @handles(Volunteer.ShiftStarted)
    def _started(self, e: Volunteer.ShiftStarted) -> Iterable[str]:
        self._state[key(e.originator_id)]["shift"] = e.occurred_at
        return ()

    @handles(Volunteer.ShiftEnded)
    def _ended(self, e: Volunteer.ShiftEnded) -> Iterable[str]:
        volunteer = key(e.originator_id)
        state = self._state[volunteer]
        if state["shift"] is not None:
            seconds = max((e.occurred_at - state["shift"]).total_seconds(), 0)
            state["hours"] += seconds / 3600
        state["shift"] = None
        return self._count(volunteer)

    @handles(ServiceActivity.Logged)
    def _activity(self, e: ServiceActivity.Logged) -> Iterable[str]:
        touched = []
        for person in e.participants:
            volunteer = key(person)
            if volunteer in self._state:
                self._state[volunteer]["hours"] += e.hours
                touched.extend(self._count(volunteer))
        return touched

    @handles(Volunteer.SatisfactionRated)
    def _rated(self, e: Volunteer.SatisfactionRated) -> Iterable[str]:
        volunteer = key(e.originator_id)
        self.rows[volunteer]["satisfaction"] += PER_RATING_STEP * (e.rating - 3)
        return self._count(volunteer)

    @handles(CourseCatalogue.Started)
    def _catalogue(self, e: CourseCatalogue.Started) -> Iterable[str]:
        self.catalogue = Catalogue({r["code"]: course_of(r) for r in e.courses})
        return self._count_all()

    @handles(CourseCatalogue.CourseDefined)
    def _defined(self, e: CourseCatalogue.CourseDefined) -> Iterable[str]:
        course = course_of(
            {"code": e.course, "title": e.title, "required": e.required}
            | {"domain": e.domain}
        )
        self.catalogue = Catalogue({**self.catalogue.courses, e.course: course})
        return self._count_all()

    @handles(CourseCatalogue.CourseRetired)
    def _retired(self, e: CourseCatalogue.CourseRetired) -> Iterable[str]:
        old = self.catalogue.courses[e.course]
        retired = Course(old.code, old.title, old.required, old.domain, retired=True)
        self.catalogue = Catalogue({**self.catalogue.courses, e.course: retired})
        return ()  # a pass already recorded still counts

    def _count_all(self) -> list[str]:
        changed = []
        for volunteer in self.rows:
            before = dict(self.rows[volunteer])
            self._count(volunteer)
            if self.rows[volunteer] != before:
                changed.append(volunteer)
        return changed

    def _count(self, volunteer: str) -> list[str]:
        row, state = self.rows[volunteer], self._state[volunteer]
        passed = sorted(state["passed"])
        row["courses"] = passed
        row["skills"] = sum(self._worth(code) for code in passed)
        row["hours"] = PER_HOUR * math.floor(state["hours"] + 1e-9)
        row["points"] = max(0, row["skills"] + row["hours"] + row["satisfaction"])
        return [volunteer]

    def _worth(self, code: str) -> int:
        course = self.catalogue.courses.get(code)
        return QUALIFYING if course is not None and course.domain else OTHER_COURSE


def explain(row: Row) -> str:
    """The points as a sentence: where each part came from."""
    return (
        f"{row['points']} = skills {row['skills']} + hours {row['hours']} "
        f"+ satisfaction {row['satisfaction']}"
    )
