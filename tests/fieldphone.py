"""A volunteer's phone against a real server: its own channel, /ws/me, and its world.

Shared by the field app's end-to-end tests (tests/e2e/test_me_ws.py,
tests/e2e/test_enrolment_http.py).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Api
    from websockets.sync.client import ClientConnection

LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


def operation(api: Api, name: str = "Doksuri") -> str:
    answer = api.commander("OpenOperation", name=name, kind="typhoon")
    return str(answer["result"]["operation_id"])


def incident(api: Api, operation_id: str, address: str = "Shuangyang St") -> str:
    answer = api.commander(
        "ReportIncident", operation_id=operation_id, kind="flood", lat=24.95,
        lon=118.61, severity=4, address=address, description="water at the door",
    )  # fmt: skip
    return str(answer["result"]["incident_id"])


def ready(api: Api, name: str, operation_id: str | None) -> str:
    """A volunteer vetted, trained for floods, insured, on shift in the operation."""
    registered = api.commander(
        "RegisterVolunteer", name=name, contact="+86 139 0000 0000",
        domains=["water_rescue"],
    )  # fmt: skip
    vid = str(registered["result"]["volunteer_id"])
    api.commander("DecideVetting", volunteer_id=vid, approved=True)
    for course in ("basic-fire-safety", "water-rescue"):
        api.commander(
            "RecordCourse", volunteer_id=vid, course=course, passed=True, score=90
        )
    api.commander("RecordInsurance", volunteer_id=vid, policy="P-1", valid_until=LATER)
    shift = {} if operation_id is None else {"operation_id": operation_id}
    api.commander("StartShift", volunteer_id=vid, **shift)
    return vid


def ws_url(api: Api, path: str, token: str) -> str:
    return api.url.replace("http://", "ws://") + f"{path}?token={token}"


@contextmanager
def channel(
    api: Api, volunteer_id: str, after: int | None = None
) -> Iterator[ClientConnection]:
    """The volunteer's /ws/me, subscribed."""
    token = api.bearer(Role.VOLUNTEER, volunteer_id)
    with connect(ws_url(api, "/ws/me", token)) as ws:
        ws.send(json.dumps({"type": "subscribe", "after": after}))
        yield ws


def frame(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return found


class Phone:
    """What a phone holds of its channel: rows by key, and the last position."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.rows: dict[str, Any] = {}
        self.position = 0
        self.frames: list[dict[str, Any]] = []

    def take(self, timeout: float = 10) -> dict[str, Any]:
        got = frame(self.ws, timeout)
        self.frames.append(got)
        if got["type"] == "snapshot":
            self.rows = dict(got["rows"])
            self.position = got["position"]
        elif got["type"] == "deltas":
            for change in got["changes"]:
                if change["row"] is None:
                    self.rows.pop(change["key"], None)
                else:
                    self.rows[change["key"]] = change["row"]
                self.position = max(self.position, change["position"])
        return got

    def until(self, check: Any, timeout: float = 10) -> dict[str, Any]:
        """Take frames until `check(rows)` holds; the rows then."""
        deadline = datetime.now(UTC) + timedelta(seconds=timeout)
        while not check(self.rows):
            left = (deadline - datetime.now(UTC)).total_seconds()
            assert left > 0, f"not seen in {timeout} s; frames: {self.frames[-3:]}"
            self.take(left)
        return self.rows
