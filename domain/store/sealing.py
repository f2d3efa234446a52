"""The mapper that seals personal fields with their person's key, and opens them.

Events reach and leave the store only through the application's mapper, so this
is the one place personal data is encrypted and decrypted: handlers, aggregates
and projections see plain values, or the erased marker once the person's key is
gone. A sealed field is stored as bytes (nonce and AES-GCM ciphertext of the
value's msgpack); a field written before sealing existed stays as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from cryptography.exceptions import InvalidTag
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from domain.privacy import erases_person as erases
from domain.privacy import personal_fields
from domain.store.keys import KeyRing, KeyTable, seal, unseal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from eventsourcing.domain import DomainEventProtocol
    from eventsourcing.persistence import Transcoder


class SealingMapper(Mapper[UUID]):
    """eventsourcing's Mapper, with each person's fields sealed by their own key."""

    def __init__(self, transcoder: Transcoder, keys: KeyTable) -> None:
        super().__init__(transcoder)
        self.keys = KeyRing(keys)
        # By event class: whether it erases, whether a snapshot, its personal fields.
        self._plans: dict[type, tuple[bool, bool, dict[str, Any]]] = {}

    def to_stored_events(
        self, events: Sequence[DomainEventProtocol[UUID]]
    ) -> list[StoredEvent]:
        """Map a batch, making the keys its new people need in one transaction."""
        self.keys.ensure(
            e.originator_id for e in events if _personal(e) and not erases(type(e))
        )
        return [self.to_stored_event(e) for e in events]

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = _personal(domain_event)
        if not fields:
            return super().to_stored_event(domain_event)
        subject = domain_event.originator_id
        self.keys.ensure([subject])
        cipher = self.keys.cipher(subject)
        state = dict(vars(domain_event))
        if isinstance(domain_event, Snapshot):
            state["state"] = inner = dict(state["state"])
            self._seal(inner, fields, cipher)
        else:
            self._seal(state, fields, cipher)
        # The base maps vars(event): give it a stand-in holding the sealed values.
        stand_in = object.__new__(type(domain_event))
        object.__setattr__(stand_in, "__dict__", state)
        return super().to_stored_event(stand_in)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        kind = type(event)
        # The hot path of every rebuild: most events are neither.
        plan = self._plans.get(kind)
        if plan is None:
            plan = self._plans[kind] = (
                erases(kind),
                issubclass(kind, Snapshot),
                personal_fields(kind),
            )
        erasing, snapshot, fields = plan
        if erasing:
            self.keys.forget(event.originator_id)
            return event
        if snapshot:
            fields = _personal(event)
        if fields:
            state = vars(event)
            if snapshot:
                state = cast("dict[str, Any]", state["state"])
            self._open(event.originator_id, state, fields)
        return event

    def forget(self, subjects: Iterable[UUID]) -> None:
        for subject in subjects:
            self.keys.forget(subject)

    def _seal(self, state: dict[str, Any], fields: dict[str, Any], cipher: Any) -> None:
        for name in fields:
            if name not in state:
                continue
            if cipher is None:  # erased already: nothing of theirs is written
                state[name] = None
                continue
            plain = self.transcoder.encode(state[name])
            state[name] = seal(cipher, plain, name)

    def _open(
        self, subject: UUID, state: dict[str, Any], fields: dict[str, Any]
    ) -> None:
        cipher = None
        for name, erased in fields.items():
            value = state.get(name)
            if name not in state or not (value is None or isinstance(value, bytes)):
                continue  # absent, or written in the clear before sealing existed
            if value is not None and cipher is None:
                cipher = self.keys.cipher(subject)
            if value is None or cipher is None:
                state[name] = erased
                continue
            try:
                state[name] = self.transcoder.decode(unseal(cipher, value, name))
            except InvalidTag:
                # A key made again after its row was lost cannot open old data.
                state[name] = erased


def _personal(event: object) -> dict[str, Any]:
    if isinstance(event, Snapshot):
        topic = cast("str", vars(event)["topic"])
        return personal_fields(resolve_topic(topic))
    return personal_fields(type(event))
