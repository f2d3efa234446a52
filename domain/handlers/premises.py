"""Handlers for the closed loop of shop fire-safety checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commands as c
from domain.errors import Code, Forbidden
from domain.handlers.base import (
    Result,
    UnitOfWork,
    created,
    handles,
    load,
    new_id,
    open_operation,
)
from domain.model.premises import Premises
from domain.types import Role

if TYPE_CHECKING:
    from uuid import UUID

    from domain.model.base import Provenance


@handles(c.RegisterPremises)
def _register(uow: UnitOfWork, cmd: c.RegisterPremises, p: Provenance) -> Result:
    premises_id = new_id(cmd.premises_id, "premises", cmd)
    uow.add(
        Premises.register(
            premises_id,
            name=cmd.name,
            address=cmd.address,
            lat=cmd.lat,
            lon=cmd.lon,
            owner=cmd.owner,
            category=cmd.category,
            p=p,
        )
    )
    return created("premises_id", premises_id)


@handles(c.InspectPremises)
def _inspect(uow: UnitOfWork, cmd: c.InspectPremises, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id)
    load(uow, Premises, cmd.premises_id).inspect(
        cmd.operation_id, cmd.checklist, cmd.note, p
    )
    return {}


@handles(c.RecordHazard)
def _hazard(uow: UnitOfWork, cmd: c.RecordHazard, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id)
    premises = load(uow, Premises, cmd.premises_id)
    hazard_id = new_id(cmd.hazard_id, "hazard", cmd)
    premises.find_hazard(
        cmd.operation_id,
        hazard_id,
        kind=cmd.kind,
        severity=cmd.severity,
        photo_sha256=cmd.photo_sha256,
        note=cmd.note,
        p=p,
    )
    return created("hazard_id", hazard_id)


@handles(c.OrderRectification)
def _order(uow: UnitOfWork, cmd: c.OrderRectification, p: Provenance) -> Result:
    load(uow, Premises, cmd.premises_id).order_rectification(
        cmd.hazard_id, cmd.deadline, p
    )
    return {}


@handles(c.SubmitSelfCheck)
def _self_check(uow: UnitOfWork, cmd: c.SubmitSelfCheck, p: Provenance) -> Result:
    require_own_premises(cmd.actor, cmd.premises_id)
    load(uow, Premises, cmd.premises_id).submit_self_check(
        cmd.hazard_id, cmd.note, p, evidence=cmd.evidence, photos=cmd.photos
    )
    return {}


def require_own_premises(actor: c.Actor, premises_id: UUID) -> None:
    """An owner acts on the premises their token names, and on no others."""
    if actor.role is Role.OWNER and actor.id != str(premises_id):
        raise Forbidden(
            Code.NOT_YOUR_PREMISES, "an owner can act only on their own premises"
        )


@handles(c.RecordRectification)
def _rectify(uow: UnitOfWork, cmd: c.RecordRectification, p: Provenance) -> Result:
    load(uow, Premises, cmd.premises_id).rectify(
        cmd.hazard_id, cmd.evidence, cmd.evidence_sha256, p
    )
    return {}


@handles(c.ReinspectHazard)
def _reinspect(uow: UnitOfWork, cmd: c.ReinspectHazard, p: Provenance) -> Result:
    load(uow, Premises, cmd.premises_id).reinspect(
        cmd.hazard_id, cmd.passed, cmd.note, p
    )
    return {}


@handles(c.CloseHazard)
def _close(uow: UnitOfWork, cmd: c.CloseHazard, p: Provenance) -> Result:
    load(uow, Premises, cmd.premises_id).close_hazard(cmd.hazard_id, p)
    return {}
