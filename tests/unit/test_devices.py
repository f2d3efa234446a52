"""Linking TAK devices: the handlers on their own, and the devices view."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID, uuid4

import pytest
from support import COMMANDER, LANDFALL, refused, volunteer
from support import provenance as p

from domain import commands as c
from domain.errors import Code, Conflict
from domain.handlers import decide
from domain.model.base import BrigadeAggregate, journal
from domain.model.device import Device, device_id
from domain.model.volunteer import Volunteer
from projections.catalog import all_views, fold

if TYPE_CHECKING:
    from domain.handlers import Result

UID = "ANDROID-5f3c2a9be1d07c44"
AT = LANDFALL + timedelta(hours=1)
A = TypeVar("A", bound=BrigadeAggregate)


class DictUnitOfWork:
    """The handlers' unit of work over a dict of aggregates (as test_handlers')."""

    def __init__(self, *aggregates: BrigadeAggregate) -> None:
        self.aggregates: dict[UUID, BrigadeAggregate] = {a.id: a for a in aggregates}

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        aggregate = self.aggregates.get(aggregate_id)
        return aggregate if isinstance(aggregate, cls) else None

    def add(self, aggregate: BrigadeAggregate) -> None:
        if aggregate.id in self.aggregates:
            raise Conflict(Code.ALREADY_EXISTS, f"{aggregate.id} already exists")
        self.aggregates[aggregate.id] = aggregate

    def run(self, command: c.Command) -> Result:
        return decide(self, command, AT, timedelta(seconds=120))


def recruit() -> Volunteer:
    return Volunteer.register(
        uuid4(), name="Lin Fang", contact="+86", community="", domains=[], p=p()
    )


def link(volunteer_id: UUID, uid: str = UID) -> c.LinkDevice:
    return c.LinkDevice(
        command_id=uuid4(),
        actor=COMMANDER,
        occurred_at=AT,
        device_uid=uid,
        volunteer_id=volunteer_id,
    )


def unlink(uid: str = UID) -> c.UnlinkDevice:
    return c.UnlinkDevice(
        command_id=uuid4(), actor=COMMANDER, occurred_at=AT, device_uid=uid
    )


def test_a_device_is_linked_moved_and_unlinked() -> None:
    first, second = recruit(), recruit()
    uow = DictUnitOfWork(first, second)
    result = uow.run(link(first.id))
    device = uow.find(Device, device_id(UID))
    assert device is not None
    assert result == {"device_id": str(device.id), "volunteer_id": str(first.id)}
    assert device.volunteer_id == first.id
    uow.run(link(second.id))  # moved to someone else
    assert device.volunteer_id == second.id
    with refused(Code.ALREADY_LINKED):
        uow.run(link(second.id))
    uow.run(unlink())
    assert device.volunteer_id is None
    with refused(Code.NOT_LINKED):
        uow.run(unlink())


def test_only_a_registered_volunteer_and_a_known_device() -> None:
    uow = DictUnitOfWork()
    with refused(Code.VOLUNTEER_NOT_FOUND):
        uow.run(link(uuid4()))
    with refused(Code.DEVICE_NOT_FOUND):
        uow.run(unlink("ANDROID-never"))


@pytest.mark.parametrize("uid", ["", "has space", "x" * 201, "nul\0"])
def test_a_uid_is_text_without_spaces(uid: str) -> None:
    with refused(Code.INVALID_VALUE):
        DictUnitOfWork(someone := recruit()).run(link(someone.id, uid))


def test_a_volunteer_cannot_link_their_own_device() -> None:
    someone = recruit()
    command = c.LinkDevice(
        command_id=uuid4(),
        actor=volunteer(someone.id),
        occurred_at=AT,
        device_uid=UID,
        volunteer_id=someone.id,
    )
    with refused(Code.ROLE_NOT_ALLOWED):
        DictUnitOfWork(someone).run(command)


def test_the_devices_view_says_whom_each_uid_speaks_for() -> None:
    someone = recruit()
    uow = DictUnitOfWork(someone)
    with journal() as events:
        uow.run(link(someone.id))
        uow.run(unlink())
        uow.run(link(someone.id))
    views = all_views()
    changes = fold(views, enumerate(events, start=1))
    row = views["devices"].rows[UID]
    assert row["volunteer_id"] == str(someone.id)
    assert row["linked_by"] == COMMANDER.name
    assert [
        c.row["volunteer_id"] if c.row else None for c in changes if c.view == "devices"
    ][-2:] == [None, str(someone.id)]
