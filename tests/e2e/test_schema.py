"""Schemathesis against the OpenAPI schema: whatever a client sends, never a 5xx,
and every 4xx says its code.

Examples are drawn deterministically (`derandomize`, no example database), so a
run is the same in CI as on a laptop, and bounded in number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from conftest import serving
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from domain.types import Role
from gateway.schemas import command_classes
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api


def checked(
    api: Api, *, where: str = "/", examples: int, negative: bool = False
) -> tuple[int, list[str]]:
    """Examples of every operation under `where` (also ones the schema does not
    allow, if `negative`): how many operations, and what failed."""
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    headers = api.token(Role.COMMANDER)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation: Any = result.ok()  # type: ignore[union-attr]
        if not operation.path.startswith(where):
            continue
        operations += 1

        cases = operation.as_strategy()
        if negative:
            cases |= operation.as_strategy(GenerationMode.NEGATIVE)

        @given(case=cases)
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call(base_url=api.url, headers=headers)
            said = f"{case.method} {case.path}: {response.status_code}"
            if response.status_code >= 500:
                failures.append(said)
            elif response.status_code >= 400:
                body = response.json() if response.content else {}
                if not isinstance(body, dict) or not body.get("code"):
                    failures.append(f"{said} without a code: {response.text[:200]}")

        check()
    return operations, failures


def test_no_input_makes_the_server_fail(api: Api) -> None:
    operations, failures = checked(api, examples=10)
    assert operations >= 35
    assert failures == []


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Api]:
    """A server on the embedded store: the command routes' run needs no other."""
    store = f"sqlite:///{tmp_path / 'brigade.sqlite3'}"
    settings = Settings(database_url=store, data_dir=tmp_path / "data", secret="t")
    with serving(settings) as api:
        yield api


def test_no_command_body_makes_the_server_fail_or_answer_without_a_code(
    embedded: Api,
) -> None:
    operations, failures = checked(
        embedded, where="/commands/", examples=30, negative=True
    )
    assert operations == len(command_classes())  # every command's route
    assert failures == []
