"""No training, no duty: the course catalogue and the rule that decides dispatch.

The rule is a pure function of a volunteer's recorded facts and the catalogue, so
the domain (which refuses a dispatch) and the roster view (which shows why someone
is not dispatchable) can never disagree. The catalogue is data: the programme
office changes it with commands (`domain/model/catalogue.py`); the constants below
are only its first state, what a store holds before any catalogue event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from domain.errors import Code, Conflict, NotFound
from domain.types import IncidentKind, ServiceDomain, Vetting

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from datetime import datetime
    from uuid import UUID

# Courses every volunteer must pass before any duty.
REQUIRED_COURSES: Mapping[str, str] = {
    "basic-fire-safety": "basic fire safety",
}

# The course that qualifies a volunteer in each service domain.
DOMAIN_COURSES: Mapping[ServiceDomain, str] = {
    ServiceDomain.FIRST_AID: "first-aid",
    ServiceDomain.WATER_RESCUE: "water-rescue",
    ServiceDomain.SEARCH_AND_RESCUE: "search-and-rescue",
    ServiceDomain.FIRE_SUPPORT: "fire-support",
    ServiceDomain.HAZARD_INSPECTION: "hazard-inspection",
    ServiceDomain.HORNET_REMOVAL: "hornet-removal",
    ServiceDomain.ROAD_CLEARANCE: "road-clearance",
    ServiceDomain.PUBLICITY: "publicity",
}

# The domain an incident of each kind needs; None: any trained volunteer may go.
DOMAIN_FOR_KIND: Mapping[IncidentKind, ServiceDomain | None] = {
    IncidentKind.FIRE: ServiceDomain.FIRE_SUPPORT,
    IncidentKind.FLOOD: ServiceDomain.WATER_RESCUE,
    IncidentKind.TRAPPED_PERSONS: ServiceDomain.SEARCH_AND_RESCUE,
    IncidentKind.WATER_RESCUE: ServiceDomain.WATER_RESCUE,
    IncidentKind.HORNET_NEST: ServiceDomain.HORNET_REMOVAL,
    IncidentKind.ROAD_BLOCKED: ServiceDomain.ROAD_CLEARANCE,
    IncidentKind.MEDICAL: ServiceDomain.FIRST_AID,
    IncidentKind.OTHER: None,
}


@dataclass(frozen=True)
class Course:
    """A course of the catalogue: required of everyone, or elective; the service
    domain it qualifies for (None: none); retired ones are no longer recorded or
    required, but a pass already recorded still qualifies."""

    code: str
    title: str
    required: bool
    domain: ServiceDomain | None
    retired: bool = False


@dataclass(frozen=True)
class Catalogue:
    """The courses by code, as the programme office defined them."""

    courses: Mapping[str, Course] = field(default_factory=dict)

    @property
    def required(self) -> list[Course]:
        return [c for c in self.courses.values() if c.required and not c.retired]

    def qualifying(self, domain: ServiceDomain) -> list[str]:
        """The courses (retired ones too) any of which qualifies for `domain`."""
        return [c.code for c in self.courses.values() if c.domain is domain]

    def title(self, code: str) -> str:
        """The course as a person would say it: 'water-rescue' -> 'water rescue'."""
        found = self.courses.get(code)
        return found.title if found is not None else code.replace("-", " ")

    def qualified_domains(self, passed: Collection[str]) -> list[ServiceDomain]:
        return [
            d for d in ServiceDomain if any(c in passed for c in self.qualifying(d))
        ]

    def offered(self, code: object) -> Course:
        """The course of this code, if it is still offered; refused otherwise."""
        course = self.courses.get(code) if isinstance(code, str) else None
        if course is None:
            raise NotFound(
                Code.COURSE_NOT_FOUND, f"no course {code!r} in the catalogue"
            )
        if course.retired:
            raise Conflict(Code.COURSE_RETIRED, f"the course {code!r} was retired")
        return course

    def complete(self, passed: Collection[str]) -> bool:
        """Whether every required course is passed."""
        return all(c.code in passed for c in self.required)


def _first_catalogue() -> Catalogue:
    courses = {
        code: Course(code, title, required=True, domain=None)
        for code, title in REQUIRED_COURSES.items()
    }
    for domain, code in DOMAIN_COURSES.items():
        courses[code] = Course(code, code.replace("-", " "), False, domain)
    return Catalogue(courses)


# The catalogue before the office changes anything: the constants above.
DEFAULT_CATALOGUE = _first_catalogue()


def is_required(course: str) -> bool:
    return course in REQUIRED_COURSES


def course_title(course: str) -> str:
    """The course as a person would say it: 'water-rescue' -> 'water rescue'."""
    return DEFAULT_CATALOGUE.title(course)


def qualified_domains(
    passed_courses: Collection[str], catalogue: Catalogue = DEFAULT_CATALOGUE
) -> list[ServiceDomain]:
    return catalogue.qualified_domains(passed_courses)


@dataclass(frozen=True)
class Refusal:
    """Why a volunteer may not be dispatched: a stable code and a plain message."""

    code: Code
    message: str


def dispatch_refusal(
    *,
    vetting: str,
    vetting_reason: str,
    passed_courses: Collection[str],
    needs: ServiceDomain | None,
    insured_until: datetime | None,
    at: datetime,
    on_shift: bool,
    busy_with: UUID | None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> Refusal | None:
    """The first rule that keeps a volunteer from this duty, or None if none does."""
    if vetting != Vetting.APPROVED:
        why = f"rejected ({vetting_reason})" if vetting == Vetting.REJECTED else vetting
        return Refusal(Code.NOT_VETTED, f"not vetted: vetting {why}")
    for course in catalogue.required:
        if course.code not in passed_courses:
            return Refusal(
                Code.TRAINING_INCOMPLETE,
                f"no training, no duty: {course.title} course not passed",
            )
    if needs is not None:
        qualifying = catalogue.qualifying(needs)
        if not any(code in passed_courses for code in qualifying):
            title = " or ".join(
                catalogue.title(code) for code in qualifying
            ) or needs.value.replace("_", " ")
            return Refusal(Code.NOT_QUALIFIED, f"not qualified: {title} course missing")
    if insured_until is None:
        return Refusal(Code.NOT_INSURED, "not insured: no policy recorded")
    if at > insured_until:
        return Refusal(
            Code.NOT_INSURED,
            f"not insured on {at.date().isoformat()}: "
            f"policy expired {insured_until.date().isoformat()}",
        )
    if not on_shift:
        return Refusal(
            Code.OFF_SHIFT, "off shift: the volunteer has not started a shift"
        )
    if busy_with is not None:
        return Refusal(Code.BUSY, f"busy: already dispatched to incident {busy_with}")
    return None
