"""The HTTP API as clients use it: a real server, real requests, every store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from support import eventually

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def ready_incident(api: Api) -> tuple[str, str]:
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    incident = api.commander(
        "ReportIncident",
        operation_id=operation["result"]["operation_id"],
        kind="flood",
        lat=24.95,
        lon=118.61,
        severity=4,
        address="Shuangyang Street",
    )
    return operation["result"]["operation_id"], incident["result"]["incident_id"]


def test_health_and_readiness(api: Api) -> None:
    assert api.http.get("/health").json() == {"status": "ok"}
    ready = api.http.get("/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_a_command_without_a_valid_token_is_refused(api: Api) -> None:
    nobody = api.send("OpenOperation", {}, name="x", kind="drill")
    forged = api.send(
        "OpenOperation", {"Authorization": "Bearer abc.def"}, name="x", kind="drill"
    )
    assert (nobody.status_code, nobody.json()["code"]) == (401, "unauthenticated")
    assert (forged.status_code, forged.json()["code"]) == (401, "unauthenticated")


def test_a_report_shows_on_the_board(api: Api) -> None:
    operation, incident = ready_incident(api)
    rows: dict[str, Any] = {}

    def shown() -> bool:
        board = api.http.get(
            "/views/board",
            params={"operation_id": operation},
            headers=api.token(Role.OBSERVER),
        ).json()
        rows.update(board["rows"])
        return incident in rows

    eventually(shown, every=0.02)
    assert rows[incident]["address"] == "Shuangyang Street"


def test_a_retry_with_the_same_idempotency_key_takes_effect_once(api: Api) -> None:
    headers = {**api.token(Role.COMMANDER), "Idempotency-Key": str(uuid4())}
    first = api.send("OpenOperation", headers, name="Doksuri", kind="typhoon")
    again = api.send("OpenOperation", headers, name="Doksuri", kind="typhoon")
    assert first.status_code == again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["positions"] == first.json()["positions"]
    assert again.json()["result"] == first.json()["result"]


def test_roles_are_enforced(api: Api) -> None:
    _, incident = ready_incident(api)
    observer = api.send(
        "PostMessage",
        api.token(Role.OBSERVER, "press"),
        incident_id=incident,
        text="hi",
    )
    # Registered: a volunteer token is only ever issued for a registered volunteer.
    registered = api.commander("RegisterVolunteer", name="Xu Ming", contact="+86")
    volunteer = registered["result"]["volunteer_id"]
    dispatching = api.send(
        "DispatchVolunteer",
        api.token(Role.VOLUNTEER, volunteer),
        incident_id=incident,
        volunteer_id=volunteer,
    )
    assert (observer.status_code, observer.json()["code"]) == (403, "role_not_allowed")
    assert (dispatching.status_code, dispatching.json()["code"]) == (
        403,
        "role_not_allowed",
    )


def test_a_refused_dispatch_says_why(api: Api) -> None:
    _, incident = ready_incident(api)
    volunteer = api.commander("RegisterVolunteer", name="Wu Min", contact="+86")
    refused = api.send(
        "DispatchVolunteer",
        api.token(Role.COMMANDER),
        incident_id=incident,
        volunteer_id=volunteer["result"]["volunteer_id"],
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_vetted"
    assert refused.json()["message"] == "not vetted: vetting pending"


@pytest.mark.parametrize(
    ("name", "body", "code"),
    [
        ("OpenOperation", {"name": "x", "kind": "volcano"}, "invalid_value"),
        ("OpenOperation", {"name": 5, "kind": "drill", "extra": 1}, "invalid_value"),
        ("ReportIncident", {"operation_id": "not-a-uuid"}, "invalid_value"),
        (
            "OpenOperation",
            {"name": "x", "kind": "drill", "occurred_at": "2099-01-01T00:00Z"},
            "field_time_in_future",
        ),
    ],
)
def test_bad_input_gets_a_code_and_stores_nothing(
    api: Api, name: str, body: dict[str, Any], code: str
) -> None:
    headers = api.token(Role.COMMANDER)  # its issue is in the log before `before`
    before = api.position()
    response = api.send(name, headers, **body)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert api.position() == before


def test_malformed_json_and_unknown_commands(api: Api) -> None:
    headers = {**api.token(Role.COMMANDER), "Content-Type": "application/json"}
    broken = api.http.post(
        "/commands/OpenOperation", content=b"{not json", headers=headers
    )
    unknown = api.http.post("/commands/LaunchRocket", json={}, headers=headers)
    assert (broken.status_code, broken.json()["code"]) == (422, "invalid_value")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_command")


def test_metrics_count_commands_by_outcome(api: Api) -> None:
    api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    api.send("OpenOperation", api.token(Role.OBSERVER), name="x", kind="drill")
    text = api.http.get("/metrics").text
    assert 'brigade_commands_total{outcome="accepted"} 1.0' in text
    assert 'brigade_commands_total{outcome="role_not_allowed"} 1.0' in text
    assert "brigade_view_lag_positions" in text
    assert "brigade_live_subscribers 0.0" in text
