"""Volunteers, their service activities, and the tokens people hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime  # noqa: TC003 (the gateway reads these types at run time)
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    FIELD,
    OFFICE,
    Command,
    VolunteerCommand,
)

# Volunteers


@dataclass(frozen=True, kw_only=True)
class RegisterVolunteer(Command):
    allowed = OFFICE
    volunteer_id: UUID | None = None
    name: str
    contact: str
    community: str = ""
    domains: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DecideVetting(VolunteerCommand):
    allowed = OFFICE
    approved: bool
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordCourse(VolunteerCommand):
    allowed = OFFICE
    course: str
    passed: bool
    score: float


@dataclass(frozen=True, kw_only=True)
class ChangeGrade(VolunteerCommand):
    allowed = OFFICE
    grade: str


@dataclass(frozen=True, kw_only=True)
class RecordInsurance(VolunteerCommand):
    allowed = OFFICE
    policy: str
    valid_until: datetime


@dataclass(frozen=True, kw_only=True)
class StartShift(VolunteerCommand):
    allowed = FIELD
    operation_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class EndShift(VolunteerCommand):
    allowed = FIELD


@dataclass(frozen=True, kw_only=True)
class ReportPosition(VolunteerCommand):
    allowed = FIELD
    lat: float
    lon: float
    accuracy: float | None = None
    heading: float | None = None
    speed: float | None = None


@dataclass(frozen=True, kw_only=True)
class RateSatisfaction(VolunteerCommand):
    allowed = OFFICE
    rating: int
    incident_id: UUID | None = None
    comment: str = ""


# Service activities


@dataclass(frozen=True, kw_only=True)
class LogServiceActivity(Command):
    allowed = FIELD
    activity_id: UUID | None = None
    operation_id: UUID
    kind: str
    participants: list[UUID]
    hours: float
    lat: float | None = None
    lon: float | None = None
    note: str = ""


# Credentials: the bearer tokens people hold (the gateway signs them)


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command):
    """A token for a commander, an observer or a registered volunteer."""

    issues_token = True
    token_id: UUID | None = None
    role: str
    # The volunteer a volunteer token acts as; none for other roles.
    volunteer_id: UUID | None = None
    # Who holds it ("duty officer", "Xu Ming's phone"); a commander's or observer's
    # token acts under this name (default: the role).
    name: str = ""
    # Seconds it lasts (default: the role's lifetime, domain/model/credential.py).
    ttl_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command):
    """Stop a token working, from now on and on every gateway."""

    allowed = FIELD
    token_id: UUID
    reason: str = ""
