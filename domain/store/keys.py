"""Each person's key, kept in a table beside the log and never in it.

A key is 32 random bytes for AES-256-GCM, made the first time a person's data is
written. Erasing the person turns their row into a tombstone (no key), in the
same transaction as the erasure's event: from then on their sealed fields can
never be read again, and no new key is ever made for them.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from uuid import UUID

KEYS_TABLE = "brigade_person_keys"
KEY_BYTES = 32
NONCE_BYTES = 12


class KeyTable(Protocol):
    """The store's side of the key ring: one row per person, key or tombstone."""

    def select_keys(self, subjects: Sequence[str]) -> dict[str, bytes | None]:
        """Each subject's key; None for a tombstone; absent if it never had one."""
        ...

    def insert_keys(self, keys: Mapping[str, bytes]) -> None:
        """Add keys for new subjects, keeping any row already there."""
        ...


class KeyRing:
    """People's ciphers by subject, cached; a missing key reads as erased."""

    def __init__(self, table: KeyTable) -> None:
        self.table = table
        # None: erased (or lost), so their sealed fields read as the marker.
        self._ciphers: dict[str, AESGCM | None] = {}
        self._lock = threading.Lock()

    def ensure(self, subjects: Iterable[UUID]) -> None:
        """Make keys for the subjects that have none yet, in one transaction."""
        wanted = {str(s) for s in subjects} - self._ciphers.keys()
        if not wanted:
            return
        self._load(sorted(wanted))
        missing = wanted - self._ciphers.keys()
        if missing:
            self.table.insert_keys({s: os.urandom(KEY_BYTES) for s in sorted(missing)})
            # Read back: another process may have made one first.
            self._load(sorted(missing))

    def cipher(self, subject: UUID) -> AESGCM | None:
        """The subject's cipher, or None if they were erased (or never had a key)."""
        key = str(subject)
        try:
            return self._ciphers[key]
        except KeyError:
            self._load([key])
            return self._ciphers.setdefault(key, None)

    def forget(self, subject: UUID) -> None:
        """Drop a cached key: the person was erased."""
        with self._lock:
            self._ciphers[str(subject)] = None

    def _load(self, subjects: Sequence[str]) -> None:
        found = self.table.select_keys(subjects)
        with self._lock:
            for subject, key in found.items():
                # An erasure seen first wins over a key read a moment before it.
                if self._ciphers.get(subject, True) is not None:
                    self._ciphers[subject] = None if key is None else AESGCM(key)


def seal(cipher: AESGCM, plain: bytes, field: str) -> bytes:
    """The nonce and the ciphertext; the field's name is bound in as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plain, field.encode())


def unseal(cipher: AESGCM, sealed: bytes, field: str) -> bytes:
    return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], field.encode())
