"""Enrolments: the one-time codes made for volunteers' phones, and what became of them.

Never the codes themselves (the log has none): who made one, for whom, until
when, and whether it was used (with the token it gave) or withdrawn. Commanders
only (projections/access.py), over `GET /enrolments`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.model.enrolment import Enrolment
from projections.base import View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable


class Enrolments(View):
    """Rows by enrolment id."""

    name = "enrolments"

    @handles(Enrolment.Created)
    def _created(self, e: Enrolment.Created) -> Iterable[str]:
        enrolment_id = key(e.originator_id)
        self.rows[enrolment_id] = {
            "enrolment_id": enrolment_id,
            "volunteer_id": key(e.volunteer_id),
            "created_at": iso(e.occurred_at),
            "created_by": e.actor,
            "expires_at": iso(e.expires_at),
            "redeemed_at": None,
            "token_id": None,
            "cancelled_at": None,
        }
        return [enrolment_id]

    @handles(Enrolment.Redeemed)
    def _redeemed(self, e: Enrolment.Redeemed) -> Iterable[str]:
        enrolment_id = key(e.originator_id)
        self.rows[enrolment_id].update(
            redeemed_at=iso(e.occurred_at), token_id=key(e.token_id)
        )
        return [enrolment_id]

    @handles(Enrolment.Cancelled)
    def _cancelled(self, e: Enrolment.Cancelled) -> Iterable[str]:
        enrolment_id = key(e.originator_id)
        self.rows[enrolment_id]["cancelled_at"] = iso(e.occurred_at)
        return [enrolment_id]
