"""Finding the operations to report on, and `brigade report` writing the files."""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from report_story import DRAWN_ON_SQLITE, NAME, images, tell

from gateway import cli
from replay.report import (
    OperationAmbiguous,
    OperationNotFound,
    file_stem,
    find_operation,
)

if TYPE_CHECKING:
    from pathlib import Path
    from uuid import UUID

    from support import Scenario

    from domain.application import Brigade


@pytest.fixture
def told(story: Scenario) -> dict[str, UUID]:
    return tell(story)


def test_operations_are_found_by_id_or_unique_name(
    told: dict[str, UUID], story: Scenario, brigade: Brigade
) -> None:
    assert find_operation(brigade, NAME) == told["op"]
    assert find_operation(brigade, str(told["other"])) == told["other"]
    with pytest.raises(OperationNotFound):
        find_operation(brigade, "Typhoon Lekima response")
    with pytest.raises(OperationNotFound):
        find_operation(brigade, "00000000-0000-0000-0000-000000000000")
    twin = story.operation(NAME)
    with pytest.raises(OperationAmbiguous) as raised:
        find_operation(brigade, NAME)
    assert sorted(raised.value.candidates) == sorted([str(told["op"]), str(twin)])
    assert find_operation(brigade, str(twin)) == twin


@DRAWN_ON_SQLITE
def test_brigade_report_writes_the_three_files(
    told: dict[str, UUID],
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BRIGADE_DATABASE_URL", store_url)
    out = tmp_path / "aar"
    assert cli.main(["report", NAME, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"Rescue turn-outs \(dispatches\) +3\n", printed)
    data: dict[str, Any] = json.loads((out / "report.json").read_text("utf-8"))
    assert data["totals"]["people_evacuated"] == 33
    assert (out / "report.csv").read_text("utf-8").startswith("section,name,")
    assert len(images((out / "report.html").read_text("utf-8"))) == 6
    both = tmp_path / "both"
    assert cli.main(["report", NAME, str(told["other"]), "--out", str(both)]) == 0
    together = json.loads((both / "report.json").read_text("utf-8"))
    assert together["totals"]["people_evacuated"] == 133
    assert cli.main(["report", "no such operation", "--out", str(out)]) == 1
    assert "[operation_not_found]" in capsys.readouterr().err


def test_files_name_one_operation_by_id_and_several_by_their_starts() -> None:
    op = uuid.UUID("5f0c3a9e-1111-4000-8000-000000000001")
    other = uuid.UUID("7d2e4b1c-2222-4000-8000-000000000002")
    assert file_stem([op]) == "5f0c3a9e-1111-4000-8000-000000000001"
    assert file_stem([op, other]) == "5f0c3a9e-7d2e4b1c"
