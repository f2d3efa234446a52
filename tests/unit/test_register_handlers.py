"""Erasure, the register and check-on rounds on their own: handlers, no store.

A dict stands in for the writer's unit of work, as in test_handlers.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid4

import pytest
import support
from support import COMMANDER, LANDFALL, refused, volunteer
from support import provenance as p

from domain import commands as c
from domain.errors import Code
from domain.handlers import decide
from domain.model.base import BrigadeAggregate
from domain.model.checkround import CheckRound
from domain.model.incident import Incident
from domain.model.operation import Operation
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.model.vulnerable import Vulnerable
from domain.privacy import ERASED
from domain.types import Role

if TYPE_CHECKING:
    from datetime import timedelta

    from domain.handlers import Result

A = TypeVar("A", bound=BrigadeAggregate)
OBSERVER = c.Actor(Role.OBSERVER, "wall")


class Uow(support.DictUnitOfWork):
    def run(  # type: ignore[override]
        self, command: type[c.Command], actor: c.Actor = COMMANDER, /, **fields: Any
    ) -> Result:
        sent = command(command_id=uuid4(), actor=actor, occurred_at=LANDFALL, **fields)
        skew: timedelta = LANDFALL - LANDFALL
        return decide(self, sent, LANDFALL, skew)


ELDER: dict[str, Any] = {
    "kind": "elderly_alone",
    "area": "Qiaonan",
    "lat": 24.91,
    "lon": 118.59,
    "address": "3 Qiaonan Lane",
    "name": "Zheng Meilan",
    "risk": 4,
    "consent": True,
}


def world() -> tuple[Uow, Operation, Volunteer, Vulnerable, CheckRound]:
    operation = Operation.open(uuid4(), "Doksuri", "typhoon", None, p())
    chen = Volunteer.register(
        uuid4(), name="Chen Wei", contact="+86", community="", domains=[], p=p()
    )
    elder = Vulnerable.register(uuid4(), **ELDER, contact="", needs="", people=1,
                                consent_note="", p=p())  # fmt: skip
    round_ = CheckRound.start(uuid4(), operation.id, "Qiaonan", [chen.id], p())
    return Uow(operation, chen, elder, round_), operation, chen, elder, round_


@pytest.mark.parametrize(
    ("kind", "actor"),
    [
        (c.ErasePerson, volunteer(uuid4())),
        (c.StartCheckRound, volunteer(uuid4())),
        (c.RegisterVulnerable, OBSERVER),
        (c.UpdateVulnerable, OBSERVER),
        (c.RecordCheck, OBSERVER),
    ],
)
def test_who_may_send_the_registers_commands(
    kind: type[c.Command], actor: c.Actor
) -> None:
    uow, *_ = world()
    with refused(Code.ROLE_NOT_ALLOWED):
        uow.run(kind, actor, **dict.fromkeys(_required(kind), None))


def _required(kind: type[c.Command]) -> list[str]:
    import dataclasses

    return [
        f.name
        for f in dataclasses.fields(kind)
        if f.default is dataclasses.MISSING and f.name not in c.ENVELOPE
    ]


@pytest.mark.parametrize(
    "change",
    [{"risk": 6}, {"consent": "yes"}, {"kind": "shop"}, {"people": 0}, {"name": ""}],
)
def test_an_entry_is_registered_only_whole(change: dict[str, Any]) -> None:
    uow, *_ = world()
    with refused(Code.INVALID_VALUE):
        uow.run(c.RegisterVulnerable, **(ELDER | change))


def test_a_volunteer_registers_an_entry_and_is_its_registrar() -> None:
    uow, _, chen, *_ = world()
    result = uow.run(c.RegisterVulnerable, volunteer(chen.id), **ELDER)
    entry = uow.aggregates[UUID(result["entry_id"])]
    assert isinstance(entry, Vulnerable) and entry.risk == 4


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"outcome": "evacuated", "count": 2}, Code.INVALID_VALUE),  # no destination
        ({"outcome": "evacuated", "destination": "school"}, Code.INVALID_VALUE),
        ({"outcome": "safe", "count": 1}, Code.INVALID_VALUE),
        ({"outcome": "gone"}, Code.INVALID_VALUE),
        ({"outcome": "safe", "incident_id": uuid4()}, Code.INVALID_VALUE),
    ],
)
def test_a_check_says_what_was_found_and_no_more(
    fields: dict[str, Any], code: Code
) -> None:
    uow, _, chen, elder, round_ = world()
    with refused(code):
        uow.run(c.RecordCheck, volunteer(chen.id), round_id=round_.id,
                entry_id=elder.id, **fields)  # fmt: skip
    assert round_.checked == {} and len(uow.aggregates) == 4


def test_a_round_is_checked_by_those_given_it_in_its_area_while_open() -> None:
    uow, operation, chen, elder, round_ = world()
    other = Vulnerable.register(uuid4(), **(ELDER | {"area": "Shuangyang"}),
                                contact="", needs="", people=1, consent_note="",
                                p=p())  # fmt: skip
    uow.add(other)
    check: dict[str, Any] = {"round_id": round_.id, "outcome": "safe"}
    with refused(Code.NOT_ON_ROUND):
        uow.run(c.RecordCheck, volunteer(uuid4()), entry_id=elder.id, **check)
    with refused(Code.NOT_IN_AREA):
        uow.run(c.RecordCheck, volunteer(chen.id), entry_id=other.id, **check)
    with refused(Code.VULNERABLE_NOT_FOUND):
        uow.run(c.RecordCheck, volunteer(chen.id), entry_id=uuid4(), **check)
    with refused(Code.ROUND_NOT_FOUND):
        uow.run(c.RecordCheck, entry_id=elder.id, **(check | {"round_id": uuid4()}))
    uow.run(c.RecordCheck, volunteer(chen.id), entry_id=elder.id, outcome="evacuated",
            count=1, round_id=round_.id, destination="school")  # fmt: skip
    with refused(Code.ALREADY_EXISTS):
        uow.run(c.RecordCheck, entry_id=elder.id, outcome="evacuated", count=1,
                round_id=round_.id, destination="school")  # fmt: skip
    operation.close(p())
    with refused(Code.OPERATION_CLOSED):
        uow.run(c.RecordCheck, volunteer(chen.id), entry_id=elder.id, **check)


def test_needs_help_reports_an_incident_at_the_entry() -> None:
    uow, operation, chen, elder, round_ = world()
    result = uow.run(c.RecordCheck, volunteer(chen.id), round_id=round_.id,
                     entry_id=elder.id, outcome="needs_help")  # fmt: skip
    incident = uow.aggregates[UUID(result["incident_id"])]
    assert isinstance(incident, Incident)
    assert incident.operation_id == operation.id
    assert round_.checked == {elder.id.hex: "needs_help"}


def test_a_round_needs_registered_volunteers_in_an_open_operation() -> None:
    uow, operation, chen, *_ = world()
    start: dict[str, Any] = {"operation_id": operation.id, "area": "Qiaonan"}
    with refused(Code.VOLUNTEER_NOT_FOUND):
        uow.run(c.StartCheckRound, volunteer_ids=[uuid4()], **start)
    with refused(Code.INVALID_VALUE):
        uow.run(c.StartCheckRound, volunteer_ids=[], **start)
    uow.run(c.StartCheckRound, volunteer_ids=[chen.id], **start)


def test_erasing_blanks_the_person_once_and_nobody_else() -> None:
    uow, operation, chen, elder, round_ = world()
    shop = Premises.register(uuid4(), name="Tea", address="1 St", lat=24.9,
                             lon=118.6, owner="Huang", category="", p=p())  # fmt: skip
    uow.add(shop)
    assert uow.run(c.ErasePerson, person_id=chen.id) == {
        "person_id": str(chen.id),
        "kind": "volunteer",
    }
    assert chen.name == ERASED
    assert uow.run(c.ErasePerson, person_id=shop.id)["kind"] == "premises"
    uow.run(c.ErasePerson, person_id=elder.id, reason="moved away")
    assert (elder.lat, elder.lon) == (None, None)
    with refused(Code.ALREADY_ERASED):
        uow.run(c.ErasePerson, person_id=chen.id)
    for nobody in (operation.id, round_.id, uuid4()):
        with refused(Code.PERSON_NOT_FOUND):
            uow.run(c.ErasePerson, person_id=nobody)
    with refused(Code.PERSON_ERASED):
        uow.run(c.UpdateVulnerable, entry_id=elder.id, risk=1)
    with refused(Code.PERSON_ERASED):
        uow.run(c.RecordCheck, round_id=round_.id, entry_id=elder.id,
                outcome="needs_help")  # fmt: skip
