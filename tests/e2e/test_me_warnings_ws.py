"""Warnings on /ws/me, a real server: issued, a row on the phone; moved out of
its area, gone; back in and raised, back and orange; cancelled, gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fieldphone import Phone, channel, operation, ready

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


SQUARE = [[118.55, 24.9], [118.7, 24.9], [118.7, 25.0], [118.55, 25.0], [118.55, 24.9]]


def warn(api: Api, operation: str, **change: Any) -> str:
    expiry = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = {
        "operation_id": operation, "event": "Typhoon", "category": "Met",
        "urgency": "Expected", "severity": "Minor", "certainty": "Likely",
        "area_desc": "Luojiang district", "polygon": SQUARE,
        "headline": {"zh": "台风蓝色预警", "en": "Typhoon blue warning"},
        "instruction": {"zh": "加固门窗", "en": "Secure doors and windows"},
        "expiry": expiry, **change,
    }  # fmt: skip
    return str(api.commander("IssueWarning", **body)["result"]["warning_id"])


def ids(rows: dict[str, object]) -> list[str]:
    warnings = rows["warnings"]
    assert isinstance(warnings, dict)
    return [item["id"] for item in warnings["items"]]


def test_a_warning_reaches_the_phone_of_the_volunteer_on_shift_under_it(
    api: Api,
) -> None:
    op = operation(api)
    me = ready(api, "Xu Ming", op)
    off = ready(api, "Lin Hui", op)
    api.commander("EndShift", volunteer_id=off)
    with channel(api, me) as ws, channel(api, off) as other:
        phone, idle = Phone(ws), Phone(other)
        phone.take()
        idle.take()
        assert phone.rows["warnings"]["items"] == []

        warning = warn(api, op)
        rows = phone.until(lambda rows: ids(rows) == [warning])
        [item] = rows["warnings"]["items"]
        assert rows["warnings"]["by"] == "operation"
        assert (item["level"], item["headline"]["zh"], item["instruction"]["en"]) == (
            "blue", "台风蓝色预警", "Secure doors and windows",
        )  # fmt: skip

        volunteer = api.token(Role.VOLUNTEER, me)
        moved = api.send(
            "ReportPosition", volunteer, volunteer_id=me, lat=30.0, lon=120.0
        )
        assert moved.status_code == 200, moved.text
        rows = phone.until(lambda rows: rows["warnings"]["by"] == "position")
        assert ids(rows) == []
        api.send("ReportPosition", volunteer, volunteer_id=me, lat=24.95, lon=118.6)
        phone.until(lambda rows: ids(rows) == [warning])
        api.commander("UpdateWarning", warning_id=warning, severity="Severe")
        phone.until(lambda rows: rows["warnings"]["items"][0]["level"] == "orange")

        api.commander("CancelWarning", warning_id=warning, reason="Doksuri has passed")
        phone.until(lambda rows: ids(rows) == [])
        # Off shift, nothing came.
        assert idle.rows["warnings"]["items"] == []
        assert all(f["type"] != "deltas" or not any(
            c["key"] == "warnings" for c in f["changes"]
        ) for f in idle.frames[1:])  # fmt: skip
