"""Schemathesis against the OpenAPI schema: whatever a client sends, never a 5xx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def test_no_input_makes_the_server_fail(api: Api) -> None:
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    headers = api.token(Role.COMMANDER)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation: Any = result.ok()  # type: ignore[union-attr]
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10, deadline=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            response = case.call(base_url=api.url, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        check()
    assert operations >= 35
    assert failures == []
