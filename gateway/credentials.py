"""Issuing a token: the issue recorded in the log (IssueToken), then signed.

The token is signed from what the log recorded (`IssueToken`'s result), never
stored: the same recorded issue signed with the same key is the same token, so a
retried issue (same command id) gets the token the first one got.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from domain import commands as c
from domain.ids import uuid7
from domain.types import Role
from gateway.tokens import Claims, sign

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from domain.outcome import Outcome
    from gateway.bootstrap import Runtime
    from gateway.keys import KeyRing
    from gateway.settings import Settings


class Refused(Exception):
    """The domain refused the issue; `code` says why (e.g. volunteer_not_found)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}]")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Grant:
    """What a token is asked for: IssueToken's fields."""

    role: Role
    volunteer_id: UUID | None = None
    name: str = ""
    ttl_seconds: int | None = None
    # The premises an owner's token names (IssueOwnerToken).
    premises_id: UUID | None = None


@dataclass(frozen=True)
class Issued:
    token: str
    claims: Claims


def token_for(keys: KeyRing, result: Mapping[str, str]) -> str:
    """The token of an accepted IssueToken, from its (recorded) result."""
    return sign(keys, Claims.of(result))


def terminal() -> c.Actor:
    """Who issues from the command line: a commander at this machine's terminal."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    return c.Actor(Role.COMMANDER, f"terminal:{user}" if user else "terminal")


def issue(runtime: Runtime, grant: Grant, by: c.Actor | None = None) -> Issued:
    """Record a token's issue through the runtime's writer; the signed token."""
    command: c.Command
    if grant.role is Role.OWNER and grant.premises_id is not None:
        command = c.IssueOwnerToken(
            command_id=uuid7(),
            actor=by or terminal(),
            occurred_at=datetime.now(UTC),
            premises_id=grant.premises_id,
            name=grant.name,
            ttl_seconds=grant.ttl_seconds,
        )
    else:
        command = c.IssueToken(
            command_id=uuid7(),
            actor=by or terminal(),
            occurred_at=datetime.now(UTC),
            role=grant.role.value,
            volunteer_id=grant.volunteer_id,
            name=grant.name,
            ttl_seconds=grant.ttl_seconds,
        )
    outcome: Outcome = runtime.writer.execute(command)
    if outcome.rejection is not None:
        raise Refused(outcome.rejection.code, outcome.rejection.message)
    claims = Claims.of(outcome.result)
    return Issued(sign(runtime.keys, claims), claims)


def issue_into(settings: Settings, grant: Grant) -> Issued:
    """A token recorded in the configured store, as `brigade token create` makes one.

    Any gateway serving that store honours it (it reads the issue from the log).
    """
    from gateway.bootstrap import Runtime

    with Runtime.open(tool(settings)) as runtime:
        return issue(runtime, grant)


def tool(settings: Settings) -> Settings:
    """A command-line tool's settings: no Redis relay (it publishes to no one)."""
    return settings.model_copy(update={"redis_url": None})
