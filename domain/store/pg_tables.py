"""PostgreSQL tables that several gateway processes may create at once."""

from __future__ import annotations

import hashlib

from eventsourcing.postgres import PostgresRecorder
from psycopg.errors import DuplicateObject


class CreatesTablesInTurn(PostgresRecorder):
    """A recorder whose tables several processes may create at the same moment."""

    def create_table(self) -> None:
        """Create the schema's tables and types, safely from several processes.

        PostgreSQL's `CREATE ... IF NOT EXISTS` is not safe against another
        session doing the same at the same moment: the loser fails on a unique
        violation in `pg_type`. Two gateways starting on a new database did
        exactly that, so creators take turns under a lock named by the schema.
        """
        schema = self.datastore.schema
        digest = hashlib.blake2b(f"brigade:create:{schema}".encode(), digest_size=8)
        lock_key = int.from_bytes(digest.digest(), "big", signed=True)
        with self.datastore.get_connection() as conn, conn.transaction():
            curs = conn.cursor()
            curs.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
            for statement in self.sql_create_statements:
                if "CREATE TYPE" in statement.as_string():
                    # No IF NOT EXISTS for types: a savepoint keeps the
                    # transaction alive when the type is already there.
                    try:
                        with conn.transaction():
                            curs.execute(statement, prepare=False)
                    except DuplicateObject:
                        pass
            self._create_table(curs)
        self.datastore.register_type_adapters()
