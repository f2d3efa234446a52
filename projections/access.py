"""Who may see which view: one rule for every way out, live, over HTTP and in replay.

Views not named here are for every signed-in role but owners. An owner sees no
view whole: only their own premises' hazards and reminders, through the owner's
page (`owner_rows`). Later rules (a volunteer's own channel) belong here too, so
that no edge decides on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.base import Row

# Views only some roles may see, and which.
ONLY: dict[str, frozenset[Role]] = {
    # Who holds which token: the command centre's business alone.
    "credentials": frozenset({Role.COMMANDER}),
    # Enrolments made for volunteers' phones (never their codes).
    "enrolments": frozenset({Role.COMMANDER}),
    # Each volunteer's own picture: their phone's, by /ws/me (projections/mine.py).
    "mine": frozenset({Role.VOLUNTEER}),
    # Everyone's positions and tracks, and the roster of people: not a phone's
    # business (a volunteer's token gets what they need from /ws/me).
    # The programme office keeps the volunteers' records: it reads the roster.
    "map": frozenset({Role.COMMANDER, Role.OBSERVER}),
    "roster": frozenset({Role.COMMANDER, Role.OBSERVER, Role.OFFICER}),
    # The owners' outbox and the volunteers' points: the command centre and the
    # programme office.
    "reminders": frozenset({Role.COMMANDER, Role.OFFICER}),
    "points": frozenset({Role.COMMANDER, Role.OFFICER}),
    # Every incident's whole story, messages and who did what: the command centre's
    # (a phone gets its own incidents' from /ws/me).
    "timeline": frozenset({Role.COMMANDER, Role.OBSERVER}),
}
# Roles that see no view whole.
NO_VIEWS = frozenset({Role.OWNER})

# The code a refusal carries (HTTP 403; close code 4403 on a socket).
NOT_ALLOWED = "view_not_allowed"


def may_see(role: Role, view: str) -> bool:
    if role in NO_VIEWS:
        return False
    allowed = ONLY.get(view)
    return allowed is None or role in allowed


def owner_rows(premises_id: str, rows: Iterable[Row]) -> list[Row]:
    """The rows (hazards, reminders) of one premises: what its owner may see."""
    return [row for row in rows if row.get("premises_id") == premises_id]


def hidden(role: Role, views: Iterable[str]) -> list[str]:
    """The views among these that this role may not see, in order."""
    return [view for view in views if not may_see(role, view)]


def refusal(role: Role, views: Iterable[str]) -> str:
    """What to tell someone asking for views they may not see."""
    return f"the {role.value} role may not see: {', '.join(hidden(role, views))}"
