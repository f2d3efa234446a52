"""`brigade token create --role owner`: a token for one premises and its QR code."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from support import COMMANDER

from domain import commands as c
from gateway.bootstrap import Runtime
from gateway.keys import KeyRing
from gateway.settings import Settings
from gateway.tokens import read

if TYPE_CHECKING:
    from pathlib import Path


def brigade(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_owner_token_from_the_terminal_names_the_premises(tmp_path: Path) -> None:
    env = {
        "BRIGADE_DATA_DIR": str(tmp_path / "data"),
        "BRIGADE_DATABASE_URL": "",
        "BRIGADE_SECRET": "test",
    }
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    with Runtime.open(settings) as runtime:
        outcome = runtime.writer.execute(
            c.RegisterPremises(
                command_id=uuid4(),
                actor=COMMANDER,
                occurred_at=datetime.now(UTC),
                name="Tea shop",
                address="3 Main St",
                lat=24.9,
                lon=118.6,
            )
        )
    premises = outcome.result["premises_id"]

    missing = brigade("token", "create", "--role", "owner", env=env)
    assert missing.returncode == 2
    assert "an owner's token needs --premises ID" in missing.stderr

    notice = tmp_path / "notice.svg"
    made = brigade(
        "token", "create", "--role", "owner", "--premises", premises,
        "--qr", str(notice), "--url", "https://brigade.example", env=env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    claims = read(KeyRing.of(settings), made.stdout.strip())
    assert (claims.role.value, claims.subject) == ("owner", premises)
    assert notice.read_text().startswith("<svg")

    unknown = brigade(
        "token", "create", "--role", "owner", "--premises", str(uuid4()), env=env
    )
    assert unknown.returncode == 1
    assert "premises_not_found" in unknown.stderr
