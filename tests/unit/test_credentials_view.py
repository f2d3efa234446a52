"""The credentials view: every token issued and revoked, and no clock moved by them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from support import LANDFALL, provenance

from domain.model.base import Provenance
from domain.model.credential import Credential
from domain.model.operation import Operation
from domain.types import Role
from projections import access
from projections.catalog import all_views, fold

TODAY = datetime(2026, 12, 15, 9, 30, tzinfo=UTC)


def at(moment: datetime) -> Provenance:
    return Provenance(
        occurred_at=moment, actor="commander:duty-officer", command_id=uuid4()
    )


def test_tokens_are_rows_by_id_and_move_no_field_clock() -> None:
    # Given a storm replayed from 2023, and a token issued and revoked today
    storm = Operation.open(uuid4(), "Doksuri", "typhoon", None, provenance())
    token = Credential.issue(
        uuid4(), Role.OBSERVER, "wall", "wall", TODAY + timedelta(days=90), at(TODAY)
    )
    token.revoke("screen stolen", at(TODAY + timedelta(hours=1)))
    events = [*storm.collect_events(), *token.collect_events()]
    views = all_views()

    changes = fold(views, list(enumerate(events, start=1)))

    row = views["credentials"].rows[str(token.id)]
    assert row == {
        "id": str(token.id),
        "role": "observer",
        "subject": "wall",
        "name": "wall",
        "issued_at": TODAY.isoformat(),
        "issued_by": "commander:duty-officer",
        "expires_at": (TODAY + timedelta(days=90)).isoformat(),
        "revoked_at": (TODAY + timedelta(hours=1)).isoformat(),
        "revoked_by": "commander:duty-officer",
        "reason": "screen stolen",
    }
    assert [c.position for c in changes if c.view == "credentials"] == [2, 3]
    # The views' field clock is still the storm's: today's office work is no field
    # time (else every policy would read as expired, every hazard as overdue).
    assert {view.as_of for view in views.values()} == {LANDFALL}


def test_only_commanders_may_see_the_credentials_view() -> None:
    assert access.may_see(Role.COMMANDER, "credentials")
    assert not access.may_see(Role.OBSERVER, "credentials")
    assert not access.may_see(Role.VOLUNTEER, "credentials")
    assert access.hidden(Role.OBSERVER, ["board", "credentials"]) == ["credentials"]
    # Every role sees the board but owners, who see only their premises.
    assert [r for r in Role if not access.may_see(r, "board")] == [Role.OWNER]
