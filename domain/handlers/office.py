"""Handlers for owners' tokens, the course catalogue and owners' reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain import commands as c
from domain.errors import Code, Forbidden
from domain.handlers.base import Result, UnitOfWork, handles, load, new_id
from domain.model.catalogue import CATALOGUE_ID, CourseCatalogue
from domain.model.credential import Credential, lifetime
from domain.model.premises import Premises
from domain.training import DEFAULT_CATALOGUE, Catalogue
from domain.types import Role

if TYPE_CHECKING:
    from domain.model.base import Provenance


def catalogue(uow: UnitOfWork) -> Catalogue:
    """The course catalogue as the office last changed it (the defaults until then)."""
    found = uow.find(CourseCatalogue, CATALOGUE_ID)
    return DEFAULT_CATALOGUE if found is None else found.catalogue


def _catalogue_for_change(uow: UnitOfWork, p: Provenance) -> CourseCatalogue:
    found = uow.find(CourseCatalogue, CATALOGUE_ID)
    if found is None:
        # The first change records where the catalogue started: the log says all.
        found = CourseCatalogue.start(p)
        uow.add(found)
    return found


@handles(c.DefineCourse)
def _define(uow: UnitOfWork, cmd: c.DefineCourse, p: Provenance) -> Result:
    _catalogue_for_change(uow, p).define(
        cmd.course, cmd.title, cmd.required, cmd.domain, p
    )
    return {"course": cmd.course}


@handles(c.RetireCourse)
def _retire(uow: UnitOfWork, cmd: c.RetireCourse, p: Provenance) -> Result:
    course = checks.text("course", cmd.course, limit=60)
    catalogue(uow).offered(course)  # refused before anything is started
    _catalogue_for_change(uow, p).retire(course, p)
    return {}


@handles(c.IssueOwnerToken)
def _owner_token(uow: UnitOfWork, cmd: c.IssueOwnerToken, p: Provenance) -> Result:
    premises = load(uow, Premises, cmd.premises_id)
    if cmd.actor.role is Role.VOLUNTEER and not premises.inspected_by(p.actor):
        raise Forbidden(
            Code.NOT_INSPECTOR,
            "a volunteer gives an owner's link only for premises they inspected",
        )
    name = checks.text("name", cmd.name, limit=checks.MAX_NAME, required=False)
    token_id = new_id(cmd.token_id, "token", cmd)
    issued = p.occurred_at.replace(microsecond=0)
    expires = issued + lifetime(Role.OWNER, cmd.ttl_seconds)
    subject = str(premises.id)
    uow.add(Credential.issue(token_id, Role.OWNER, subject, name, expires, p))
    # As IssueToken's result, which the gateway signs the token from.
    return {
        "token_id": str(token_id),
        "role": Role.OWNER.value,
        "subject": subject,
        "name": name,
        "issued_at": issued.isoformat(),
        "expires_at": expires.isoformat(),
        "premises_id": subject,
    }


@handles(c.RemindOwner)
def _remind(uow: UnitOfWork, cmd: c.RemindOwner, p: Provenance) -> Result:
    reminder_id = new_id(cmd.reminder_id, "reminder", cmd)
    load(uow, Premises, cmd.premises_id).remind(
        cmd.hazard_id, reminder_id, cmd.reason, p
    )
    return {"reminder_id": str(reminder_id)}


@handles(c.MarkReminderSent)
def _sent(uow: UnitOfWork, cmd: c.MarkReminderSent, p: Provenance) -> Result:
    load(uow, Premises, cmd.premises_id).reminder_sent(cmd.reminder_id, cmd.channel, p)
    return {}
