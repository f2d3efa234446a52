"""Operations and incidents: from a report to its close."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    FIELD,
    Command,
    IncidentCommand,
)
from domain.types import LonLat  # noqa: TC001

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
