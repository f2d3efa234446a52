"""The field app: enrolling a phone, answering a dispatch, broadcasts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    FIELD,
    Command,
    IncidentCommand,
)

# The field app: enrolling a phone, answering a dispatch, broadcasts


@dataclass(frozen=True, kw_only=True)
class CreateEnrolment(Command):
    """A one-time code with which a volunteer's phone gets its token."""

    enrolment_id: UUID | None = None
    volunteer_id: UUID
    # Minutes it may be used in (default 15, at most a day).
    ttl_minutes: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelEnrolment(Command):
    """Withdraw an enrolment code not yet used."""

    enrolment_id: UUID


@dataclass(frozen=True, kw_only=True)
class RedeemEnrolment(Command):
    """Exchange an enrolment for a volunteer token (what `POST /enrol` records)."""

    allowed = FIELD
    issues_token = True
    enrolment_id: UUID


@dataclass(frozen=True, kw_only=True)
class AnswerDispatch(IncidentCommand):
    """On my way (with an ETA) or cannot go (with a reason)."""

    allowed = FIELD
    volunteer_id: UUID
    answer: str
    eta_minutes: int | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class BroadcastMessage(Command):
    """A message to every volunteer on shift in an operation."""

    operation_id: UUID
    text: str
