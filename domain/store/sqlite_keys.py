"""The SQLite store's key table (domain/store/keys.py): read, add, erase."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from domain.store.keys import KEYS_TABLE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore

ERASE_KEY = (
    f"INSERT INTO {KEYS_TABLE} (subject, key, erased_at) VALUES (?, NULL, ?) "
    "ON CONFLICT (subject) DO UPDATE SET key = NULL, erased_at = excluded.erased_at"
)


def last_erasure(c: SQLiteCursor) -> int:
    """The position of the last erasure (0 if none)."""
    c.execute(f"SELECT coalesce(max(erased_at), 0) FROM {KEYS_TABLE}")
    return int(c.fetchone()[0])


class SQLiteKeyTable:
    """The key table of a SQLite store (the recorder creates it)."""

    def __init__(self, datastore: SQLiteDatastore) -> None:
        self.datastore = datastore

    def select_keys(self, subjects: Sequence[str]) -> dict[str, bytes | None]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT subject, key FROM {KEYS_TABLE} "
                "WHERE subject IN (SELECT value FROM json_each(?))",
                (json.dumps(list(subjects)),),
            )
            return {r[0]: None if r[1] is None else bytes(r[1]) for r in c.fetchall()}

    def insert_keys(self, keys: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.executemany(
                f"INSERT INTO {KEYS_TABLE} (subject, key) VALUES (?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                list(keys.items()),
            )
