"""Handlers for TAK devices: a commander links a device's uid to a volunteer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commands as c
from domain.errors import Code, NotFound
from domain.handlers.base import Result, UnitOfWork, handles, load
from domain.model.device import Device, device_id, device_uid
from domain.model.volunteer import Volunteer

if TYPE_CHECKING:
    from domain.model.base import Provenance


@handles(c.LinkDevice)
def _link(uow: UnitOfWork, cmd: c.LinkDevice, p: Provenance) -> Result:
    uid = device_uid(cmd.device_uid)
    volunteer = load(uow, Volunteer, cmd.volunteer_id)
    device = uow.find(Device, device_id(uid))
    if device is None:
        device = Device.register(uid, p)
        uow.add(device)
    device.link(volunteer.id, p)
    return {"device_id": str(device.id), "volunteer_id": str(volunteer.id)}


@handles(c.UnlinkDevice)
def _unlink(uow: UnitOfWork, cmd: c.UnlinkDevice, p: Provenance) -> Result:
    uid = device_uid(cmd.device_uid)
    device = uow.find(Device, device_id(uid))
    if device is None:
        raise NotFound(Code.DEVICE_NOT_FOUND, f"no device with uid {uid}")
    device.unlink(p)
    return {"device_id": str(device.id)}
