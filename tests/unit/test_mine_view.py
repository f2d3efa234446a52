"""The mine view: each volunteer's own rows, and what becomes of an assignment.

Events straight from the aggregates, folded with every other view, as the
follower folds them: no store, no clock.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from support import flood, provenance

from domain.model.base import Provenance
from domain.model.enrolment import Enrolment
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer
from domain.types import Role
from projections import access, mine
from projections.catalog import all_views, fold


class World:
    """Aggregates whose events are folded into fresh views, in order."""

    def __init__(self) -> None:
        self.views = all_views()
        self.position = 0
        self.operation = Operation.open(
            uuid4(), "Doksuri", "typhoon", None, provenance()
        )
        self.fold(self.operation)

    def fold(self, *aggregates: Any) -> list[Any]:
        events = [e for a in aggregates for e in a.collect_events()]
        numbered = list(enumerate(events, start=self.position + 1))
        self.position += len(events)
        return fold(self.views, numbered)

    def person(self, name: str) -> Volunteer:
        found = Volunteer.register(
            uuid4(), name=name, contact="+86 139", community="", domains=[],
            p=provenance(),
        )  # fmt: skip
        found.start_shift(self.operation.id, provenance())
        self.fold(found)
        return found

    def rows(self, person: Volunteer) -> dict[str, Any]:
        own = mine.prefix(str(person.id))
        rows = self.views["mine"].rows
        return {mine.wire_key(k): r for k, r in rows.items() if mine.owns(k, own)}


def by_commander(minutes: int = 0) -> Provenance:
    p = provenance(minutes)
    return Provenance(p.occurred_at, "commander:duty officer", p.command_id)


def test_a_volunteer_sees_their_assignment_with_teammates_by_name_only() -> None:
    world = World()
    xu, lin = world.person("Xu Ming"), world.person("Lin Hui")
    incident = flood(world.operation.id)
    incident.dispatch(lin.id, "", provenance(1))
    incident.dispatch(xu.id, "bring rope", provenance(2))
    incident.post_message("pump on its way", by_commander(3))
    incident.answer_dispatch(xu.id, "coming", 12, "", provenance(4))
    changes = world.fold(incident)

    row = world.rows(xu)[f"assignment:{incident.id}"]
    assert row["team"] == [{"name": "Lin Hui", "state": "dispatched"}]
    assert (row["state"], row["note"], row["answer"]["eta_minutes"]) == (
        "dispatched",
        "bring rope",
        12,
    )
    assert row["messages"] == [
        {
            "at": provenance(3).occurred_at.isoformat(),
            "from": "duty officer",
            "role": "commander",
            "mine": False,
            "text": "pump on its way",
        }
    ]
    # Lin's row does not carry Xu's answer; the board carries both ways.
    assert world.rows(lin)[f"assignment:{incident.id}"]["answer"] is None
    assert world.views["board"].rows[str(incident.id)]["answers"][str(xu.id)][
        "answer"
    ] == ("coming")
    # Every change to a volunteer's rows is keyed under their id.
    keys = {c.key for c in changes if c.view == "mine"}
    assert keys == {
        f"{xu.id}/assignment:{incident.id}",
        f"{lin.id}/assignment:{incident.id}",
        f"{xu.id}/me",
        f"{lin.id}/me",
    }


def test_resolved_released_and_closed_assignments() -> None:
    world = World()
    xu, lin = world.person("Xu Ming"), world.person("Lin Hui")
    incident = flood(world.operation.id)
    incident.dispatch(xu.id, "", provenance(1))
    incident.dispatch(lin.id, "", provenance(1))
    incident.release(lin.id, "tired", provenance(2))
    incident.resolve("all safe", provenance(3))
    world.fold(incident)
    assert world.rows(xu)[f"assignment:{incident.id}"]["state"] == "resolved"
    assert world.rows(xu)[f"assignment:{incident.id}"]["outcome"] == "all safe"
    lins = world.rows(lin)[f"assignment:{incident.id}"]
    assert (lins["state"], lins["released"]["reason"]) == ("released", "tired")
    assert world.rows(xu)["me"]["status"] == "available"

    incident.close(provenance(4))
    changes = world.fold(incident)
    assert f"assignment:{incident.id}" not in world.rows(xu)
    removed = [c for c in changes if c.view == "mine" and c.row is None]
    assert {c.key for c in removed} == {
        f"{xu.id}/assignment:{incident.id}",
        f"{lin.id}/assignment:{incident.id}",
    }


def test_only_the_last_five_finished_assignments_stay_as_notices() -> None:
    world = World()
    xu = world.person("Xu Ming")
    incidents = []
    for n in range(7):
        incident = flood(world.operation.id)
        incident.dispatch(xu.id, "", provenance(n))
        incident.release(xu.id, "", provenance(n))
        world.fold(incident)
        incidents.append(incident)
    kept = {k for k in world.rows(xu) if k.startswith("assignment:")}
    assert kept == {f"assignment:{i.id}" for i in incidents[2:]}


def test_broadcasts_reach_those_on_shift_in_the_operation() -> None:
    world = World()
    on, off = world.person("On Shift"), world.person("Off Shift")
    off.end_shift(provenance(1))
    world.fold(off)
    world.operation.broadcast("levee breached", by_commander(2))
    world.fold(world.operation)
    assert [i["text"] for i in world.rows(on)["broadcasts"]["items"]] == [
        "levee breached"
    ]
    assert world.rows(off)["broadcasts"]["items"] == []
    # Starting a shift in it later shows the operation's recent broadcasts.
    off.start_shift(world.operation.id, provenance(3))
    world.fold(off)
    assert world.rows(off)["broadcasts"]["items"][0]["from"] == "duty officer"


def test_enrolments_are_listed_without_codes() -> None:
    world = World()
    xu = world.person("Xu Ming")
    made = Enrolment.create(uuid4(), xu.id, provenance(15).occurred_at, by_commander())
    made.redeem(uuid4(), provenance(1))
    world.fold(made)
    row = world.views["enrolments"].rows[str(made.id)]
    assert row["volunteer_id"] == str(xu.id) and row["redeemed_at"] is not None
    assert set(row) == {
        "enrolment_id", "volunteer_id", "created_at", "created_by", "expires_at",
        "redeemed_at", "token_id", "cancelled_at",
    }  # fmt: skip


def test_a_volunteer_sees_no_ones_positions_tracks_or_roster() -> None:
    for view in ("map", "roster", "credentials", "enrolments"):
        assert not access.may_see(Role.VOLUNTEER, view)
    for view in ("map", "roster"):
        assert access.may_see(Role.COMMANDER, view)
        assert access.may_see(Role.OBSERVER, view)
    assert access.may_see(Role.VOLUNTEER, "mine")
    assert not access.may_see(Role.COMMANDER, "mine")


def by_volunteer(person: Volunteer, minutes: int = 0) -> Provenance:
    p = provenance(minutes)
    return Provenance(p.occurred_at, f"volunteer:{person.id}", p.command_id)


def sos(world: World, person: Volunteer, minutes: int = 0) -> Incident:
    return Incident.report(
        uuid4(), world.operation.id, kind="other", lat=24.9, lon=118.6, address="",
        severity=5, description="SOS: from a volunteer's phone",
        p=by_volunteer(person, minutes),
    )  # fmt: skip


def test_the_reporter_sees_who_is_coming_and_hears_the_command_centre() -> None:
    world = World()
    xu, lin, wang = (
        world.person("Xu Ming"),
        world.person("Lin Hui"),
        world.person("Wang"),
    )
    incident = sos(world, xu)
    world.fold(incident)
    key = f"report:{incident.id}"
    row = world.rows(xu)[key]
    assert (row["incident_status"], row["sent"], row["severity"]) == ("reported", [], 5)
    assert row["sos"] is True

    incident.dispatch(lin.id, "", provenance(1))
    incident.dispatch(wang.id, "", provenance(1))
    incident.answer_dispatch(lin.id, "coming", 8, "", provenance(2))
    incident.answer_dispatch(wang.id, "not_coming", None, "road flooded", provenance(2))
    incident.post_message("Lin is coming, stay on the roof", by_commander(3))
    incident.post_message("roof, north side", by_volunteer(xu, 4))
    changed = world.fold(incident)

    row = world.rows(xu)[key]
    assert row["incident_status"] == "dispatched"
    assert [
        (s["name"], s["state"], s["answer"], s["eta_minutes"]) for s in row["sent"]
    ] == [
        ("Lin Hui", "dispatched", "coming", 8),
        ("Wang", "dispatched", "not_coming", None),
    ]
    assert [(m["from"], m["mine"], m["text"]) for m in row["messages"]] == [
        ("duty officer", False, "Lin is coming, stay on the roof"),
        ("Xu Ming", True, "roof, north side"),
    ]
    assert any(change.key == f"{xu.id}/{key}" for change in changed)
    # Only the reporter has it; those sent have their assignment instead.
    assert key not in world.rows(lin) and f"assignment:{incident.id}" in world.rows(lin)

    incident.arrive(lin.id, provenance(5))
    incident.resolve("rescued", provenance(6))
    world.fold(incident)
    row = world.rows(xu)[key]
    assert (row["incident_status"], row["outcome"]) == ("resolved", "rescued")
    incident.close(provenance(7))
    world.fold(incident)
    assert key not in world.rows(xu)


def test_a_reporter_keeps_the_last_five_reports_and_commanders_have_none() -> None:
    world = World()
    xu = world.person("Xu Ming")
    reports = [sos(world, xu, minutes) for minutes in range(7)]
    world.fold(*reports)
    kept = sorted(k for k in world.rows(xu) if k.startswith("report:"))
    assert kept == sorted(f"report:{r.id}" for r in reports[2:])
    world.fold(flood(world.operation.id))  # reported by "test", no volunteer
    assert len([k for k in world.rows(xu) if k.startswith("report:")]) == 5
