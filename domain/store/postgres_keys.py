"""The PostgreSQL store's key table (domain/store/keys.py): read and add keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psycopg.sql import SQL, Identifier

from domain.store.keys import KEYS_TABLE

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from eventsourcing.postgres import PostgresDatastore


class PostgresKeyTable:
    """The key table of a PostgreSQL store (the recorder creates it)."""

    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore
        names = {"schema": Identifier(datastore.schema), "keys": Identifier(KEYS_TABLE)}
        self.select_statement = SQL(
            "SELECT subject, key FROM {schema}.{keys} WHERE subject = ANY(%s::text[])"
        ).format(**names)
        self.insert_statement = SQL(
            "INSERT INTO {schema}.{keys} (subject, key) "
            "SELECT * FROM unnest(%s::text[], %s::bytea[]) "
            "ON CONFLICT (subject) DO NOTHING"
        ).format(**names)

    def select_keys(self, subjects: Sequence[str]) -> dict[str, bytes | None]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_statement, (list(subjects),))
            return {
                r["subject"]: None if r["key"] is None else bytes(r["key"])
                for r in curs.fetchall()
            }

    def insert_keys(self, keys: Mapping[str, bytes]) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.insert_statement, (list(keys), list(keys.values())))
