"""No training, no duty: the course catalogue and the rule that decides dispatch.

The rule is a pure function of a volunteer's recorded facts, so the domain (which
refuses a dispatch) and the roster view (which shows why someone is not
dispatchable) can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import Code
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


def is_required(course: str) -> bool:
    return course in REQUIRED_COURSES


def course_title(course: str) -> str:
    """The course as a person would say it: 'water-rescue' -> 'water rescue'."""
    return REQUIRED_COURSES.get(course) or course.replace("-", " ")


def qualified_domains(passed_courses: Collection[str]) -> list[ServiceDomain]:
    return [d for d, course in DOMAIN_COURSES.items() if course in passed_courses]


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
) -> Refusal | None:
    """The first rule that keeps a volunteer from this duty, or None if none does."""
    if vetting != Vetting.APPROVED:
        why = f"rejected ({vetting_reason})" if vetting == Vetting.REJECTED else vetting
        return Refusal(Code.NOT_VETTED, f"not vetted: vetting {why}")
    for course, title in REQUIRED_COURSES.items():
        if course not in passed_courses:
            return Refusal(
                Code.TRAINING_INCOMPLETE,
                f"no training, no duty: {title} course not passed",
            )
    if needs is not None and DOMAIN_COURSES[needs] not in passed_courses:
        title = course_title(DOMAIN_COURSES[needs])
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
