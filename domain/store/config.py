"""Turns a database URL into the eventsourcing environment that selects the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping

# Factory classes by topic, not module: eventsourcing refuses a module holding
# more than one factory class. Strings, so choosing SQLite doesn't import psycopg.
SQLITE_FACTORY_TOPIC = "domain.store.sqlite:BrigadeSQLiteFactory"
POSTGRES_FACTORY_TOPIC = "domain.store.postgres:BrigadePostgresFactory"
DEFAULT_SQLITE_FILENAME = "brigade.sqlite3"

SUPPORTED = (
    "expected nothing (SQLite in the data directory), sqlite:///relative/path, "
    "sqlite:////absolute/path or postgresql://user[:password]@host[:port]/dbname"
    "[?schema=name]"
)


@dataclass(frozen=True)
class StoreLimits:
    """How long the store may keep a caller waiting; each an env `BRIGADE_STORE_*`.

    Past these the call fails with `StoreUnavailable` (a 503 to a client) rather
    than hold the request: a store outage is answered in about a second, and the
    first call after the store is back succeeds.
    """

    # Seconds to open one PostgreSQL connection (libpq counts whole seconds, >= 2).
    connect_timeout: float = 2.0
    # Seconds a call waits for a PostgreSQL connection from the pool (while the
    # store is known to be away, at most WAIT_WHILE_DOWN).
    wait: float = 1.0
    # The longest pause between two attempts to reconnect to PostgreSQL.
    reconnect: float = 0.5
    # Seconds a write waits for another process's write: PostgreSQL's lock on the
    # events table, SQLite's lock on its file.
    lock_timeout: float = 2.0
    # How often a batch whose connection died while idle (the database restarted)
    # runs again at once before its commands are answered "unavailable".
    retries: int = 1

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StoreLimits:
        """Read from `BRIGADE_STORE_<FIELD>`; unset or empty keeps the default."""
        values: dict[str, float | int] = {}
        for spec in fields(cls):
            key = env_name(spec.name)
            raw = (environ.get(key) or "").strip()
            if not raw:
                continue
            kind = int if spec.type in ("int", int) else float
            try:
                value = kind(raw)
            except ValueError:
                msg = f"{key} must be a number of {'times' if kind is int else 's'}"
                raise ValueError(msg) from None
            if value < 0 or value != value:  # negative, or NaN
                msg = f"{key} must be at least 0"
                raise ValueError(msg)
            values[spec.name] = value
        return cls(**values)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        return {env_name(name): str(value) for name, value in asdict(self).items()}


# While the store is known to be away, a call waits this long at most for a
# connection: the reconnecting pool hands one over as soon as it is back.
WAIT_WHILE_DOWN = 0.25


def env_name(field_name: str) -> str:
    return f"BRIGADE_STORE_{field_name.upper()}"


def store_env(
    database_url: str | None, data_dir: Path, limits: StoreLimits | None = None
) -> dict[str, str]:
    """The eventsourcing environment for the store the URL names.

    Without `limits`, the store reads them from the process's environment
    (eventsourcing adds it), or takes the defaults.
    """
    limits_env = {} if limits is None else limits.env()
    if not database_url:
        data_dir.mkdir(parents=True, exist_ok=True)
        return _sqlite_env(data_dir / DEFAULT_SQLITE_FILENAME) | limits_env
    scheme = database_url.partition(":")[0].lower()
    if scheme == "sqlite":
        return _sqlite_env(_sqlite_path(database_url)) | limits_env
    if scheme in ("postgresql", "postgres"):
        return _postgres_env(database_url) | limits_env
    msg = f"Unsupported database URL scheme {scheme!r}: {SUPPORTED}"
    raise ValueError(msg)


def describe_store(env: Mapping[str, str]) -> str:
    """A human description of the store, without any password."""
    topic = env.get("PERSISTENCE_MODULE")
    if topic == SQLITE_FACTORY_TOPIC:
        return f"SQLite {env['SQLITE_DBNAME']}"
    if topic == POSTGRES_FACTORY_TOPIC:
        host = env["POSTGRES_HOST"]
        if ":" in host:
            host = f"[{host}]"
        where = (
            f"{env['POSTGRES_USER']}@{host}:{env['POSTGRES_PORT']}/"
            f"{env['POSTGRES_DBNAME']}"
        )
        schema = env.get("POSTGRES_SCHEMA", "public")
        suffix = "" if schema == "public" else f" (schema {schema})"
        return f"PostgreSQL {where}{suffix}"
    msg = f"Not a brigade store environment (PERSISTENCE_MODULE={topic!r})"
    raise ValueError(msg)


def _sqlite_env(path: Path) -> dict[str, str]:
    # Absolute, fixed against today's working directory: the store can't move
    # if that changes later, and operators see where it is.
    return {
        "PERSISTENCE_MODULE": SQLITE_FACTORY_TOPIC,
        "SQLITE_DBNAME": str(path.resolve()),
    }


def _sqlite_path(database_url: str) -> Path:
    # As SQLAlchemy reads them: what follows "sqlite:///" is the path, so a
    # fourth slash makes it absolute.
    prefix = "sqlite:///"
    raw = database_url[len(prefix) :]
    if database_url[: len(prefix)].lower() != prefix or not raw:
        msg = f"Bad SQLite URL {database_url!r}: {SUPPORTED}"
        raise ValueError(msg)
    if ":memory:" in raw or "mode=memory" in raw:
        msg = "An in-memory SQLite store would lose every record: name a file"
        raise ValueError(msg)
    path = Path(unquote(raw))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _postgres_env(database_url: str) -> dict[str, str]:
    parts = urlsplit(database_url)
    try:
        port: int | None = parts.port or 5432
    except ValueError:
        port = None
    dbname = unquote(parts.path.removeprefix("/"))
    query = parse_qs(parts.query, keep_blank_values=True)
    schemas = query.pop("schema", ["public"])
    problems = [
        problem
        for problem, ok in (
            ("no user", parts.username),
            ("no host", parts.hostname),
            ("a bad port", port),
            ("no database name", dbname and "/" not in dbname),
            ("not one schema name", len(schemas) == 1 and schemas[0]),
            (f"unknown options {sorted(query)}", not query),
            ("a fragment", not parts.fragment),
        )
        if not ok
    ]
    if problems or parts.username is None or parts.hostname is None:
        # The URL itself is left out: it may hold a password.
        msg = f"Bad PostgreSQL URL ({', '.join(problems)}): {SUPPORTED}"
        raise ValueError(msg)
    return {
        "PERSISTENCE_MODULE": POSTGRES_FACTORY_TOPIC,
        "POSTGRES_DBNAME": dbname,
        # Unquoted, so a socket directory can be given as %2Fvar%2Frun%2Fpostgresql.
        "POSTGRES_HOST": unquote(parts.hostname),
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schemas[0],
    }
