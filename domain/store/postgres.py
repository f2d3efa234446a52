"""The PostgreSQL event store, with command records beside the events."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

from eventsourcing.persistence import NotSupportedError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from psycopg.sql import SQL, Identifier, Literal

from domain.store.config import StoreLimits
from domain.store.keys import KEYS_TABLE
from domain.store.pg_tables import CreatesTablesInTurn
from domain.store.pgpool import HealingPostgresDatastore
from domain.store.postgres_keys import PostgresKeyTable
from domain.store.sealing import SealingMapper
from domain.store.transcoder import MsgpackTranscoder

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.utils import Environment, EnvType
    from psycopg import Cursor
    from psycopg.rows import DictRow
    from psycopg.sql import Composed


class BrigadePostgresSnapshotRecorder(CreatesTablesInTurn, PostgresAggregateRecorder):
    """The snapshot store's recorder."""


class BrigadePostgresApplicationRecorder(
    CreatesTablesInTurn, PostgresApplicationRecorder
):
    """Application recorder that also records processed commands atomically."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        commands_table_name: str = "brigade_commands",
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if isinstance(datastore, HealingPostgresDatastore):
            # In milliseconds: eventsourcing's own statement counts whole seconds.
            wait = f"{round(datastore.limits.lock_timeout * 1000)}ms"
            self.lock_table_statements[0] = SQL("SET LOCAL lock_timeout = {0}").format(
                Literal(wait)
            )
        self.check_identifier_length(commands_table_name)
        # Erasures hold it alone, saves of views share it: a save sees every
        # erasure committed before it, and none commits while it decides.
        digest = hashlib.blake2b(
            f"brigade:erasure:{self.datastore.schema}".encode(), digest_size=8
        )
        self.erasure_lock = int.from_bytes(digest.digest(), "big", signed=True)
        self.commands_table_name = commands_table_name
        names = {
            "schema": Identifier(self.datastore.schema),
            "commands": Identifier(commands_table_name),
            # Views' saved state, and views saved along the log for replay:
            # derived data, dropped and made again at will.
            "checkpoints": Identifier("brigade_checkpoints"),
            "seek_points": Identifier("brigade_seek_points"),
            "keys": Identifier(KEYS_TABLE),
            "events": Identifier(self.events_table_name),
            "id_type": Identifier(self.datastore.originator_id_type),
        }

        def sql(text: str) -> Composed:
            return SQL(text).format(**names)

        self.sql_create_statements += [
            sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{commands} ("
                "command_id text PRIMARY KEY, outcome bytea NOT NULL)"
            ),
            sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{checkpoints} ("
                "name text PRIMARY KEY, position bigint NOT NULL, state bytea NOT NULL)"
            ),
            sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{seek_points} ("
                "position bigint PRIMARY KEY, as_of double precision, "
                "format integer NOT NULL, state bytea NOT NULL)"
            ),
            # Each person's key, or a tombstone once erased (domain/store/keys.py).
            sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{keys} ("
                "subject text PRIMARY KEY, key bytea, erased_at bigint)"
            ),
        ]
        self.select_checkpoint_statement = sql(
            "SELECT position, state FROM {schema}.{checkpoints} WHERE name = %s"
        )
        self.save_checkpoint_statement = sql(
            "INSERT INTO {schema}.{checkpoints} (name, position, state) "
            "VALUES (%s, %s, %s) ON CONFLICT (name) DO UPDATE "
            "SET position = excluded.position, state = excluded.state"
        )
        self.drop_checkpoints_statement = sql("DELETE FROM {schema}.{checkpoints}")
        self.save_seek_point_statement = sql(
            "INSERT INTO {schema}.{seek_points} (position, as_of, format, state) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (position) DO NOTHING"
        )
        self.select_seek_points_statement = sql(
            "SELECT position, as_of, format FROM {schema}.{seek_points} "
            "ORDER BY position"
        )
        self.select_seek_state_statement = sql(
            "SELECT state FROM {schema}.{seek_points} WHERE position = %s"
        )
        self.drop_seek_points_statement = sql("DELETE FROM {schema}.{seek_points}")
        # Stamped with the batch's last position (the events table is locked):
        # views saved from before it are refused from then on.
        self.erase_keys_statement = sql(
            "INSERT INTO {schema}.{keys} (subject, key, erased_at) "
            "SELECT unnest(%s::text[]), NULL, "
            "(SELECT max(notification_id) FROM {schema}.{events}) "
            "ON CONFLICT (subject) DO UPDATE SET key = NULL, "
            "erased_at = excluded.erased_at"
        )
        self.last_erasure_statement = sql(
            "SELECT coalesce(max(erased_at), 0) AS at FROM {schema}.{keys}"
        )
        self.vacuum_keys_statement = sql("VACUUM {schema}.{keys}")
        # One statement for the whole batch, pipelined with the event insert.
        self.insert_commands_statement = sql(
            "INSERT INTO {schema}.{commands} (command_id, outcome) "
            "SELECT * FROM unnest(%s::text[], %s::bytea[])"
        )
        self.select_commands_statement = sql(
            "SELECT command_id, outcome FROM {schema}.{commands} "
            "WHERE command_id = ANY(%s::text[])"
        )
        self.select_notification_ids_statement = sql(
            "SELECT k.i, e.notification_id "
            "FROM unnest(%s::{id_type}[], %s::bigint[]) "
            "WITH ORDINALITY AS k(originator_id, originator_version, i) "
            "JOIN {schema}.{events} AS e "
            "ON e.originator_id = k.originator_id "
            "AND e.originator_version = k.originator_version"
        )

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        commands: Sequence[tuple[str, bytes]] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None:
        """Inserts events and (command_id, outcome) records in one transaction."""
        if commands and self.datastore.enable_db_functions:
            # That path inserts events through a database function and never
            # calls _insert_events(), so the commands would be silently lost.
            msg = "Command records need POSTGRES_ENABLE_DB_FUNCTIONS off"
            raise NotSupportedError(msg)
        notification_ids = super().insert_events(
            stored_events, commands=commands, **kwargs
        )
        if isinstance(self.datastore, HealingPostgresDatastore):
            self.datastore.outage.worked(wrote=True)  # it takes writes again
        # The base gives None when there were no events; SQLite gives [].
        return [] if notification_ids is None else notification_ids

    def _insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        # Called by the base inside the transaction, even with no events.
        super()._insert_events(curs, stored_events, **kwargs)
        commands: Sequence[tuple[str, bytes]] = kwargs.get("commands", ())
        if commands:
            # Sorted, so two batches sharing ids lock rows in the same order
            # and one waits for the other instead of deadlocking.
            ordered = sorted(commands)
            curs.execute(
                self.insert_commands_statement,
                ([c[0] for c in ordered], [c[1] for c in ordered]),
            )

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        # Called by the base with the events table locked: the erasure's stamp
        # below is the batch's last position.
        super()._insert_stored_events(curs, stored_events, **kwargs)
        erase: Sequence[UUID] = kwargs.get("erase", ())
        if not erase:
            return
        # Another cursor: the base reads the positions from this one's results.
        with curs.connection.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (self.erasure_lock,))
            other.execute(self.erase_keys_statement, (sorted(str(s) for s in erase),))
            # Saved views may hold what was erased: derived, so made again.
            other.execute(self.drop_checkpoints_statement)
            other.execute(self.drop_seek_points_statement)

    def scrub(self) -> None:
        """After an erasure: VACUUM the key table, so the old row's bytes go."""
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            try:
                conn.execute(self.vacuum_keys_statement)
            finally:
                conn.autocommit = False

    def select_checkpoint(self, name: str) -> tuple[int, bytes] | None:
        """The saved state of a view and the position it reflects, if any."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_checkpoint_statement, (name,))
            row = curs.fetchone()
        return None if row is None else (int(row["position"]), bytes(row["state"]))

    def save_checkpoint(self, name: str, position: int, state: bytes) -> None:
        """Save a view's state with its position: both or neither.

        Not if an erasure came after the position: views saved from before it
        may hold what it erased (docs/privacy.md).
        """
        with self.datastore.transaction(commit=True) as curs:
            if position < self._last_erasure(curs):
                return
            curs.execute(self.save_checkpoint_statement, (name, position, state))

    def _last_erasure(self, curs: Cursor[DictRow]) -> int:
        curs.execute("SELECT pg_advisory_xact_lock_shared(%s)", (self.erasure_lock,))
        curs.execute(self.last_erasure_statement)
        row = curs.fetchone()
        return 0 if row is None else int(row["at"])

    def drop_checkpoints(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.drop_checkpoints_statement)

    def save_seek_point(
        self,
        position: int,
        as_of: float | None,
        fmt: int,
        state: bytes,
        *,
        fresh: bool = False,
    ) -> bool:
        """Save the views as they stood at a position (kept if already there).

        Live views (not `fresh`: folded from the log just now) are not saved at
        a position before the last erasure. Returns whether the point is kept.
        """
        with self.datastore.transaction(commit=True) as curs:
            if not fresh and position < self._last_erasure(curs):
                return False
            curs.execute(self.save_seek_point_statement, (position, as_of, fmt, state))
        return True

    def select_seek_points(self) -> list[tuple[int, float | None, int]]:
        """Every saved seek point: (position, field time as POSIX, format)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_seek_points_statement)
            return [
                (int(r["position"]), r["as_of"], int(r["format"]))
                for r in curs.fetchall()
            ]

    def select_seek_state(self, position: int) -> bytes | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_seek_state_statement, (position,))
            row = curs.fetchone()
        return None if row is None else bytes(row["state"])

    def drop_seek_points(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.drop_seek_points_statement)

    def probe(self) -> int:
        """The last position; `StoreUnavailable` if the database does not answer."""
        return self.max_notification_id() or 0

    def select_commands(self, command_ids: Sequence[str]) -> dict[str, bytes]:
        """The recorded outcome of each given command that has one."""
        if not command_ids:
            return {}
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_commands_statement, (list(command_ids),))
            return {row["command_id"]: bytes(row["outcome"]) for row in curs}

    def select_notification_ids(
        self, keys: Sequence[tuple[UUID, int]]
    ) -> list[int | None]:
        """The notification id of each (originator_id, version), None if absent."""
        if not keys:
            return []
        positions: list[int | None] = [None] * len(keys)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                self.select_notification_ids_statement,
                ([k[0] for k in keys], [k[1] for k in keys]),
            )
            for row in curs:
                positions[row["i"] - 1] = row["notification_id"]
        return positions


# What the base's datastore read from the environment that ours takes as it is.
_KEPT = (
    "idle_in_transaction_session_timeout",
    "pre_ping",
    "schema",
    "single_row_tracking",
    "originator_id_type",
    "enable_db_functions",
)


class BrigadePostgresFactory(PostgresFactory):
    """PostgresFactory for brigade: command records, msgpack, bounded waits."""

    aggregate_recorder_class = BrigadePostgresSnapshotRecorder
    application_recorder_class = BrigadePostgresApplicationRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The base read the environment into its datastore (no connection yet);
        # ours keeps all that and bounds every wait by the store's limits.
        base = self.datastore
        pool = base.pool
        params = cast("dict[str, Any]", pool.kwargs)
        kept = {name: getattr(base, name) for name in _KEPT}
        self.datastore = HealingPostgresDatastore(
            *(params[name] for name in ("dbname", "host", "port", "user", "password")),
            pool_size=pool.min_size,
            max_overflow=pool.max_size - pool.min_size,
            max_waiting=pool.max_waiting,
            conn_max_age=pool.max_lifetime,
            get_password_func=pool.get_password_func,
            **kept,
            limits=StoreLimits.from_env(self.env),
        )
        base.close()

    def transcoder(self) -> Transcoder:
        """MsgpackTranscoder, unless TRANSCODER_TOPIC names another."""
        if self.env.get(self.TRANSCODER_TOPIC):
            return super().transcoder()
        return MsgpackTranscoder()

    def mapper(
        self,
        transcoder: Transcoder | None = None,
        mapper_class: type[Mapper[Any]] | None = None,
    ) -> Mapper[Any]:
        """A SealingMapper whose keys are in this store, unless MAPPER_TOPIC says."""
        if mapper_class is not None or self.env.get(self.MAPPER_TOPIC):
            return super().mapper(transcoder, mapper_class)
        return SealingMapper(
            transcoder or self.transcoder(), PostgresKeyTable(self.datastore)
        )
