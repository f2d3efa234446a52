"""Risk warnings (风险预警), in CAP 1.2's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime  # noqa: TC003 (the gateway reads these types at run time)
from uuid import UUID  # noqa: TC003

from domain.commands.base import (
    Command,
)
from domain.types import LonLat  # noqa: TC001

# Risk warnings (风险预警), in CAP 1.2's words (domain/model/warning.py)


@dataclass(frozen=True, kw_only=True)
class IssueWarning(Command):
    """Warn of a risk in an area until an expiry; a polygon or a circle."""

    warning_id: UUID | None = None
    operation_id: UUID
    event: str
    category: str
    urgency: str
    severity: str
    certainty: str
    area_desc: str
    polygon: list[LonLat] | None = None
    # [longitude, latitude, radius in km]
    circle: list[float] | None = None
    # Text by language: {"zh": ..., "en": ...}
    headline: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    instruction: dict[str, str] = field(default_factory=dict)
    onset: datetime | None = None
    expiry: datetime
    # An outside alert taken in: {"sender", "identifier", "sent"}.
    source: dict[str, str] | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateWarning(Command):
    """Change a warning: the fields given replace theirs (a new area replaces both)."""

    warning_id: UUID
    event: str | None = None
    category: str | None = None
    urgency: str | None = None
    severity: str | None = None
    certainty: str | None = None
    area_desc: str | None = None
    polygon: list[LonLat] | None = None
    circle: list[float] | None = None
    headline: dict[str, str] | None = None
    description: dict[str, str] | None = None
    instruction: dict[str, str] | None = None
    onset: datetime | None = None
    expiry: datetime | None = None
    source: dict[str, str] | None = None


@dataclass(frozen=True, kw_only=True)
class CancelWarning(Command):
    warning_id: UUID
    reason: str = ""
    source: dict[str, str] | None = None
