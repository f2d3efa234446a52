"""Device: a TAK device (ATAK, iTAK, WinTAK) by its CoT uid, and whom it speaks for.

A commander links a device's uid to a volunteer; from then on what the device
reports over Cursor on Target is that volunteer's, until it is unlinked or
linked to someone else. The aggregate's id is derived from the uid (`device_id`).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from domain import checks
from domain.errors import Code, Conflict
from domain.model.base import BrigadeAggregate, Provenance

# The longest uid taken (ATAK's are "ANDROID-" and 16 hex digits, or a UUID).
MAX_UID = 200
_NAMESPACE = uuid5(NAMESPACE_URL, "https://brigade.invalid/tak-device")


def device_id(uid: str) -> UUID:
    """The aggregate id of the device with this CoT uid."""
    return uuid5(_NAMESPACE, uid)


def device_uid(uid: object) -> str:
    """A CoT uid as given: text without spaces, at most MAX_UID characters."""
    text = checks.text("device_uid", uid, limit=MAX_UID)
    if any(ch.isspace() for ch in text):
        raise checks.invalid("device_uid may not contain spaces")
    return text


class Device(BrigadeAggregate):
    class Registered(BrigadeAggregate.Created):
        field_clock = False
        uid: str

        def apply(self, device: Device) -> None:
            device.uid = self.uid

    class Linked(BrigadeAggregate.Event):
        field_clock = False
        volunteer_id: UUID

        def apply(self, device: Device) -> None:
            device.volunteer_id = self.volunteer_id

    class Unlinked(BrigadeAggregate.Event):
        field_clock = False

        def apply(self, device: Device) -> None:
            device.volunteer_id = None

    uid: str
    volunteer_id: UUID | None

    def __init__(self) -> None:
        self.volunteer_id = None

    @classmethod
    def register(cls, uid: str, p: Provenance) -> Device:
        return cls._create(
            cls.Registered, id=device_id(uid), uid=device_uid(uid), **p.as_kwargs()
        )

    def link(self, volunteer_id: UUID, p: Provenance) -> None:
        if self.volunteer_id == volunteer_id:
            raise Conflict(Code.ALREADY_LINKED, "the device is already linked to them")
        self.trigger_event(self.Linked, volunteer_id=volunteer_id, **p.as_kwargs())

    def unlink(self, p: Provenance) -> None:
        if self.volunteer_id is None:
            raise Conflict(Code.NOT_LINKED, "the device is not linked to anyone")
        self.trigger_event(self.Unlinked, **p.as_kwargs())
