"""Handlers for erasure, the vulnerable-people register and its check-on rounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import checks
from domain import commands as c
from domain.errors import Code, Conflict, NotFound
from domain.handlers.base import (
    Result,
    UnitOfWork,
    created,
    handles,
    load,
    new_id,
    open_operation,
)
from domain.model.checkround import CheckRound
from domain.model.incident import Incident
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.model.vulnerable import Vulnerable
from domain.types import CheckOutcome, IncidentKind

if TYPE_CHECKING:
    from domain.model.base import BrigadeAggregate, Provenance

# Whose personal data can be erased: the aggregates that hold some.
PEOPLE: tuple[type[BrigadeAggregate], ...] = (Volunteer, Premises, Vulnerable)


@handles(c.ErasePerson)
def _erase(uow: UnitOfWork, cmd: c.ErasePerson, p: Provenance) -> Result:
    reason = checks.text("reason", cmd.reason, limit=checks.MAX_NAME, required=False)
    for cls in PEOPLE:
        holder = uow.find(cls, cmd.person_id)
        if holder is not None:
            holder.erase(reason, p)
            return {"person_id": str(cmd.person_id), "kind": cls.__name__.lower()}
    raise NotFound(
        Code.PERSON_NOT_FOUND,
        f"no volunteer, premises or register entry with id {cmd.person_id}",
    )


@handles(c.RegisterVulnerable)
def _register(uow: UnitOfWork, cmd: c.RegisterVulnerable, p: Provenance) -> Result:
    entry_id = new_id(cmd.entry_id, "vulnerable", cmd)
    uow.add(
        Vulnerable.register(
            entry_id,
            kind=cmd.kind,
            area=cmd.area,
            lat=cmd.lat,
            lon=cmd.lon,
            address=cmd.address,
            name=cmd.name,
            contact=cmd.contact,
            needs=cmd.needs,
            people=cmd.people,
            risk=cmd.risk,
            consent=cmd.consent,
            consent_note=cmd.consent_note,
            p=p,
        )
    )
    return created("entry_id", entry_id)


def _entry(uow: UnitOfWork, entry_id: object) -> Vulnerable:
    entry = load(uow, Vulnerable, entry_id)  # type: ignore[arg-type]
    if getattr(entry, "person_erased", False):
        raise Conflict(Code.PERSON_ERASED, "this entry was erased")
    return entry


@handles(c.UpdateVulnerable)
def _update(uow: UnitOfWork, cmd: c.UpdateVulnerable, p: Provenance) -> Result:
    _entry(uow, cmd.entry_id).update(
        contact=cmd.contact,
        needs=cmd.needs,
        people=cmd.people,
        risk=cmd.risk,
        consent=cmd.consent,
        p=p,
    )
    return {}


@handles(c.StartCheckRound)
def _start_round(uow: UnitOfWork, cmd: c.StartCheckRound, p: Provenance) -> Result:
    open_operation(uow, cmd.operation_id)
    if not isinstance(cmd.volunteer_ids, list):
        raise checks.invalid("volunteer_ids must be a list of volunteer ids")
    for volunteer_id in cmd.volunteer_ids:
        load(uow, Volunteer, volunteer_id)
    round_id = new_id(cmd.round_id, "round", cmd)
    uow.add(
        CheckRound.start(round_id, cmd.operation_id, cmd.area, cmd.volunteer_ids, p)
    )
    return created("round_id", round_id)


@handles(c.RecordCheck)
def _record_check(uow: UnitOfWork, cmd: c.RecordCheck, p: Provenance) -> Result:
    round_ = load(uow, CheckRound, cmd.round_id)
    round_.require_on_round(cmd.actor.volunteer_id)
    open_operation(uow, round_.operation_id)
    entry = _entry(uow, cmd.entry_id)
    if entry.area != round_.area:
        raise Conflict(
            Code.NOT_IN_AREA, f"this entry is in {entry.area!r}, not {round_.area!r}"
        )
    incident_id = None
    if cmd.outcome == CheckOutcome.NEEDS_HELP:
        if entry.lat is None or entry.lon is None:
            raise Conflict(Code.PERSON_ERASED, "this entry's location was erased")
        incident_id = new_id(cmd.incident_id, "incident", cmd)
        uow.add(
            Incident.report(
                incident_id,
                round_.operation_id,
                kind=IncidentKind.OTHER.value,
                lat=entry.lat,
                lon=entry.lon,
                # The area, not the address: the incident outlives an erasure.
                address=entry.area,
                severity=entry.risk,
                description=checks.text(
                    "note",
                    f"check-on round: needs help. {cmd.note}".strip(),
                    required=False,
                ),
                p=p,
            )
        )
    elif cmd.incident_id is not None:
        raise checks.invalid("only an entry that needs help reports an incident")
    round_.record(
        cmd.entry_id,
        cmd.outcome,
        count=cmd.count,
        destination=cmd.destination,
        note=cmd.note,
        incident_id=incident_id,
        p=p,
    )
    return {} if incident_id is None else created("incident_id", incident_id)
