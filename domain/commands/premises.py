"""Premises inspection: hazards followed until they are fixed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime  # noqa: TC003 (the gateway reads these types at run time)
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    FIELD,
    Command,
    PremisesCommand,
)
from domain.types import Role

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
    # An owner too, on their own premises only.
    allowed = FIELD | {Role.OWNER}
    hazard_id: UUID
    note: str = ""
    # What the owner did about it, and photos of it (uploaded first: POST /images).
    evidence: str = ""
    photos: list[str] = field(default_factory=list)


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
