"""Handlers for credentials: who may be given a token, and who may revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain import commands as c
from domain.errors import Code, Forbidden
from domain.handlers.base import Result, UnitOfWork, handles, load, new_id
from domain.model.credential import Credential, lifetime
from domain.model.volunteer import Volunteer
from domain.types import Role

if TYPE_CHECKING:
    from domain.model.base import Provenance


@handles(c.IssueToken)
def _issue(uow: UnitOfWork, cmd: c.IssueToken, p: Provenance) -> Result:
    role = checks.choice("role", cmd.role, Role)
    name = checks.text("name", cmd.name, limit=checks.MAX_NAME, required=False)
    if role is Role.OWNER:
        raise checks.invalid("an owner's token names premises: use IssueOwnerToken")
    if role is Role.VOLUNTEER:
        if cmd.volunteer_id is None:
            raise checks.invalid("a volunteer token needs volunteer_id")
        # Only for someone registered: the token acts as them.
        subject = str(load(uow, Volunteer, cmd.volunteer_id).id)
    elif cmd.volunteer_id is not None:
        raise checks.invalid(f"a {role.value} token names no volunteer_id")
    else:
        subject = name or role.value
    token_id = new_id(cmd.token_id, "token", cmd)
    issued = p.occurred_at.replace(microsecond=0)
    expires = issued + lifetime(role, cmd.ttl_seconds)
    uow.add(Credential.issue(token_id, role, subject, name, expires, p))
    # What the gateway signs the token from: facts of the log, nothing secret.
    return {
        "token_id": str(token_id),
        "role": role.value,
        "subject": subject,
        "name": name,
        "issued_at": issued.isoformat(),
        "expires_at": expires.isoformat(),
    }


@handles(c.RevokeToken)
def _revoke(uow: UnitOfWork, cmd: c.RevokeToken, p: Provenance) -> Result:
    credential = load(uow, Credential, cmd.token_id)
    me = cmd.actor.volunteer_id
    # A volunteer may sign their own phone out; only commanders revoke others'.
    if me is not None and credential.holder != (Role.VOLUNTEER, str(me)):
        raise Forbidden(
            Code.NOT_YOURSELF, "a volunteer can only revoke their own token"
        )
    credential.revoke(cmd.reason, p)
    return {}
