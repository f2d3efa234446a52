"""How a volunteer's own rows are keyed, and whose words a phone reads."""

from __future__ import annotations

from typing import Any

from domain.types import IncidentStatus


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


def messages_for(
    names: dict[str, str], vid: str, messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """An incident's messages as this volunteer's phone shows them."""
    mine = f"volunteer:{vid}"
    shown = []
    for message in messages:
        role, name = speaker(message["actor"], names)
        shown.append(
            {
                "at": message["at"],
                "from": name,
                "role": role,
                "mine": message["actor"] == mine,
                "text": message["text"],
            }
        )
    return shown


def incident_status(incident: dict[str, Any]) -> str:
    """An incident's status from what the mine view keeps of it."""
    if incident["resolved"]:
        return IncidentStatus.RESOLVED.value
    states = set(incident["team"].values())
    if "on_scene" in states:
        return IncidentStatus.ON_SCENE.value
    if states:
        return IncidentStatus.DISPATCHED.value
    return IncidentStatus.REPORTED.value
