"""The views the owners and the office read: escalation by field time, points by
the documented rule, the catalogue in the roster's judgement, the office's lists."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from support import LANDFALL

from domain.model.activity import ServiceActivity
from domain.model.base import Provenance
from domain.model.catalogue import CourseCatalogue
from domain.model.operation import Operation
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from projections.catalog import all_views, fold
from projections.office import summary

if TYPE_CHECKING:
    from domain.model.base import BrigadeAggregate
    from projections.base import View


def at(minutes: float, actor: str = "commander:duty-officer") -> Provenance:
    return Provenance(LANDFALL + timedelta(minutes=minutes), actor, uuid4())


def folded(*aggregates: BrigadeAggregate) -> dict[str, View]:
    """Every view after the aggregates' events, in the order they were made."""
    events: list[Any] = sorted(
        (e for a in aggregates for e in a.collect_events()),
        key=lambda e: (e.occurred_at, e.originator_version),
    )
    views = all_views()
    fold(views, list(enumerate(events, start=1)))
    return views


def test_a_hazard_escalates_as_field_time_passes_its_deadline() -> None:
    shop = Premises.register(
        uuid4(), name="Tea shop", address="3 Main St", lat=24.9, lon=118.6,
        owner="", category="", p=at(0),
    )  # fmt: skip
    hazard = uuid4()
    shop.find_hazard(
        uuid4(), hazard, kind="blocked exit", severity=3, photo_sha256="ab" * 32,
        note="boxes", p=at(1),
    )  # fmt: skip
    shop.order_rectification(hazard, LANDFALL + timedelta(days=5), at(2))
    found: list[Any] = list(shop.collect_events())
    steps = []
    for days in (2, 4, 5.1, 8.1):
        # Any field event moves the views' clock: here an operation opened
        tick = Operation.open(uuid4(), "tick", "drill", None, at(days * 24 * 60))
        views = all_views()
        fold(views, list(enumerate([*found, *tick.collect_events()], start=1)))
        row = views["hazards"].rows[str(hazard)]
        steps.append((row["escalation"], row["overdue"]))
    assert steps == [
        (None, False), ("due_soon", False), ("overdue", True), ("escalated", True),
    ]  # fmt: skip
    assert row["photo"] == "ab" * 32 and row["note"] == "boxes"


def volunteer(name: str, courses: tuple[str, ...]) -> Volunteer:
    person = Volunteer.register(
        uuid4(), name=name, contact="+86", community="Luojiang",
        domains=["water_rescue", "first_aid"], p=at(0),
    )  # fmt: skip
    person.decide_vetting(True, "", at(1))
    for course in courses:
        person.complete_course(course, True, 90, at(2))
    person.insure("P-1", LANDFALL + timedelta(days=20), at(3))
    person.start_shift(None, at(4))
    return person


def test_points_follow_the_rule_of_skills_hours_and_satisfaction() -> None:
    wu = volunteer("Wu Min", ("basic-fire-safety", "first-aid", "water-rescue"))
    wu.end_shift(at(4 + 150))  # 2.5 hours: 2 whole ones
    wu.rate(5, None, "", at(200))
    wu.rate(2, None, "", at(201))
    patrol = ServiceActivity.log(
        uuid4(), uuid4(), kind="patrol", participants=[wu.id], hours=1.5,
        lat=None, lon=None, note="", p=at(300),
    )  # fmt: skip
    row = folded(wu, patrol)["points"].rows[str(wu.id)]
    # skills 5 + 10 + 10; hours floor(2.5 + 1.5) = 4; satisfaction +4 - 2
    assert (row["skills"], row["hours"], row["satisfaction"]) == (25, 4, 2)
    assert row["points"] == 31


def test_a_required_course_defined_takes_everyone_without_it_off_duty() -> None:
    lin = volunteer("Lin Fang", ("basic-fire-safety", "water-rescue"))
    catalogue = CourseCatalogue.start(at(10, "officer:office"))
    catalogue.define("typhoon-shelters", "typhoon shelters", True, None, at(11))
    views = folded(lin, catalogue)
    row = views["roster"].rows[str(lin.id)]
    assert row["dispatchable"] is False
    assert row["not_dispatchable_because"] == (
        "no training, no duty: typhoon shelters course not passed"
    )
    assert views["courses"].rows["typhoon-shelters"]["required"] is True
    catalogue.retire("typhoon-shelters", at(12))
    assert folded_events_with(views, catalogue)["roster"].rows[str(lin.id)][
        "dispatchable"
    ]


def folded_events_with(views: dict[str, View], *aggregates: Any) -> dict[str, View]:
    position = next(iter(views.values())).position
    events = [e for a in aggregates for e in a.collect_events()]
    fold(views, list(enumerate(events, start=position + 1)))
    return views


def test_the_office_lists_expiring_insurance_promotion_and_gaps() -> None:
    lin = volunteer("Lin Fang", ("basic-fire-safety", "water-rescue"))
    new = Volunteer.register(
        uuid4(), name="Zhao Lei", contact="+86", community="", domains=[], p=at(0)
    )
    views = folded(lin, new)
    lists = summary(
        views["roster"].rows, views["courses"].rows, views["points"].rows,
        views["reminders"].rows, LANDFALL + timedelta(days=5),
    )  # fmt: skip
    assert [(r["name"], r["days_left"]) for r in lists["insurance_expiring"]] == [
        ("Lin Fang", 15)
    ]
    assert [r["name"] for r in lists["pending_vetting"]] == ["Zhao Lei"]
    gaps = {g["domain"]: g for g in lists["training_gaps"]}
    assert gaps["first_aid"]["missing"] == [{"id": str(lin.id), "name": "Lin Fang"}]
    assert gaps["water_rescue"]["qualified"] == 1
    assert gaps["water_rescue"]["courses"] == ["water-rescue"]
    # Forty days on, the policy long since ran out: still on the list
    later = summary(views["roster"].rows, {}, {}, {}, LANDFALL + timedelta(days=40))
    assert later["insurance_expiring"][0]["days_left"] < 0
