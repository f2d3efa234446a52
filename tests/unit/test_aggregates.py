"""Aggregate rules on their own, without a store: each refusal has its code."""

from __future__ import annotations

from uuid import uuid4

import pytest
from support import LANDFALL, flood, refused
from support import provenance as p

from domain.errors import Code
from domain.model.incident import Incident
from domain.model.volunteer import Volunteer
from domain.training import dispatch_refusal
from domain.types import ServiceDomain


def test_a_volunteer_is_not_dispatched_twice_to_one_incident() -> None:
    incident, vid = flood(), uuid4()
    incident.dispatch(vid, "", p(1))
    with refused(Code.ALREADY_DISPATCHED):
        incident.dispatch(vid, "", p(2))


def test_an_incidents_assignments_keep_their_stored_strings() -> None:
    # Snapshots store them: a renamed value, or an enum member, would not load.
    incident, vid = flood(), uuid4()
    incident.dispatch(vid, "", p(1))
    assert incident.assignments == {vid.hex: "dispatched"}
    incident.arrive(vid, p(2))
    assert incident.assignments == {vid.hex: "on_scene"}
    assert all(type(state) is str for state in incident.assignments.values())


def test_a_volunteer_arrives_once() -> None:
    incident, vid = flood(), uuid4()
    incident.dispatch(vid, "", p(1))
    incident.arrive(vid, p(2))
    with refused(Code.ALREADY_ARRIVED):
        incident.arrive(vid, p(3))


def test_a_route_needs_two_points_in_range() -> None:
    incident = flood()
    with refused(Code.INVALID_VALUE):
        incident.guide_route([[118.6, 24.9]], "", p(1))
    with refused(Code.INVALID_VALUE):
        incident.guide_route([[118.6, 24.9], [200.0, 24.9]], "", p(1))


def test_an_image_geotag_needs_both_coordinates_and_a_known_media_type() -> None:
    incident = flood()
    with refused(Code.INVALID_VALUE):
        incident.record_image(
            sha256="a" * 64, media_type="image/jpeg", size=10, lat=24.9, lon=None,
            caption="", p=p(1),
        )  # fmt: skip
    with refused(Code.INVALID_VALUE):
        incident.record_image(
            sha256="a" * 64, media_type="image/gif", size=10, lat=None, lon=None,
            caption="", p=p(1),
        )  # fmt: skip


@pytest.mark.parametrize("severity", [0, 6, 2.5, "3"])
def test_severity_is_one_to_five(severity: object) -> None:
    with refused(Code.INVALID_VALUE):
        Incident.report(
            uuid4(), uuid4(), kind="fire", lat=24.9, lon=118.6, address="",
            severity=severity, description="", p=p(),  # type: ignore[arg-type]
        )  # fmt: skip


def test_a_shift_is_started_once() -> None:
    volunteer = Volunteer.register(
        uuid4(), name="Lin", contact="x", community="", domains=[], p=p()
    )
    volunteer.start_shift(None, p(1))
    with refused(Code.ALREADY_ON_SHIFT):
        volunteer.start_shift(None, p(2))


def test_an_unknown_grade_or_domain_is_refused() -> None:
    with refused(Code.INVALID_VALUE):
        Volunteer.register(
            uuid4(), name="Lin", contact="x", community="", domains=["cooking"], p=p()
        )
    volunteer = Volunteer.register(
        uuid4(), name="Lin", contact="x", community="", domains=[], p=p()
    )
    with refused(Code.INVALID_VALUE):
        volunteer.change_grade("general", p(1))


def test_a_failed_course_can_be_retaken() -> None:
    volunteer = Volunteer.register(
        uuid4(), name="Lin", contact="x", community="", domains=[], p=p()
    )
    volunteer.complete_course("water-rescue", False, 40, p(1))
    assert "water-rescue" not in volunteer.passed_courses
    volunteer.complete_course("water-rescue", True, 81, p(2))
    assert "water-rescue" in volunteer.passed_courses


def test_the_rules_are_checked_in_a_stable_order() -> None:
    # Someone who fails every rule is told the first: vetting.
    refusal = dispatch_refusal(
        vetting="pending",
        vetting_reason="",
        passed_courses=set(),
        needs=ServiceDomain.WATER_RESCUE,
        insured_until=None,
        at=LANDFALL,
        on_shift=False,
        busy_with=uuid4(),
    )
    assert refusal is not None and refusal.code is Code.NOT_VETTED


def test_a_policy_covers_the_instant_it_expires() -> None:
    ok = dispatch_refusal(
        vetting="approved",
        vetting_reason="",
        passed_courses={"basic-fire-safety"},
        needs=None,
        insured_until=LANDFALL,
        at=LANDFALL,
        on_shift=True,
        busy_with=None,
    )
    assert ok is None
