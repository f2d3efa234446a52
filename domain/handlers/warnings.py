"""Handlers for risk warnings: issued in an open operation, updated, cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import commands as c
from domain.handlers.base import (
    Result,
    UnitOfWork,
    created,
    handles,
    load,
    new_id,
    open_operation,
)
from domain.model.warning import CONTENT, RiskWarning, each

if TYPE_CHECKING:
    from domain.model.base import Provenance


# Each command's values are checked before what it names is looked up, so that
# a malformed one is `invalid_value` whatever the warning or operation.


@handles(c.IssueWarning)
def _issue(uow: UnitOfWork, cmd: c.IssueWarning, p: Provenance) -> Result:
    content = {name: getattr(cmd, name) for name in CONTENT}
    each(content, source=cmd.source)
    open_operation(uow, cmd.operation_id)
    warning_id = new_id(cmd.warning_id, "warning", cmd)
    uow.add(
        RiskWarning.issue(
            warning_id, cmd.operation_id, content=content, source=cmd.source, p=p
        )
    )
    return created("warning_id", warning_id)


@handles(c.UpdateWarning)
def _update(uow: UnitOfWork, cmd: c.UpdateWarning, p: Provenance) -> Result:
    changes: dict[str, Any] = {
        name: getattr(cmd, name) for name in CONTENT if getattr(cmd, name) is not None
    }
    each(changes, source=cmd.source)
    warning = load(uow, RiskWarning, cmd.warning_id)
    warning.require_standing()
    open_operation(uow, warning.operation_id)
    warning.update(changes, cmd.source, p)
    return {}


@handles(c.CancelWarning)
def _cancel(uow: UnitOfWork, cmd: c.CancelWarning, p: Provenance) -> Result:
    each({}, cmd.reason, cmd.source)
    load(uow, RiskWarning, cmd.warning_id).cancel(cmd.reason, cmd.source, p)
    return {}
