"""Erasure and the vulnerable-people register with its check-on rounds."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    FIELD,
    Command,
)

# Erasure and the vulnerable-people register (docs/privacy.md)


@dataclass(frozen=True, kw_only=True)
class ErasePerson(Command):
    """Delete a person's key: from now on their personal fields read as erased."""

    # A volunteer, a premises (its owner's data) or an entry of the register.
    person_id: UUID
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RegisterVulnerable(Command):
    """An entry of the register: a person or fragile unit to check on in a storm."""

    allowed = FIELD
    entry_id: UUID | None = None
    kind: str
    # Where it is counted and checked on (a community, a street): not personal.
    area: str
    lat: float
    lon: float
    address: str
    name: str
    contact: str = ""
    needs: str = ""
    people: int = 1
    risk: int
    consent: bool
    consent_note: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateVulnerable(Command):
    """Change what is known of an entry; a field left out stays as it was."""

    allowed = FIELD
    entry_id: UUID
    contact: str | None = None
    needs: str | None = None
    people: int | None = None
    risk: int | None = None
    consent: bool | None = None


@dataclass(frozen=True, kw_only=True)
class StartCheckRound(Command):
    """In an operation, check on every entry of an area, with these volunteers."""

    round_id: UUID | None = None
    operation_id: UUID
    area: str
    volunteer_ids: list[UUID]


@dataclass(frozen=True, kw_only=True)
class RecordCheck(Command):
    """One entry of a round checked on: safe, evacuated, or needs help."""

    allowed = FIELD
    round_id: UUID
    entry_id: UUID
    outcome: str
    # Evacuated: how many people, and where to.
    count: int = 0
    destination: str = ""
    note: str = ""
    # Needs help: the incident it reports there (made from the command id if none).
    incident_id: UUID | None = None
