"""The SQLite event store: durable commits, and command records beside the events."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteDatastore,
    SQLiteFactory,
)

from domain.store.config import StoreLimits
from domain.store.keys import KEYS_TABLE
from domain.store.sealing import SealingMapper
from domain.store.sqlite_datastore import DurableSQLiteDatastore
from domain.store.sqlite_keys import ERASE_KEY, SQLiteKeyTable, last_erasure
from domain.store.transcoder import MsgpackTranscoder

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
    from eventsourcing.sqlite import SQLiteCursor
    from eventsourcing.utils import Environment, EnvType


class BrigadeSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Application recorder that also records processed commands atomically."""

    def __init__(
        self,
        datastore: SQLiteDatastore,
        events_table_name: str = "stored_events",
        commands_table_name: str = "brigade_commands",
    ) -> None:
        # Needed by construct_create_table_statements(), called by the base.
        self.commands_table_name = commands_table_name
        super().__init__(datastore, events_table_name)
        self.insert_commands_statement = (
            f"INSERT INTO {commands_table_name} (command_id, outcome) VALUES (?, ?)"
        )
        # One fixed statement for any number of ids: they travel as a JSON array.
        self.select_commands_statement = (
            f"SELECT command_id, outcome FROM {commands_table_name} "
            "WHERE command_id IN (SELECT value FROM json_each(?))"
        )
        self.select_notification_ids_statement = (
            f"SELECT k.key, e.rowid FROM json_each(?) AS k "
            f"JOIN {self.events_table_name} AS e "
            "ON e.originator_id = json_extract(k.value, '$[0]') "
            "AND e.originator_version = json_extract(k.value, '$[1]')"
        )

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        # WITHOUT ROWID also makes SQLite refuse a NULL primary key.
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.commands_table_name} ("
            "command_id TEXT PRIMARY KEY, "
            "outcome BLOB NOT NULL) "
            "WITHOUT ROWID"
        )
        # Views' saved state: derived data, dropped and rebuilt at will.
        statements.append(
            "CREATE TABLE IF NOT EXISTS brigade_checkpoints ("
            "name TEXT PRIMARY KEY, position INTEGER NOT NULL, state BLOB NOT NULL)"
        )
        # Views saved at positions along the log, for replay: derived data too.
        statements.append(
            "CREATE TABLE IF NOT EXISTS brigade_seek_points ("
            "position INTEGER PRIMARY KEY, as_of REAL, format INTEGER NOT NULL, "
            "state BLOB NOT NULL)"
        )
        # Each person's key, or a tombstone once erased (domain/store/keys.py).
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} ("
            "subject TEXT PRIMARY KEY, key BLOB, erased_at INTEGER) WITHOUT ROWID"
        )
        return statements

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        commands: Sequence[tuple[str, bytes]] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None:
        """Inserts events and (command_id, outcome) records in one transaction."""
        return super().insert_events(stored_events, commands=commands, **kwargs)

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        notification_ids: list[int] = []
        if stored_events:
            # One executemany, not one execute per row. Rows inserted without a
            # rowid take max(rowid) + 1 each, and this transaction holds the write
            # lock, so the batch's rowids are the run that ends at the last one.
            c.executemany(
                self.insert_events_statement,
                [
                    (
                        s.originator_id.hex
                        if isinstance(s.originator_id, UUID)
                        else s.originator_id,
                        s.originator_version,
                        s.topic,
                        s.state,
                    )
                    for s in stored_events
                ],
            )
            c.execute("SELECT last_insert_rowid()")
            last = c.fetchone()[0]
            notification_ids = list(range(last - len(stored_events) + 1, last + 1))
        commands: Sequence[tuple[str, bytes]] = kwargs.get("commands", ())
        if commands:
            c.executemany(self.insert_commands_statement, commands)
        erase: Sequence[UUID] = kwargs.get("erase", ())
        if erase:
            # Stamped with the batch's last position (this transaction holds the
            # write lock): views saved from before it are refused from now on.
            at = notification_ids[-1] if notification_ids else 0
            c.executemany(ERASE_KEY, [(str(s), at) for s in erase])
            # Saved views may hold what was erased: derived, so made again.
            c.execute("DELETE FROM brigade_checkpoints")
            c.execute("DELETE FROM brigade_seek_points")
        return notification_ids

    def scrub(self) -> None:
        """After an erasure: move the WAL into the file and empty it.

        The WAL still holds the page images the erased key was on until then.
        """
        with (
            self.datastore.get_connection(commit=True) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def select_checkpoint(self, name: str) -> tuple[int, bytes] | None:
        """The saved state of a view and the position it reflects, if any."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT position, state FROM brigade_checkpoints WHERE name = ?",
                (name,),
            )
            row = c.fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def save_checkpoint(self, name: str, position: int, state: bytes) -> None:
        """Save a view's state with its position: both or neither.

        Not if an erasure came after the position: views saved from before it
        may hold what it erased (docs/privacy.md).
        """
        with self.datastore.transaction(commit=True) as c:
            if position < last_erasure(c):
                return
            c.execute(
                "INSERT INTO brigade_checkpoints (name, position, state) "
                "VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
                "state = excluded.state",
                (name, position, state),
            )

    def drop_checkpoints(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM brigade_checkpoints")

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
        with self.datastore.transaction(commit=True) as c:
            if not fresh and position < last_erasure(c):
                return False
            c.execute(
                "INSERT INTO brigade_seek_points (position, as_of, format, state) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (position) DO NOTHING",
                (position, as_of, fmt, state),
            )
        return True

    def select_seek_points(self) -> list[tuple[int, float | None, int]]:
        """Every saved seek point: (position, field time as POSIX, format)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT position, as_of, format FROM brigade_seek_points "
                "ORDER BY position"
            )
            return [(int(r[0]), r[1], int(r[2])) for r in c.fetchall()]

    def select_seek_state(self, position: int) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT state FROM brigade_seek_points WHERE position = ?", (position,)
            )
            row = c.fetchone()
        return None if row is None else bytes(row[0])

    def drop_seek_points(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM brigade_seek_points")

    def probe(self) -> int:
        """The last position; `StoreUnavailable` while the file cannot be written.

        After a failed write, a commit that writes (a row written and deleted)
        shows whether the file takes writes again.
        """
        datastore = self.datastore
        if isinstance(datastore, DurableSQLiteDatastore) and datastore.outage.since:
            with datastore.transaction(commit=True) as c:
                for statement in _PROBE:
                    c.execute(statement)
        return self.max_notification_id() or 0

    def select_commands(self, command_ids: Sequence[str]) -> dict[str, bytes]:
        """The recorded outcome of each given command that has one."""
        if not command_ids:
            return {}
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_commands_statement, (json.dumps(list(command_ids)),))
            return {row[0]: row[1] for row in c.fetchall()}

    def select_notification_ids(
        self, keys: Sequence[tuple[UUID, int]]
    ) -> list[int | None]:
        """The notification id of each (originator_id, version), None if absent."""
        if not keys:
            return []
        # Stored ids are UUID hex (as the base writes them), or text as given.
        pairs = [[i.hex if isinstance(i, UUID) else i, version] for i, version in keys]
        positions: list[int | None] = [None] * len(keys)
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_notification_ids_statement, (json.dumps(pairs),))
            for index, rowid in c.fetchall():
                positions[index] = rowid
        return positions


# A write that leaves nothing behind, to see whether the file takes writes.
_PROBE = (
    "INSERT INTO brigade_checkpoints (name, position, state) "
    "VALUES ('probe', 0, zeroblob(4096)) ON CONFLICT (name) DO NOTHING",
    "DELETE FROM brigade_checkpoints WHERE name = 'probe'",
)


class BrigadeSQLiteFactory(SQLiteFactory):
    """SQLiteFactory for brigade: durable connections, command records, msgpack."""

    application_recorder_class = BrigadeSQLiteApplicationRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        base = self.datastore
        limits = StoreLimits.from_env(self.env)
        self.datastore = DurableSQLiteDatastore(
            db_name=base.pool.db_name,
            # sqlite3's busy timeout takes fractions of a second.
            lock_timeout=limits.lock_timeout,
            single_row_tracking=base.single_row_tracking,
            originator_id_type=base.originator_id_type,
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
            transcoder or self.transcoder(), SQLiteKeyTable(self.datastore)
        )
