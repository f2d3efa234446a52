"""What every command is: its envelope (id, actor, field time), who may send it,
and the bases of commands about one incident, volunteer or premises."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime  # noqa: TC003 (the gateway reads these types at run time)
from functools import cached_property
from typing import ClassVar
from uuid import UUID

from domain.types import Role

COMMANDER = frozenset({Role.COMMANDER})
FIELD = frozenset({Role.COMMANDER, Role.VOLUNTEER})
# The programme office's records: commanders, and officers.
OFFICE = frozenset({Role.COMMANDER, Role.OFFICER})


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


@dataclass(frozen=True, kw_only=True)
class IncidentCommand(Command):
    """A command about one incident."""

    incident_id: UUID


@dataclass(frozen=True, kw_only=True)
class VolunteerCommand(Command):
    """A command about one volunteer."""

    volunteer_id: UUID


@dataclass(frozen=True, kw_only=True)
class PremisesCommand(Command):
    """A command about one premises."""

    premises_id: UUID
