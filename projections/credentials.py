"""Credentials: every token issued, whom it names, until when, and if revoked.

What `brigade token list` shows and what each gateway checks a token against,
so a revocation written by any process reaches every process that follows the
store. Whether a token has expired is judged against a clock by the reader:
the view, like every view, knows only the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.model.credential import Credential
from projections.base import View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable


class Credentials(View):
    """Rows by token id; commanders only may see them (projections/access.py)."""

    name = "credentials"

    @handles(Credential.Issued)
    def _issued(self, e: Credential.Issued) -> Iterable[str]:
        token_id = key(e.originator_id)
        self.rows[token_id] = {
            "id": token_id,
            "role": e.role,
            "subject": e.subject,
            "name": e.name,
            "issued_at": iso(e.occurred_at),
            "issued_by": e.actor,
            "expires_at": iso(e.expires_at),
            "revoked_at": None,
            "revoked_by": None,
            "reason": "",
        }
        return [token_id]

    @handles(Credential.Revoked)
    def _revoked(self, e: Credential.Revoked) -> Iterable[str]:
        token_id = key(e.originator_id)
        self.rows[token_id].update(
            revoked_at=iso(e.occurred_at), revoked_by=e.actor, reason=e.reason
        )
        return [token_id]
