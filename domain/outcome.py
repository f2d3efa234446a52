"""What a command's sender learns: accepted, with its events' positions, or why not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from domain.errors import DomainError


@dataclass(frozen=True)
class Rejection:
    code: str
    message: str
    kind: str

    @classmethod
    def of(cls, error: DomainError) -> Rejection:
        return cls(code=error.code.value, message=error.message, kind=error.kind)


@dataclass(frozen=True)
class Outcome:
    """The result of one command; `replayed` when recorded earlier (a retry)."""

    command_id: UUID
    positions: tuple[int, ...] = ()
    result: Mapping[str, str] = field(default_factory=dict)
    rejection: Rejection | None = None
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.rejection is None

    @property
    def position(self) -> int | None:
        """The store position once this command's events are durable, if it has any."""
        return max(self.positions) if self.positions else None
