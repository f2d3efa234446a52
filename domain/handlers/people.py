"""Handlers for volunteers and their service activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain import commands as c
from domain.errors import Code, Conflict, Forbidden
from domain.handlers.base import (
    Result,
    UnitOfWork,
    created,
    handles,
    load,
    new_id,
    open_operation,
    require_self,
)
from domain.handlers.office import catalogue
from domain.model.activity import ServiceActivity
from domain.model.volunteer import Volunteer
from domain.types import Vetting

if TYPE_CHECKING:
    from domain.model.base import Provenance


@handles(c.RegisterVolunteer)
def _register(uow: UnitOfWork, cmd: c.RegisterVolunteer, p: Provenance) -> Result:
    volunteer_id = new_id(cmd.volunteer_id, "volunteer", cmd)
    uow.add(
        Volunteer.register(
            volunteer_id,
            name=cmd.name,
            contact=cmd.contact,
            community=cmd.community,
            domains=cmd.domains,
            p=p,
        )
    )
    return created("volunteer_id", volunteer_id)


@handles(c.DecideVetting)
def _vet(uow: UnitOfWork, cmd: c.DecideVetting, p: Provenance) -> Result:
    load(uow, Volunteer, cmd.volunteer_id).decide_vetting(cmd.approved, cmd.reason, p)
    return {}


@handles(c.RecordCourse)
def _course(uow: UnitOfWork, cmd: c.RecordCourse, p: Provenance) -> Result:
    volunteer = load(uow, Volunteer, cmd.volunteer_id)
    course = catalogue(uow).offered(checks.text("course", cmd.course, limit=80))
    volunteer.complete_course(
        course.code, cmd.passed, cmd.score, p, required=course.required
    )
    return {}


@handles(c.ChangeGrade)
def _grade(uow: UnitOfWork, cmd: c.ChangeGrade, p: Provenance) -> Result:
    load(uow, Volunteer, cmd.volunteer_id).change_grade(cmd.grade, p)
    return {}


@handles(c.RecordInsurance)
def _insure(uow: UnitOfWork, cmd: c.RecordInsurance, p: Provenance) -> Result:
    load(uow, Volunteer, cmd.volunteer_id).insure(cmd.policy, cmd.valid_until, p)
    return {}


@handles(c.StartShift)
def _start_shift(uow: UnitOfWork, cmd: c.StartShift, p: Provenance) -> Result:
    require_self(cmd.actor, cmd.volunteer_id)
    volunteer = load(uow, Volunteer, cmd.volunteer_id)
    if cmd.operation_id is not None:
        open_operation(uow, cmd.operation_id)
    volunteer.start_shift(cmd.operation_id, p)
    return {}


@handles(c.EndShift)
def _end_shift(uow: UnitOfWork, cmd: c.EndShift, p: Provenance) -> Result:
    require_self(cmd.actor, cmd.volunteer_id)
    load(uow, Volunteer, cmd.volunteer_id).end_shift(p)
    return {}


@handles(c.ReportPosition)
def _position(uow: UnitOfWork, cmd: c.ReportPosition, p: Provenance) -> Result:
    require_self(cmd.actor, cmd.volunteer_id)
    load(uow, Volunteer, cmd.volunteer_id).report_position(
        lat=cmd.lat,
        lon=cmd.lon,
        accuracy=cmd.accuracy,
        heading=cmd.heading,
        speed=cmd.speed,
        p=p,
    )
    return {}


@handles(c.RateSatisfaction)
def _rate(uow: UnitOfWork, cmd: c.RateSatisfaction, p: Provenance) -> Result:
    load(uow, Volunteer, cmd.volunteer_id).rate(
        cmd.rating, cmd.incident_id, cmd.comment, p
    )
    return {}


@handles(c.LogServiceActivity)
def _log_activity(uow: UnitOfWork, cmd: c.LogServiceActivity, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id)
    if not isinstance(cmd.participants, list):
        raise checks.invalid("participants must be a list of volunteer ids")
    me = cmd.actor.volunteer_id
    if me is not None and me not in cmd.participants:
        raise Forbidden(
            Code.NOT_YOURSELF, "a volunteer can only log activities they took part in"
        )
    for volunteer_id in cmd.participants:
        volunteer = load(uow, Volunteer, volunteer_id)
        if volunteer.vetting != Vetting.APPROVED:
            raise Conflict(
                Code.NOT_VETTED, f"{volunteer.name} is not vetted and cannot serve"
            )
    activity_id = new_id(cmd.activity_id, "activity", cmd)
    uow.add(
        ServiceActivity.log(
            activity_id,
            cmd.operation_id,
            kind=cmd.kind,
            participants=cmd.participants,
            hours=cmd.hours,
            lat=cmd.lat,
            lon=cmd.lon,
            note=cmd.note,
            p=p,
        )
    )
    return created("activity_id", activity_id)
