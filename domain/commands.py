"""Commands: what a person asks brigade to do, in the imperative.

Every command carries a client-generated id (a retry reuses it), the actor, and
the time it happened in the field as the client saw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime  # noqa: TC003 (the gateway reads these types at run time)
from functools import cached_property
from typing import ClassVar
from uuid import UUID

from domain.types import LonLat, Role

COMMANDER = frozenset({Role.COMMANDER})
FIELD = frozenset({Role.COMMANDER, Role.VOLUNTEER})


@dataclass(frozen=True)
class Actor:
    """Who sends a command. A volunteer's id is their volunteer id."""

    role: Role
    id: str

    def __str__(self) -> str:
        return self.name

    # Cached: one connection's actor sends many commands on the hot path.
    @cached_property
    def name(self) -> str:
        return f"{self.role.value}:{self.id}"

    @cached_property
    def volunteer_id(self) -> UUID | None:
        return UUID(self.id) if self.role is Role.VOLUNTEER else None


@dataclass(frozen=True, kw_only=True)
class Command:
    command_id: UUID
    actor: Actor
    occurred_at: datetime

    allowed: ClassVar[frozenset[Role]] = COMMANDER
    # Whether an accepted one issues a token (its result names the credential):
    # the gateway answers it with the signed token, so only over HTTP.
    issues_token: ClassVar[bool] = False


# What every command carries (its id, actor and field time), not its own fields.
ENVELOPE = frozenset(f.name for f in fields(Command))


# Operations


@dataclass(frozen=True, kw_only=True)
class OpenOperation(Command):
    operation_id: UUID | None = None
    name: str
    kind: str
    area: list[float] | None = None


@dataclass(frozen=True, kw_only=True)
class CloseOperation(Command):
    operation_id: UUID


# Incidents


@dataclass(frozen=True, kw_only=True)
class ReportIncident(Command):
    allowed = FIELD
    incident_id: UUID | None = None
    operation_id: UUID
    kind: str
    lat: float
    lon: float
    address: str = ""
    severity: int
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class IncidentCommand(Command):
    """A command about one incident."""

    incident_id: UUID


@dataclass(frozen=True, kw_only=True)
class AssessIncident(IncidentCommand):
    allowed = FIELD
    summary: str
    severity: int | None = None
    people_at_risk: int | None = None


@dataclass(frozen=True, kw_only=True)
class DispatchVolunteer(IncidentCommand):
    volunteer_id: UUID
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordArrival(IncidentCommand):
    allowed = FIELD
    volunteer_id: UUID


@dataclass(frozen=True, kw_only=True)
class GuideRoute(IncidentCommand):
    allowed = FIELD
    path: list[LonLat]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ClearRoad(IncidentCommand):
    allowed = FIELD
    path: list[LonLat]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordImage(IncidentCommand):
    allowed = FIELD
    sha256: str
    media_type: str
    size: int
    lat: float | None = None
    lon: float | None = None
    caption: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordEvacuation(IncidentCommand):
    allowed = FIELD
    count: int
    destination: str


@dataclass(frozen=True, kw_only=True)
class RecordRescue(IncidentCommand):
    allowed = FIELD
    count: int


@dataclass(frozen=True, kw_only=True)
class PostMessage(IncidentCommand):
    allowed = FIELD
    text: str


@dataclass(frozen=True, kw_only=True)
class ReleaseVolunteer(IncidentCommand):
    volunteer_id: UUID
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ResolveIncident(IncidentCommand):
    outcome: str


@dataclass(frozen=True, kw_only=True)
class CloseIncident(IncidentCommand):
    pass


# Volunteers


@dataclass(frozen=True, kw_only=True)
class RegisterVolunteer(Command):
    volunteer_id: UUID | None = None
    name: str
    contact: str
    community: str = ""
    domains: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class VolunteerCommand(Command):
    """A command about one volunteer."""

    volunteer_id: UUID


@dataclass(frozen=True, kw_only=True)
class DecideVetting(VolunteerCommand):
    approved: bool
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordCourse(VolunteerCommand):
    course: str
    passed: bool
    score: float


@dataclass(frozen=True, kw_only=True)
class ChangeGrade(VolunteerCommand):
    grade: str


@dataclass(frozen=True, kw_only=True)
class RecordInsurance(VolunteerCommand):
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
    rating: int
    incident_id: UUID | None = None
    comment: str = ""


# Premises inspection


@dataclass(frozen=True, kw_only=True)
class RegisterPremises(Command):
    allowed = FIELD
    premises_id: UUID | None = None
    name: str
    address: str
    lat: float
    lon: float
    owner: str = ""
    category: str = ""


@dataclass(frozen=True, kw_only=True)
class PremisesCommand(Command):
    """A command about one premises."""

    premises_id: UUID


@dataclass(frozen=True, kw_only=True)
class InspectPremises(PremisesCommand):
    allowed = FIELD
    operation_id: UUID
    checklist: dict[str, bool]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordHazard(PremisesCommand):
    allowed = FIELD
    operation_id: UUID
    hazard_id: UUID | None = None
    kind: str
    severity: int
    photo_sha256: str | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderRectification(PremisesCommand):
    hazard_id: UUID
    deadline: datetime


@dataclass(frozen=True, kw_only=True)
class SubmitSelfCheck(PremisesCommand):
    allowed = FIELD
    hazard_id: UUID
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordRectification(PremisesCommand):
    allowed = FIELD
    hazard_id: UUID
    evidence: str
    evidence_sha256: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReinspectHazard(PremisesCommand):
    allowed = FIELD
    hazard_id: UUID
    passed: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CloseHazard(PremisesCommand):
    hazard_id: UUID


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


# TAK devices: whose a device's Cursor on Target reports are (gateway/tak/)


@dataclass(frozen=True, kw_only=True)
class LinkDevice(Command):
    """What the TAK device with this CoT uid reports is from now on this volunteer's."""

    device_uid: str
    volunteer_id: UUID


@dataclass(frozen=True, kw_only=True)
class UnlinkDevice(Command):
    """The device speaks for no one: its reports are dropped again."""

    device_uid: str


# Risk warnings (风险预警), in CAP 1.2's words (domain/model/warning.py)


@dataclass(frozen=True, kw_only=True)
class IssueWarning(Command):
    """Warn of a risk in an area until an expiry; a polygon or a circle."""

    warning_id: UUID | None = None
    operation_id: UUID
    event: str
    category: str
    urgency: str
    severity: str
    certainty: str
    area_desc: str
    polygon: list[LonLat] | None = None
    # [longitude, latitude, radius in km]
    circle: list[float] | None = None
    # Text by language: {"zh": ..., "en": ...}
    headline: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    instruction: dict[str, str] = field(default_factory=dict)
    onset: datetime | None = None
    expiry: datetime
    # An outside alert taken in: {"sender", "identifier", "sent"}.
    source: dict[str, str] | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateWarning(Command):
    """Change a warning: the fields given replace theirs (a new area replaces both)."""

    warning_id: UUID
    event: str | None = None
    category: str | None = None
    urgency: str | None = None
    severity: str | None = None
    certainty: str | None = None
    area_desc: str | None = None
    polygon: list[LonLat] | None = None
    circle: list[float] | None = None
    headline: dict[str, str] | None = None
    description: dict[str, str] | None = None
    instruction: dict[str, str] | None = None
    onset: datetime | None = None
    expiry: datetime | None = None
    source: dict[str, str] | None = None


@dataclass(frozen=True, kw_only=True)
class CancelWarning(Command):
    warning_id: UUID
    reason: str = ""
    source: dict[str, str] | None = None
