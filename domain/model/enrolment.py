"""Enrolment: a one-time code a commander makes so a volunteer's phone gets a token.

The log records who made it, for whom and until when, and when it was used;
never the code itself, which the gateway makes from the enrolment's id with the
server's keys (`gateway/enrolment.py`), as it signs tokens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

# Long enough to walk to a volunteer with the QR code; short enough that a
# photographed code is soon worthless.
DEFAULT_TTL = timedelta(minutes=15)
LONGEST_MINUTES = 24 * 60


def ttl(minutes: object) -> timedelta:
    if minutes is None:
        return DEFAULT_TTL
    return timedelta(minutes=checks.whole("ttl_minutes", minutes, 1, LONGEST_MINUTES))


class Enrolment(BrigadeAggregate):
    class Created(BrigadeAggregate.Created):
        # The office's act, like a token's issue: it moves no field clock.
        field_clock = False
        volunteer_id: UUID
        expires_at: datetime

        def apply(self, enrolment: Enrolment) -> None:
            enrolment.volunteer_id = self.volunteer_id
            enrolment.expires_at = self.expires_at

    class Redeemed(BrigadeAggregate.Event):
        field_clock = False
        token_id: UUID

        def apply(self, enrolment: Enrolment) -> None:
            enrolment.redeemed = True

    class Cancelled(BrigadeAggregate.Event):
        field_clock = False

        def apply(self, enrolment: Enrolment) -> None:
            enrolment.cancelled = True

    volunteer_id: UUID
    expires_at: datetime
    redeemed: bool
    cancelled: bool

    def __init__(self) -> None:
        self.redeemed = False
        self.cancelled = False

    @classmethod
    def create(
        cls, enrolment_id: UUID, volunteer_id: UUID, expires_at: datetime, p: Provenance
    ) -> Enrolment:
        return cls._create(
            cls.Created,
            id=enrolment_id,
            volunteer_id=volunteer_id,
            expires_at=expires_at,
            **p.as_kwargs(),
        )

    def require_usable(self, at: datetime) -> None:
        """Refuse a code used, withdrawn or past its expiry (in that order)."""
        if self.redeemed:
            raise Conflict(Code.ENROLMENT_USED, "this enrolment code was already used")
        if self.cancelled:
            raise Conflict(
                Code.ENROLMENT_CANCELLED, "this enrolment code was withdrawn"
            )
        if at >= self.expires_at:
            raise Conflict(
                Code.ENROLMENT_EXPIRED,
                f"this enrolment code expired at {self.expires_at.isoformat()}",
            )

    def redeem(self, token_id: UUID, p: Provenance) -> None:
        self.require_usable(p.occurred_at)
        self.trigger_event(self.Redeemed, token_id=token_id, **p.as_kwargs())

    def cancel(self, p: Provenance) -> None:
        if self.redeemed:
            raise Conflict(Code.ENROLMENT_USED, "this enrolment code was already used")
        if self.cancelled:
            raise Conflict(
                Code.ENROLMENT_CANCELLED, "this enrolment code was withdrawn"
            )
        self.trigger_event(self.Cancelled, **p.as_kwargs())
