"""Who may see which view: one rule for every way out, live, over HTTP and in replay.

Views not named here are for every signed-in role but owners. An owner sees no
view whole: only their own premises' hazards and reminders, through the owner's
page (`owner_rows`). Later rules (a volunteer's own channel) belong here too, so
that no edge decides on its own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

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
    # Who is vulnerable and where: whole to the command centre; a volunteer gets
    # only the rows they need (`by_need` below); observers get `register_areas`.
    "register": frozenset({Role.COMMANDER}),
    "checkons": frozenset({Role.COMMANDER}),
    # Every incident's whole story, messages and who did what: the command centre's
    # (a phone gets its own incidents' from /ws/me).
    "timeline": frozenset({Role.COMMANDER, Role.OBSERVER}),
    # Which TAK device speaks for which volunteer (gateway/tak/).
    "devices": frozenset({Role.COMMANDER}),
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


# By need: a view a role may not see whole, of which it gets the rows it needs.
# Never on a live socket (those send views whole): over HTTP, per request.
BY_NEED: dict[str, frozenset[Role]] = {
    "register": frozenset({Role.VOLUNTEER}),
    "checkons": frozenset({Role.VOLUNTEER}),
}

# The views `by_need` decides from.
NEEDS = ("board", "checkons", "register")

# How near an incident (metres) a dispatched volunteer sees register entries.
NEAR_INCIDENT_M = 500.0


def may_see_by_need(role: Role, view: str) -> bool:
    return role in BY_NEED.get(view, frozenset())


def by_need(
    view: str, volunteer_id: str, views: Mapping[str, Mapping[str, Row]]
) -> dict[str, Row]:
    """The rows of `view` a volunteer needs, from the views as they stand.

    `checkons`: the rounds they are on. `register`: the entries of those rounds'
    areas, and those within NEAR_INCIDENT_M of an incident they are dispatched to
    and that is not yet resolved. Pure, so live and replay decide alike.
    """
    rounds = {
        key: row
        for key, row in views["checkons"].items()
        if volunteer_id in row["volunteers"]
    }
    if view == "checkons":
        return rounds
    areas = {row["area"] for row in rounds.values()}
    near = [
        (row["lat"], row["lon"])
        for row in views["board"].values()
        if volunteer_id in row["dispatched"]
        and row["status"] not in ("resolved", "closed")
    ]
    return {
        key: row
        for key, row in views["register"].items()
        if row["area"] in areas
        or (
            row["lat"] is not None
            and any(
                metres(row["lat"], row["lon"], lat, lon) <= NEAR_INCIDENT_M
                for lat, lon in near
            )
        )
    }


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points (haversine, mean earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(math.sqrt(a))
