"""Handlers for the field app: enrolling a phone, answering a dispatch, broadcasts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commands as c
from domain.handlers.base import (
    Result,
    UnitOfWork,
    field_incident,
    handles,
    load,
    new_id,
    open_operation,
    require_self,
)
from domain.model import enrolment as e
from domain.model.credential import Credential, lifetime
from domain.model.volunteer import Volunteer
from domain.types import Role

if TYPE_CHECKING:
    from domain.model.base import Provenance


@handles(c.CreateEnrolment)
def _create(uow: UnitOfWork, cmd: c.CreateEnrolment, p: Provenance) -> Result:
    volunteer = load(uow, Volunteer, cmd.volunteer_id)
    enrolment_id = new_id(cmd.enrolment_id, "enrolment", cmd)
    expires = p.occurred_at.replace(microsecond=0) + e.ttl(cmd.ttl_minutes)
    uow.add(e.Enrolment.create(enrolment_id, volunteer.id, expires, p))
    # The gateway adds the code, the link and the QR code, made from the id.
    return {
        "enrolment_id": str(enrolment_id),
        "volunteer_id": str(volunteer.id),
        "name": volunteer.name,
        "expires_at": expires.isoformat(),
    }


@handles(c.CancelEnrolment)
def _cancel(uow: UnitOfWork, cmd: c.CancelEnrolment, p: Provenance) -> Result:
    load(uow, e.Enrolment, cmd.enrolment_id).cancel(p)
    return {}


@handles(c.RedeemEnrolment)
def _redeem(uow: UnitOfWork, cmd: c.RedeemEnrolment, p: Provenance) -> Result:
    enrolment = load(uow, e.Enrolment, cmd.enrolment_id)
    # Only the phone of the volunteer it was made for (the gateway acts as them).
    require_self(cmd.actor, enrolment.volunteer_id)
    volunteer = load(uow, Volunteer, enrolment.volunteer_id)
    token_id = new_id(None, "token", cmd)
    enrolment.redeem(token_id, p)
    issued = p.occurred_at.replace(microsecond=0)
    expires = issued + lifetime(Role.VOLUNTEER, None)
    subject = str(volunteer.id)
    name = f"{volunteer.name}'s phone"[:200]
    uow.add(Credential.issue(token_id, Role.VOLUNTEER, subject, name, expires, p))
    # What the gateway signs the token from (as IssueToken's), and who it is.
    return {
        "token_id": str(token_id),
        "role": Role.VOLUNTEER.value,
        "subject": subject,
        "name": name,
        "issued_at": issued.isoformat(),
        "expires_at": expires.isoformat(),
        "enrolment_id": str(enrolment.id),
        "volunteer_id": subject,
        "volunteer_name": volunteer.name,
    }


@handles(c.AnswerDispatch)
def _answer(uow: UnitOfWork, cmd: c.AnswerDispatch, p: Provenance) -> Result:
    require_self(cmd.actor, cmd.volunteer_id)
    incident = field_incident(uow, cmd)
    incident.answer_dispatch(
        cmd.volunteer_id, cmd.answer, cmd.eta_minutes, cmd.reason, p
    )
    return {}


@handles(c.BroadcastMessage)
def _broadcast(uow: UnitOfWork, cmd: c.BroadcastMessage, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id).broadcast(cmd.text, p)
    return {}
