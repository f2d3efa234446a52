"""The sealing mapper on its own, with the key table in a dict.

The integration tests (test_erasure.py) run it on the real stores; these pin
the format's promises: a sealed field opens only with its person's key and only
as the field it was sealed as, and a value written in the clear stays readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from eventsourcing.persistence import Mapper
from support import provenance

from domain.model.volunteer import Volunteer
from domain.privacy import ERASED
from domain.store.sealing import SealingMapper
from domain.store.transcoder import MsgpackTranscoder

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from eventsourcing.persistence import StoredEvent


class DictKeys:
    def __init__(self) -> None:
        self.rows: dict[str, bytes | None] = {}
        self.inserts = 0

    def select_keys(self, subjects: Sequence[str]) -> dict[str, bytes | None]:
        return {s: self.rows[s] for s in subjects if s in self.rows}

    def insert_keys(self, keys: Mapping[str, bytes]) -> None:
        self.inserts += 1
        for subject, key in keys.items():
            self.rows.setdefault(subject, key)


def registered(name: str = "Xu Ming") -> Volunteer.Registered:
    volunteer = Volunteer.register(
        uuid4(), name=name, contact="+86 138 0000 1111", community="Heshi",
        domains=[], p=provenance(),
    )  # fmt: skip
    event = volunteer.collect_events()[0]
    assert isinstance(event, Volunteer.Registered)
    return event


def stored(mapper: SealingMapper, event: Volunteer.Registered) -> StoredEvent:
    return mapper.to_stored_events([event])[0]


def test_a_name_is_sealed_and_opens_with_its_key() -> None:
    keys = DictKeys()
    mapper = SealingMapper(MsgpackTranscoder(), keys)
    event = registered()
    first, again = stored(mapper, event), stored(mapper, event)
    assert b"Xu Ming" not in first.state and b"+86" not in first.state
    assert first.state != again.state  # a fresh nonce each time
    assert b"Heshi" in first.state  # not personal
    opened = mapper.to_domain_event(first)
    assert (opened.name, opened.contact) == ("Xu Ming", "+86 138 0000 1111")  # type: ignore[attr-defined]
    assert keys.inserts == 1  # one key per person, made once


def test_without_the_key_the_fields_read_erased_and_the_rest_stays() -> None:
    keys = DictKeys()
    event = registered()
    sealed = stored(SealingMapper(MsgpackTranscoder(), keys), event)
    keys.rows[str(event.originator_id)] = None  # the tombstone
    opened = SealingMapper(MsgpackTranscoder(), keys).to_domain_event(sealed)
    assert (opened.name, opened.contact) == (ERASED, ERASED)  # type: ignore[attr-defined]
    assert opened.community == "Heshi"  # type: ignore[attr-defined]


def test_a_sealed_value_opens_only_as_its_own_field() -> None:
    keys = DictKeys()
    mapper = SealingMapper(MsgpackTranscoder(), keys)
    sealed = stored(mapper, registered())
    transcoder = MsgpackTranscoder()
    state = transcoder.decode(sealed.state)
    state["name"], state["contact"] = state["contact"], state["name"]
    swapped = type(sealed)(
        originator_id=sealed.originator_id,
        originator_version=sealed.originator_version,
        topic=sealed.topic,
        state=transcoder.encode(state),
    )
    opened = mapper.to_domain_event(swapped)
    assert (opened.name, opened.contact) == (ERASED, ERASED)  # type: ignore[attr-defined]


def test_a_name_written_before_sealing_stays_readable() -> None:
    plain = MsgpackTranscoder()
    event = registered("Old Record")
    clear = Mapper[UUID](plain).to_stored_event(event)
    opened = SealingMapper(MsgpackTranscoder(), DictKeys()).to_domain_event(clear)
    assert opened.name == "Old Record"  # type: ignore[attr-defined]
