"""The `brigade` command as a newcomer runs it: a real process on a real store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from support import COMMANDER, LANDFALL

from domain.commands import OpenOperation
from domain.types import Role
from gateway.bootstrap import Runtime, open_store
from gateway.keys import KeyRing
from gateway.settings import Settings
from gateway.tokens import read
from replay.seekpoints import SeekIndex

# A volunteer id nobody registered.
ROGUE = "0190f6c1-5b2e-7c3a-9d4f-3e1a2b4c5d6e"


def brigade(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = {"BRIGADE_DATA_DIR": str(tmp_path / "data"), "BRIGADE_DATABASE_URL": ""}
    if request.param == "postgres":
        env["BRIGADE_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return env


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = brigade("--help", env={"BRIGADE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    for command in ("demo", "morning", "events", "bench"):
        assert command in result.stdout


def test_the_morning_plays_the_script_and_a_rerun_changes_nothing(
    store: dict[str, str],
) -> None:
    first = brigade("morning", env=store)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert any("not qualified: water rescue course missing" in line for line in lines)
    assert any("no training, no duty" in line for line in lines)
    assert any("accepted  Lin Hua rescues 4 people" in line for line in lines)
    assert lines[-1].startswith("57 events in the log")
    # and the views, as the command centre sees them at the end of the morning
    assert any(line.split()[:2] == ["on_scene", "flood"] for line in lines)
    assert (
        "Operation: 3 incidents, 3 dispatches, 2 refused, 23 evacuated, 4 rescued"
        in lines
    )

    again = brigade("morning", env=store)
    steps = [
        line
        for line in again.stdout.splitlines()
        if line.strip().startswith(("#", "--"))
    ]
    assert steps and all("(already recorded)" in line for line in steps)
    assert again.stdout.splitlines()[-1].startswith("57 events in the log")


def test_events_tail_prints_the_latest_events_with_positions(
    store: dict[str, str],
) -> None:
    assert brigade("morning", env=store).returncode == 0

    tail = brigade("events", "tail", "-n", "3", env=store)

    assert tail.returncode == 0, tail.stderr
    lines = tail.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["55", "56", "57"]
    assert "Incident.RoadCleared" in lines[-1]
    assert "tree cut and moved" in lines[-1]


def test_events_tail_prints_as_many_events_as_asked(tmp_path: Path) -> None:
    # Given a log of 700 events
    settings = Settings(data_dir=tmp_path / "data")
    with Runtime.open(settings) as runtime:
        for n in range(700):
            command = OpenOperation(
                command_id=uuid4(), actor=COMMANDER, occurred_at=LANDFALL,
                name=f"drill {n}", kind="drill",
            )  # fmt: skip
            assert runtime.writer.execute(command).accepted

    tail = brigade("events", "tail", "-n", "600", env=ENV | store_of(settings))
    after = brigade("events", "tail", "--after", "0", env=ENV | store_of(settings))

    assert tail.returncode == 0, tail.stderr
    lines = tail.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [str(n) for n in range(101, 701)]
    assert len(after.stdout.splitlines()) == 700


def store_of(settings: Settings) -> dict[str, str]:
    return {"BRIGADE_DATA_DIR": str(settings.data_dir), "BRIGADE_DATABASE_URL": ""}


ENV: dict[str, str] = {}


@pytest.mark.parametrize(
    "command",
    [
        ("morning",),
        ("views", "status"),
        ("token", "create", "--role", "observer"),
        ("--help",),
    ],
)
def test_a_command_whose_reader_has_gone_ends_quietly(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # `brigade morning | head -1`, with the reader gone before the first line
    env = {**os.environ, "BRIGADE_DATA_DIR": str(tmp_path), "BRIGADE_DATABASE_URL": ""}
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as in a shell: the harder case
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)

    said = stderr.decode()  # `token create` says what it made there, by design
    assert "Traceback" not in said and "Error" not in said, said
    assert process.returncode == 141  # as when killed by SIGPIPE, like head's writers


def test_a_bad_database_url_is_refused_plainly(tmp_path: Path) -> None:
    result = brigade(
        "events", "tail", env={"BRIGADE_DATABASE_URL": "mysql://localhost/brigade"}
    )
    assert result.returncode == 2
    assert result.stderr.startswith("brigade: Unsupported database URL scheme 'mysql'")
    assert "Traceback" not in result.stderr


def test_views_rebuild_shows_progress_and_saves_the_views(
    store: dict[str, str],
) -> None:
    assert brigade("morning", env=store).returncode == 0
    before = brigade("views", "status", env=store)
    assert "no saved views; the log has 57 events" in before.stdout

    rebuilt = brigade("views", "rebuild", env=store)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "57/57 events" in rebuilt.stderr  # the progress bar
    assert "board          3 rows at position 57" in rebuilt.stdout
    after = brigade("views", "status", env=store)
    assert (
        "roster         5 rows at position 57 (0 events behind the log)" in after.stdout
    )


def test_views_rebuild_drops_the_seek_points_too(store: dict[str, str]) -> None:
    # Given a replayable log with seek points made by the old views
    assert brigade("morning", env=store).returncode == 0
    settings = Settings(
        data_dir=Path(store["BRIGADE_DATA_DIR"]),
        database_url=store["BRIGADE_DATABASE_URL"] or None,
    )
    opened = open_store(settings)
    try:
        assert SeekIndex(opened, every=10).extend() == 5
    finally:
        opened.close()

    # When the views are rebuilt (say, after a fix to one of them)
    assert brigade("views", "rebuild", env=store).returncode == 0

    # Then replay makes its moments again from the fixed views, not the old ones
    opened = open_store(settings)
    try:
        assert SeekIndex(opened, every=10).points == []
    finally:
        opened.close()


def test_tokens_are_issued_listed_and_revoked_in_the_log(tmp_path: Path) -> None:
    env = {"BRIGADE_DATA_DIR": str(tmp_path / "data"), "BRIGADE_DATABASE_URL": ""}
    env["BRIGADE_SECRET"] = ""  # the data directory's key file

    stranger = brigade(
        "token", "create", "--role", "volunteer", "--volunteer", ROGUE, env=env
    )
    bad_ttl = brigade("token", "create", "--role", "observer", "--ttl", "3x", env=env)
    made = brigade(
        "token",
        "create",
        "--role",
        "observer",
        "--name",
        "wall",
        "--ttl",
        "12h",
        env=env,
    )

    assert (stranger.returncode, stranger.stdout) == (1, "")
    assert "[volunteer_not_found]" in stranger.stderr
    assert bad_ttl.returncode == 2 and "12h" in bad_ttl.stderr
    assert made.returncode == 0, made.stderr
    keys = KeyRing.of(Settings(data_dir=tmp_path / "data"))
    claims = read(keys, made.stdout.strip())
    assert (claims.role, claims.subject, claims.expires_at - claims.issued_at) == (
        Role.OBSERVER,
        "wall",
        12 * 3600,
    )
    token_id = str(claims.token_id)
    assert f"token {token_id}: observer wall" in made.stderr
    live = brigade("token", "list", env=env).stdout
    assert token_id in live and " live " in live

    revoked = brigade("token", "revoke", token_id, "--reason", "screen stolen", env=env)
    again = brigade("token", "revoke", token_id, env=env)

    assert (revoked.returncode, revoked.stdout.strip()) == (0, f"revoked {token_id}")
    assert again.returncode == 1 and "[already_revoked]" in again.stderr
    assert brigade("token", "list", env=env).stdout.strip() == "no live tokens"
    everything = brigade("token", "list", "--all", env=env).stdout
    assert token_id in everything and " revoked " in everything


def test_token_rotate_adds_a_signing_key_and_retires_an_old_one(tmp_path: Path) -> None:
    env = {"BRIGADE_DATA_DIR": str(tmp_path / "data"), "BRIGADE_SECRET": ""}
    first = KeyRing.of(Settings(data_dir=tmp_path / "data")).signer.id

    rotated = brigade("token", "rotate", env=env)
    newest = KeyRing.of(Settings(data_dir=tmp_path / "data")).signer.id
    retired = brigade("token", "rotate", "--retire", first, env=env)
    last = brigade("token", "rotate", "--retire", newest, env=env)
    from_env = brigade("token", "rotate", env={**env, "BRIGADE_SECRET": "k:s"})

    assert rotated.stdout.strip() == f"signing with {newest}; still verifying {first}"
    assert retired.stdout.strip() == f"signing with {newest}"
    assert last.returncode == 2 and "only key" in last.stderr
    assert from_env.returncode == 2 and "BRIGADE_SECRET" in from_env.stderr
    assert [k.id for k in KeyRing.of(Settings(data_dir=tmp_path / "data")).keys] == [
        newest
    ]
