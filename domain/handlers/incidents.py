"""Handlers for operations and incidents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commands as c
from domain.errors import NotDispatchable
from domain.handlers.base import (
    Result,
    UnitOfWork,
    created,
    field_incident,
    handles,
    load,
    new_id,
    open_operation,
    reported_or_field_incident,
    require_self,
)
from domain.handlers.office import catalogue
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.volunteer import Volunteer
from domain.training import DOMAIN_FOR_KIND, Refusal
from domain.types import IncidentKind

if TYPE_CHECKING:
    from domain.model.base import Provenance

# Operations


@handles(c.OpenOperation)
def _open_operation(uow: UnitOfWork, cmd: c.OpenOperation, p: Provenance) -> Result:
    operation_id = new_id(cmd.operation_id, "operation", cmd)
    uow.add(Operation.open(operation_id, cmd.name, cmd.kind, cmd.area, p))
    return created("operation_id", operation_id)


@handles(c.CloseOperation)
def _close_operation(uow: UnitOfWork, cmd: c.CloseOperation, p: Provenance) -> Result:
    load(uow, Operation, cmd.operation_id).close(p)
    return {}


# Incidents


@handles(c.ReportIncident)
def _report_incident(uow: UnitOfWork, cmd: c.ReportIncident, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id)
    incident_id = new_id(cmd.incident_id, "incident", cmd)
    incident = Incident.report(
        incident_id,
        cmd.operation_id,
        kind=cmd.kind,
        lat=cmd.lat,
        lon=cmd.lon,
        address=cmd.address,
        severity=cmd.severity,
        description=cmd.description,
        p=p,
    )
    uow.add(incident)
    return created("incident_id", incident_id)


@handles(c.AssessIncident)
def _assess(uow: UnitOfWork, cmd: c.AssessIncident, p: Provenance) -> Result:
    field_incident(uow, cmd).assess(cmd.summary, cmd.severity, cmd.people_at_risk, p)
    return {}


@handles(c.DispatchVolunteer)
def _dispatch(uow: UnitOfWork, cmd: c.DispatchVolunteer, p: Provenance) -> Result:
    incident = load(uow, Incident, cmd.incident_id)
    volunteer = load(uow, Volunteer, cmd.volunteer_id)
    incident.check_can_dispatch(volunteer.id)
    needs = DOMAIN_FOR_KIND[IncidentKind(incident.kind)]
    try:
        volunteer.assign(incident.id, needs, p, catalogue(uow))
    except NotDispatchable as refused:
        incident.refuse_dispatch(
            volunteer.id, Refusal(refused.code, refused.message), p
        )
        raise
    incident.dispatch(volunteer.id, cmd.note, p)
    return {}


@handles(c.RecordArrival)
def _arrive(uow: UnitOfWork, cmd: c.RecordArrival, p: Provenance) -> Result:
    require_self(cmd.actor, cmd.volunteer_id)
    load(uow, Incident, cmd.incident_id).arrive(cmd.volunteer_id, p)
    return {}


@handles(c.GuideRoute)
def _guide_route(uow: UnitOfWork, cmd: c.GuideRoute, p: Provenance) -> Result:
    field_incident(uow, cmd).guide_route(cmd.path, cmd.note, p)
    return {}


@handles(c.ClearRoad)
def _clear_road(uow: UnitOfWork, cmd: c.ClearRoad, p: Provenance) -> Result:
    field_incident(uow, cmd).clear_road(cmd.path, cmd.note, p)
    return {}


@handles(c.RecordImage)
def _record_image(uow: UnitOfWork, cmd: c.RecordImage, p: Provenance) -> Result:
    reported_or_field_incident(uow, cmd).record_image(
        sha256=cmd.sha256,
        media_type=cmd.media_type,
        size=cmd.size,
        lat=cmd.lat,
        lon=cmd.lon,
        caption=cmd.caption,
        p=p,
    )
    return {}


@handles(c.RecordEvacuation)
def _evacuate(uow: UnitOfWork, cmd: c.RecordEvacuation, p: Provenance) -> Result:
    field_incident(uow, cmd).evacuate(cmd.count, cmd.destination, p)
    return {}


@handles(c.RecordRescue)
def _rescue(uow: UnitOfWork, cmd: c.RecordRescue, p: Provenance) -> Result:
    field_incident(uow, cmd).rescue(cmd.count, p)
    return {}


@handles(c.PostMessage)
def _post_message(uow: UnitOfWork, cmd: c.PostMessage, p: Provenance) -> Result:
    reported_or_field_incident(uow, cmd).post_message(cmd.text, p)
    return {}


@handles(c.ReleaseVolunteer)
def _release(uow: UnitOfWork, cmd: c.ReleaseVolunteer, p: Provenance) -> Result:
    incident = load(uow, Incident, cmd.incident_id)
    incident.release(cmd.volunteer_id, cmd.reason, p)
    load(uow, Volunteer, cmd.volunteer_id).release(incident.id, p)
    return {}


@handles(c.ResolveIncident)
def _resolve(uow: UnitOfWork, cmd: c.ResolveIncident, p: Provenance) -> Result:
    incident = load(uow, Incident, cmd.incident_id)
    for volunteer_id in incident.resolve(cmd.outcome, p):
        load(uow, Volunteer, volunteer_id).release(incident.id, p)
    return {}


@handles(c.CloseIncident)
def _close_incident(uow: UnitOfWork, cmd: c.CloseIncident, p: Provenance) -> Result:
    load(uow, Incident, cmd.incident_id).close(p)
    return {}
