"""Service activity: publicity, drills, patrols, hornet nests and the like."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import ActivityKind

if TYPE_CHECKING:
    from uuid import UUID

MAX_PARTICIPANTS = 500


class ServiceActivity(BrigadeAggregate):
    class Logged(BrigadeAggregate.Created):
        operation_id: UUID
        kind: str
        participants: list[UUID]
        # Hours each participant served.
        hours: float
        lat: float | None
        lon: float | None
        note: str

    @classmethod
    def log(
        cls,
        activity_id: UUID,
        operation_id: UUID,
        *,
        kind: str,
        participants: list[UUID],
        hours: float,
        lat: float | None,
        lon: float | None,
        note: str,
        p: Provenance,
    ) -> ServiceActivity:
        if not participants or len(participants) > MAX_PARTICIPANTS:
            raise checks.invalid(
                f"an activity needs 1 to {MAX_PARTICIPANTS} participants"
            )
        if len(set(participants)) != len(participants):
            raise checks.invalid("participants must not repeat")
        if (lat is None) != (lon is None):
            raise checks.invalid("a location needs both latitude and longitude")
        return cls._create(
            cls.Logged,
            id=activity_id,
            operation_id=operation_id,
            kind=checks.choice("kind", kind, ActivityKind).value,
            participants=list(participants),
            hours=checks.number("hours", hours, 0.25, 24),
            lat=None if lat is None else checks.latitude(lat),
            lon=None if lon is None else checks.longitude(lon),
            note=checks.text("note", note, required=False),
            **p.as_kwargs(),
        )
