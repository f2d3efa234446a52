"""Who may see which view: one rule for every way out, live, over HTTP and in replay.

Views not named here are for every signed-in role. Later rules (a volunteer's
own channel, an owner's premises) belong here too, so that no edge decides
on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterable

# Views only some roles may see, and which.
ONLY: dict[str, frozenset[Role]] = {
    # Who holds which token: the command centre's business alone.
    "credentials": frozenset({Role.COMMANDER}),
    # Which TAK device speaks for which volunteer (gateway/tak/).
    "devices": frozenset({Role.COMMANDER}),
}

# The code a refusal carries (HTTP 403; close code 4403 on a socket).
NOT_ALLOWED = "view_not_allowed"


def may_see(role: Role, view: str) -> bool:
    allowed = ONLY.get(view)
    return allowed is None or role in allowed


def hidden(role: Role, views: Iterable[str]) -> list[str]:
    """The views among these that this role may not see, in order."""
    return [view for view in views if not may_see(role, view)]


def refusal(role: Role, views: Iterable[str]) -> str:
    """What to tell someone asking for views they may not see."""
    return f"the {role.value} role may not see: {', '.join(hidden(role, views))}"
