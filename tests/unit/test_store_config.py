"""A database URL picks the store; a typo is an error, not a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventsourcing.utils import get_topic, resolve_topic

from domain.store.config import describe_store, store_env
from domain.store.postgres import BrigadePostgresFactory
from domain.store.sqlite import BrigadeSQLiteFactory


@pytest.mark.parametrize("url", [None, ""])
def test_no_url_means_sqlite_in_the_data_directory(
    url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = store_env(url, Path("not") / "yet")
    file = tmp_path / "not" / "yet" / "brigade.sqlite3"
    assert env == {
        "PERSISTENCE_MODULE": "domain.store.sqlite:BrigadeSQLiteFactory",
        "SQLITE_DBNAME": str(file),
    }
    assert file.parent.is_dir()
    assert describe_store(env) == f"SQLite {file}"


def test_factory_topics_name_the_factory_classes(tmp_path: Path) -> None:
    sqlite = store_env(None, tmp_path)["PERSISTENCE_MODULE"]
    postgres = store_env("postgresql://u@h/d", tmp_path)["PERSISTENCE_MODULE"]
    assert resolve_topic(sqlite) is BrigadeSQLiteFactory
    assert sqlite == get_topic(BrigadeSQLiteFactory)
    assert resolve_topic(postgres) is BrigadePostgresFactory
    assert postgres == get_topic(BrigadePostgresFactory)


def test_sqlite_url_with_an_absolute_path(tmp_path: Path) -> None:
    path = tmp_path / "stores" / "main.db"
    env = store_env(f"sqlite:///{path}", tmp_path / "unused")
    assert env["SQLITE_DBNAME"] == str(path)
    assert path.parent.is_dir()
    assert not (tmp_path / "unused").exists()


def test_sqlite_url_with_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = store_env("sqlite:///var/brigade.db", tmp_path / "unused")
    # Fixed against today's working directory, not whatever it is later.
    assert env["SQLITE_DBNAME"] == str(tmp_path / "var" / "brigade.db")


def test_postgres_url(tmp_path: Path) -> None:
    env = store_env("postgresql://brigade:s%40cret@db.example:6543/ops", tmp_path)
    assert env == {
        "PERSISTENCE_MODULE": "domain.store.postgres:BrigadePostgresFactory",
        "POSTGRES_DBNAME": "ops",
        "POSTGRES_HOST": "db.example",
        "POSTGRES_PORT": "6543",
        "POSTGRES_USER": "brigade",
        "POSTGRES_PASSWORD": "s@cret",
        "POSTGRES_SCHEMA": "public",
    }
    assert describe_store(env) == "PostgreSQL brigade@db.example:6543/ops"
    assert not list(tmp_path.iterdir())


def test_postgres_url_defaults_and_schema(tmp_path: Path) -> None:
    env = store_env("postgres://postgres@127.0.0.1/test?schema=east", tmp_path)
    assert env["POSTGRES_PORT"] == "5432"
    assert env["POSTGRES_PASSWORD"] == ""
    assert env["POSTGRES_SCHEMA"] == "east"
    assert (
        describe_store(env) == "PostgreSQL postgres@127.0.0.1:5432/test (schema east)"
    )


def test_postgres_ipv6_host_is_bracketed_in_the_description(tmp_path: Path) -> None:
    env = store_env("postgresql://u@[::1]:5433/d", tmp_path)
    assert env["POSTGRES_HOST"] == "::1"
    assert describe_store(env) == "PostgreSQL u@[::1]:5433/d"


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("mysql://u@h/d", "Unsupported database URL scheme 'mysql'"),
        ("brigade.sqlite3", "Unsupported database URL scheme 'brigade.sqlite3'"),
        ("sqlite:///", "Bad SQLite URL"),
        ("sqlite://host/file.db", "Bad SQLite URL"),
        ("sqlite:///:memory:", "in-memory"),
        ("postgresql://h/d", "no user"),
        ("postgresql://u@/d", "no host"),
        ("postgresql://u@h:port/d", "a bad port"),
        ("postgresql://u@h", "no database name"),
        ("postgresql://u@h/d/e", "no database name"),
        ("postgresql://u@h/d?schema=", "not one schema name"),
        ("postgresql://u@h/d?schema=a&schema=b", "not one schema name"),
        ("postgresql://u@h/d?sslmode=require", "unknown options ['sslmode']"),
    ],
)
def test_bad_urls_are_refused(url: str, complaint: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=complaint.replace("[", r"\[")) as raised:
        store_env(url, tmp_path)
    assert "expected" in str(raised.value) or "in-memory" in str(raised.value)


def test_a_password_never_appears_in_errors_or_descriptions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no database name") as raised:
        store_env("postgresql://u:hunter2@h", tmp_path)
    assert "hunter2" not in str(raised.value)
    env = store_env("postgresql://u:hunter2@h/d", tmp_path)
    assert "hunter2" not in describe_store(env)


def test_describe_store_refuses_a_foreign_environment() -> None:
    with pytest.raises(ValueError, match="Not a brigade store"):
        describe_store({"PERSISTENCE_MODULE": "eventsourcing.sqlite"})
