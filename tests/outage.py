"""Helpers for the outage tests: a command, what a 503 must say, what was stored.

`stored_by_command` is the outage benchmark's own check (`bench/outage.py`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bench.outage import stored_by_command
from domain.types import Role

__all__ = ["assert_unavailable", "report", "stored_by_command", "timed"]

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    import httpx
    from conftest import Api


def timed(
    send: Callable[..., httpx.Response], *args: Any, **kwargs: Any
) -> tuple[httpx.Response, float]:
    """The answer, and how long it took."""
    started = time.monotonic()
    response = send(*args, **kwargs)
    return response, time.monotonic() - started


def report(api: Api, operation: str, key: UUID) -> httpx.Response:
    """A commander reports a flood, with `key` as its command id."""
    headers = {**api.token(Role.COMMANDER), "Idempotency-Key": str(key)}
    body = {"operation_id": operation, "kind": "flood", "lat": 24.9, "lon": 118.6,
            "severity": 3}  # fmt: skip
    return api.send("ReportIncident", headers, **body)


def assert_unavailable(response: httpx.Response, took: float, within: float) -> None:
    """A 503 `store_unavailable` with a Retry-After, answered within `within` s."""
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "store_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    assert took < within, f"answered after {took:.2f} s"
