"""Credential: a bearer token someone holds, from its issue until it expires or is
revoked.

The log records who was given which token, for how long, by whom, and when it
was revoked; never the token itself, which the gateway signs from these facts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import Role

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

DAY = timedelta(days=1)
# How long a token lasts unless the issuer says otherwise, by who holds it. Whole
# days, so a token ends at the time of day it was made: one made by day does not
# sign a command centre's screen out at 3 a.m. in the middle of a storm.
LIFETIME: dict[Role, timedelta] = {
    # The command centre's desks and screens: a month covers any storm's response.
    Role.COMMANDER: 30 * DAY,
    # Screens and partner agencies that only read: a quarter, about a season.
    Role.OBSERVER: 90 * DAY,
    # A phone enrolled once for the typhoon season; a lost one is revoked.
    Role.VOLUNTEER: 180 * DAY,
    # The programme office's desk, as the command centre's.
    Role.OFFICER: 30 * DAY,
    # A QR code on an inspection notice: long enough for a rectification and its
    # re-inspection; the notice of the next inspection brings a new one.
    Role.OWNER: 60 * DAY,
}
SHORTEST = timedelta(minutes=1)
LONGEST = timedelta(days=366)


def lifetime(role: Role, seconds: object) -> timedelta:
    """The lifetime asked for (a whole number of seconds), or the role's default."""
    if seconds is None:
        return LIFETIME[role]
    low, high = int(SHORTEST.total_seconds()), int(LONGEST.total_seconds())
    return timedelta(seconds=checks.whole("ttl_seconds", seconds, low, high))


class Credential(BrigadeAggregate):
    class Issued(BrigadeAggregate.Created):
        field_clock = False
        role: str
        # Who the token acts as: a volunteer's id, or a commander's or observer's name.
        subject: str
        name: str
        expires_at: datetime

        def apply(self, credential: Credential) -> None:
            credential.holder = (Role(self.role), self.subject)

    class Revoked(BrigadeAggregate.Event):
        field_clock = False
        reason: str

        def apply(self, credential: Credential) -> None:
            credential.revoked = True

    # The role and subject it was issued to.
    holder: tuple[Role, str]
    revoked: bool

    def __init__(self) -> None:
        self.revoked = False

    @classmethod
    def issue(
        cls,
        token_id: UUID,
        role: Role,
        subject: str,
        name: str,
        expires_at: datetime,
        p: Provenance,
    ) -> Credential:
        """A token for `role` acting as `subject`, until `expires_at`."""
        return cls._create(
            cls.Issued,
            id=token_id,
            role=role.value,
            subject=checks.text("subject", subject, limit=checks.MAX_NAME),
            name=checks.text("name", name, limit=checks.MAX_NAME, required=False),
            expires_at=expires_at,
            **p.as_kwargs(),
        )

    def revoke(self, reason: str, p: Provenance) -> None:
        if self.revoked:
            raise Conflict(Code.ALREADY_REVOKED, "the token is already revoked")
        self.trigger_event(
            self.Revoked,
            reason=checks.text("reason", reason, limit=checks.MAX_NAME, required=False),
            **p.as_kwargs(),
        )
