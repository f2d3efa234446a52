"""The write path asks the store once for an aggregate that is not there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commands as c
from domain.model.catalogue import CATALOGUE_ID

if TYPE_CHECKING:
    from uuid import UUID

    import pytest
    from support import Scenario

    from domain.application import Brigade


def test_the_catalogue_no_office_has_changed_is_looked_for_once_not_per_dispatch(
    story: Scenario, brigade: Brigade, monkeypatch: pytest.MonkeyPatch
) -> None:
    operation = story.operation()
    people = [story.ready_volunteer(f"Volunteer {n}") for n in range(3)]
    asked: list[UUID] = []
    load = brigade.load

    def counted(aggregate_id: UUID) -> object:
        asked.append(aggregate_id)
        return load(aggregate_id)

    monkeypatch.setattr(brigade, "load", counted)
    for person in people:  # each in a batch of its own
        incident = story.incident(operation)
        story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=person)

    assert asked.count(CATALOGUE_ID) <= 1

    # Once the office changes it, the catalogue is stored, and dispatches read it.
    story.ok(c.DefineCourse, course="boat-handling", title="Boat handling")
    assert load(CATALOGUE_ID) is not None
    incident, fresh = story.incident(operation), story.ready_volunteer("Volunteer 3")
    story.ok(c.DispatchVolunteer, incident_id=incident, volunteer_id=fresh)
