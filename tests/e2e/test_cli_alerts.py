"""`brigade alert take`: the observatory's Doksuri alerts taken in at the terminal,
each once however often it is run, and a hostile file refused with its code."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

from support import COMMANDER

from domain.commands import OpenOperation
from gateway.bootstrap import Runtime
from gateway.settings import Settings

SAMPLES = Path(__file__).parents[1] / "fixtures" / "cap"


def brigade(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def opened(settings: Settings) -> UUID:
    with Runtime.open(settings) as runtime:
        command = OpenOperation(
            command_id=uuid4(), actor=COMMANDER,
            occurred_at=datetime.fromisoformat("2023-07-26T09:00:00+08:00"),
            name="Doksuri", kind="typhoon", area=[118.52, 24.88, 118.76, 25.12],
        )  # fmt: skip
        outcome = runtime.writer.execute(command)
    return UUID(outcome.result["operation_id"])


def test_the_observatorys_alerts_are_taken_in_once_each(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    env = {"BRIGADE_DATA_DIR": str(tmp_path / "data"), "BRIGADE_DATABASE_URL": ""}
    operation = str(opened(settings))

    def take(name: str) -> subprocess.CompletedProcess[str]:
        sample = str(SAMPLES / f"cma-typhoon-{name}.xml")
        return brigade("alert", "take", operation, sample, env=env)

    orange, again, red, lifted = (
        take(n) for n in ("orange", "orange", "red", "lifted")
    )
    assert orange.returncode == 0, orange.stderr
    assert "Alert 35050041600000_20230727100000 from 35050041600000 taken in" in (
        orange.stdout
    )
    warning = orange.stdout.split()[-1]
    assert again.stdout.strip().endswith(
        f"already taken in: IssueWarning of warning {warning}"
    )
    assert red.stdout.strip().endswith(f"UpdateWarning of warning {warning}")
    assert lifted.stdout.strip().endswith(f"CancelWarning of warning {warning}")
    with Runtime.open(settings) as runtime:
        row = runtime.follower.views["warnings"].rows[warning]
    assert (row["status"], row["severity"]) == ("cancelled", "Extreme")
    assert len(row["alerts"]) == 3

    hostile = tmp_path / "laughs.xml"
    hostile.write_bytes(b'<!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>')
    refused = brigade("alert", "take", operation, str(hostile), env=env)
    assert refused.returncode == 1 and "[cap_forbidden_xml]" in refused.stderr
