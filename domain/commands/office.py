"""Owners and the programme office: owners' links, the course catalogue, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    OFFICE,
    Command,
    PremisesCommand,
)
from domain.types import Role

# Owners and the programme office (docs/domain.md, "Owners and the office")


@dataclass(frozen=True, kw_only=True)
class IssueOwnerToken(PremisesCommand):
    """A token for a premises' owner, printed as a QR code on the inspection notice.

    It acts on those premises only. A volunteer may issue one only for premises
    they inspected or found a hazard at.
    """

    allowed = frozenset({Role.COMMANDER, Role.OFFICER, Role.VOLUNTEER})
    issues_token = True
    token_id: UUID | None = None
    name: str = ""
    ttl_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class DefineCourse(Command):
    """Add a course to the catalogue, or change one: required or elective, and
    the service domain it qualifies for (none: it qualifies for none)."""

    allowed = OFFICE
    course: str
    title: str
    required: bool = False
    domain: str | None = None


@dataclass(frozen=True, kw_only=True)
class RetireCourse(Command):
    """Take a course out of the catalogue: no longer required or recorded."""

    allowed = OFFICE
    course: str


@dataclass(frozen=True, kw_only=True)
class RemindOwner(PremisesCommand):
    """Queue a reminder to an owner about a hazard's deadline (the outbox)."""

    allowed = OFFICE
    hazard_id: UUID
    reason: str
    reminder_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class MarkReminderSent(PremisesCommand):
    """Record that a queued reminder went out, and by which channel."""

    allowed = OFFICE
    reminder_id: UUID
    channel: str
