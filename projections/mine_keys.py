"""How a volunteer's own rows are keyed, and whose words a phone reads."""

from __future__ import annotations


def prefix(volunteer_id: str) -> str:
    return f"{volunteer_id}/"


def owns(row_key: str, volunteer_prefix: str) -> bool:
    return row_key.startswith(volunteer_prefix)


def wire_key(row_key: str) -> str:
    """The key a phone sees: the row's own, without the volunteer's id."""
    return row_key.partition("/")[2]


def speaker(actor: str, names: dict[str, str]) -> tuple[str, str]:
    """(role, name) of an event's actor: a volunteer by name, others as they signed."""
    role, _, who = actor.partition(":")
    if role == "volunteer":
        return role, names.get(who, "volunteer")
    return role, who or role
