"""Warnings and check-on rounds on a volunteer's phone: their rows in mine.

Events straight from the aggregates, folded as the follower folds them; the same
events folded at once (a rebuild) give the same rows.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from support import LANDFALL, provenance

from domain.model.checkround import CheckRound
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer
from domain.model.vulnerable import Vulnerable
from domain.model.warning import RiskWarning
from projections import mine
from projections.catalog import all_views, fold

# A square over Luojiang (118.55-118.65 E, 24.85-24.95 N).
SQUARE = [[118.55, 24.85], [118.65, 24.85], [118.65, 24.95], [118.55, 24.95]]


def content(severity: str = "Minor", hours: int = 6) -> dict[str, Any]:
    return {
        "event": "Typhoon", "category": "Met", "urgency": "Expected",
        "severity": severity, "certainty": "Likely", "area_desc": "Luojiang",
        "polygon": [*SQUARE, SQUARE[0]], "circle": None,
        "headline": {"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
        "description": {"en": "gales"},
        "instruction": {"zh": "加固门窗", "en": "Stay in"},
        "onset": None, "expiry": LANDFALL + timedelta(hours=hours),
    }  # fmt: skip


class World:
    def __init__(self) -> None:
        self.views = all_views()
        self.events: list[Any] = []
        self.operation = Operation.open(
            uuid4(), "Doksuri", "typhoon", None, provenance()
        )
        self.fold(self.operation)

    def fold(self, *aggregates: Any) -> list[Any]:
        events = [e for a in aggregates for e in a.collect_events()]
        numbered = list(enumerate(events, start=len(self.events) + 1))
        self.events.extend(events)
        return fold(self.views, numbered)

    def warnings(self, person: Volunteer, views: Any = None) -> dict[str, Any]:
        rows = (views or self.views)["mine"].rows
        found: dict[str, Any] = rows[mine.prefix(str(person.id)) + "warnings"]
        return found

    def person(self, name: str) -> Volunteer:
        found = Volunteer.register(
            uuid4(),
            name=name,
            contact="+86 139",
            community="",
            domains=[],
            p=provenance(),
        )
        found.start_shift(self.operation.id, provenance())
        self.fold(found)
        return found


def move(person: Volunteer, lon: float, lat: float, minutes: int) -> None:
    person.report_position(
        lat=lat, lon=lon, accuracy=5.0, heading=None, speed=None, p=provenance(minutes)
    )


def test_a_warning_reaches_those_on_shift_and_is_gone_when_cancelled() -> None:
    world = World()
    xu, lin = world.person("Xu Ming"), world.person("Lin Hui")
    lin.end_shift(provenance(1))
    world.fold(lin)
    warning = RiskWarning.issue(
        uuid4(), world.operation.id, content=content(), source=None, p=provenance(2)
    )
    world.fold(warning)
    row = world.warnings(xu)
    assert row["by"] == "operation"
    [item] = row["items"]
    assert (item["id"], item["level"], item["instruction"]["en"]) == (
        str(warning.id), "blue", "Stay in",
    )  # fmt: skip
    assert "polygon" not in item
    assert world.warnings(lin)["items"] == []

    warning.update({"severity": "Severe"}, None, provenance(3))
    world.fold(warning)
    [item] = world.warnings(xu)["items"]
    assert (item["level"], item["revision"]) == ("orange", 2)

    warning.cancel("passed", None, provenance(4))
    world.fold(warning)
    assert world.warnings(xu)["items"] == []


def test_a_reported_position_narrows_warnings_to_those_over_it() -> None:
    world = World()
    xu = world.person("Xu Ming")
    here = RiskWarning.issue(
        uuid4(), world.operation.id, content=content(), source=None, p=provenance(1)
    )
    elsewhere = content("Extreme")
    elsewhere["polygon"], elsewhere["circle"] = None, [119.5, 25.5, 5.0]
    there = RiskWarning.issue(
        uuid4(), world.operation.id, content=elsewhere, source=None, p=provenance(1)
    )
    world.fold(here, there)
    # No position yet: all of the operation's, red first.
    assert [w["id"] for w in world.warnings(xu)["items"]] == [
        str(there.id),
        str(here.id),
    ]
    move(xu, 118.6, 24.9, 2)
    changes = world.fold(xu)
    row = world.warnings(xu)
    assert (row["by"], [w["id"] for w in row["items"]]) == ("position", [str(here.id)])
    # Moving within the same warnings sends the phone nothing new.
    move(xu, 118.61, 24.91, 3)
    changes = world.fold(xu)
    assert not [c for c in changes if c.view == "mine" and c.key.endswith("warnings")]
    move(xu, 119.5, 25.5, 4)
    world.fold(xu)
    assert [w["id"] for w in world.warnings(xu)["items"]] == [str(there.id)]


def test_an_expired_warning_leaves_the_phone_in_field_time_and_replay_agrees() -> None:
    world = World()
    xu = world.person("Xu Ming")
    warning = RiskWarning.issue(
        uuid4(), world.operation.id, content=content(hours=1), source=None,
        p=provenance(1),
    )  # fmt: skip
    world.fold(warning)
    assert len(world.warnings(xu)["items"]) == 1
    move(xu, 118.6, 24.9, 61)  # an event past the expiry moves field time on
    world.fold(xu)
    assert world.warnings(xu)["items"] == []

    rebuilt = all_views()
    fold(rebuilt, list(enumerate(world.events, start=1)))
    assert rebuilt["mine"].rows == world.views["mine"].rows


def test_a_round_is_its_volunteers_row_and_a_rebuild_agrees() -> None:
    world = World()
    chen, wu = world.person("Chen Wei"), world.person("Wu Min")
    elder = Vulnerable.register(
        uuid4(), kind="elderly_alone", area="Qiaonan", lat=24.91, lon=118.59,
        address="3 Lane", name="Zheng Meilan", contact="+86 595", needs="wheelchair",
        people=2, risk=5, consent=True, consent_note="", p=provenance(1),
    )  # fmt: skip
    round_ = CheckRound.start(
        uuid4(), world.operation.id, "Qiaonan", [chen.id], provenance(2)
    )
    world.fold(elder, round_)
    key = f"{chen.id}/round:{round_.id}"
    [entry] = world.views["mine"].rows[key]["entries"]
    assert (entry["name"], entry["outcome"]) == ("Zheng Meilan", None)
    assert not [k for k in world.views["mine"].rows if k.startswith(f"{wu.id}/round")]
    round_.record(
        elder.id, "evacuated", count=2, destination="school", note="",
        incident_id=None, p=provenance(3),
    )  # fmt: skip
    world.fold(round_)
    row = world.views["mine"].rows[key]
    assert (row["left"], row["entries"][0]["count"]) == (0, 2)
    # Erased: the phone's copy reads as the register does.
    elder.erase("asked to be forgotten", provenance(4))
    world.fold(elder)
    [entry] = world.views["mine"].rows[key]["entries"]
    assert entry["name"] == world.views["register"].rows[str(elder.id)]["name"]
    assert "Zheng" not in str(entry) and "wheelchair" not in str(entry)

    rebuilt = all_views()
    fold(rebuilt, list(enumerate(world.events, start=1)))
    assert rebuilt["mine"].rows == world.views["mine"].rows
