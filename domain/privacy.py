"""Personal data: which fields hold it, and what stands in for it once erased.

An event class (or an aggregate, for its snapshots) names its personal fields in
`personal`, each with the value it reads as after its person is erased. The
store seals those fields with the person's own key (`domain.store.sealing`);
erasing the person deletes the key, so every later read, rebuild and replay
finds the marker instead. The person is the aggregate the event belongs to: a
volunteer, a premises (its owner) or an entry of the vulnerable-people register.
"""

from __future__ import annotations

from typing import Any

# What a personal text field reads as once its person is erased.
ERASED = "erased"


def personal_fields(cls: type) -> dict[str, Any]:
    """The personal fields of an event or aggregate class, with their erased values."""
    found: dict[str, Any] = getattr(cls, "personal", {})
    return found


def is_erased(value: object) -> bool:
    return value == ERASED


def erases_person(event_class: type) -> bool:
    """Whether events of this class erase their originator's personal data."""
    return bool(getattr(event_class, "erases_person", False))
