"""CheckRound: in an operation, volunteers check on every register entry of an area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain.errors import Code, Conflict, Forbidden
from domain.model.base import BrigadeAggregate, Provenance
from domain.types import CheckOutcome

if TYPE_CHECKING:
    from uuid import UUID

MAX_ROUND_VOLUNTEERS = 100


class CheckRound(BrigadeAggregate):
    class Started(BrigadeAggregate.Created):
        operation_id: UUID
        area: str
        volunteers: list[UUID]

        def apply(self, round_: CheckRound) -> None:
            round_.operation_id, round_.area = self.operation_id, self.area
            round_.volunteers = list(self.volunteers)

    class EntryChecked(BrigadeAggregate.Event):
        entry_id: UUID
        operation_id: UUID
        outcome: str
        # Evacuated: people moved and where to (they count as the operation's).
        count: int
        destination: str
        note: str
        # Needs help: the incident reported there.
        incident_id: UUID | None

        def apply(self, round_: CheckRound) -> None:
            round_.checked[self.entry_id.hex] = self.outcome

    operation_id: UUID
    area: str
    volunteers: list[UUID]
    checked: dict[str, str]

    def __init__(self) -> None:
        self.checked = {}

    @classmethod
    def start(
        cls,
        round_id: UUID,
        operation_id: UUID,
        area: str,
        volunteers: list[UUID],
        p: Provenance,
    ) -> CheckRound:
        if (
            not isinstance(volunteers, list)
            or not 1 <= len(volunteers) <= MAX_ROUND_VOLUNTEERS
        ):
            raise checks.invalid(
                f"a round needs 1 to {MAX_ROUND_VOLUNTEERS} volunteer ids"
            )
        return cls._create(
            cls.Started,
            id=round_id,
            operation_id=operation_id,
            area=checks.text("area", area, limit=checks.MAX_NAME),
            volunteers=sorted(set(volunteers)),
            **p.as_kwargs(),
        )

    def require_on_round(self, volunteer_id: UUID | None) -> None:
        """A volunteer records checks only on a round they were given."""
        if volunteer_id is not None and volunteer_id not in self.volunteers:
            raise Forbidden(Code.NOT_ON_ROUND, "you are not on this check-on round")

    def record(
        self,
        entry_id: UUID,
        outcome: str,
        *,
        count: int,
        destination: str,
        note: str,
        incident_id: UUID | None,
        p: Provenance,
    ) -> None:
        chosen = checks.choice("outcome", outcome, CheckOutcome)
        if chosen is CheckOutcome.EVACUATED:
            count = checks.whole("count", count, 1, checks.MAX_EVACUATED)
            destination = checks.text("destination", destination, limit=checks.MAX_NAME)
        elif count != 0 or destination != "":
            raise checks.invalid("only an evacuation has a count and a destination")
        if self.checked.get(entry_id.hex) == CheckOutcome.EVACUATED:
            raise Conflict(
                Code.ALREADY_EXISTS, "this entry was already evacuated on this round"
            )
        self.trigger_event(
            self.EntryChecked,
            entry_id=entry_id,
            operation_id=self.operation_id,
            outcome=chosen.value,
            count=count,
            destination=destination,
            note=checks.text("note", note, required=False),
            incident_id=incident_id,
            **p.as_kwargs(),
        )
