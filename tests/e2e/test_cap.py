"""CAP out: a typhoon warning raised from blue to orange and lifted is three alerts,
each valid against the OASIS CAP 1.2 schema and read back by capparselib, the later
ones naming those they replace; the Atom feed lists the warnings that stand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from capcheck import feed_alerts, valid_alert

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
        "description": {"zh": "杜苏芮将影响我区", "en": "Doksuri nears"},
        "instruction": {"zh": "加固门窗", "en": "Secure doors and windows"},
        "expiry": expiry, **change,
    }  # fmt: skip
    return str(api.commander("IssueWarning", **body)["result"]["warning_id"])


def test_a_warning_raised_and_lifted_is_three_valid_alerts_that_reference(
    api: Api,
) -> None:
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = operation["result"]["operation_id"]
    warning = warn(api, operation_id)
    api.commander(
        "UpdateWarning", warning_id=warning, severity="Severe",
        headline={"zh": "台风橙色预警", "en": "Typhoon orange warning"},
    )  # fmt: skip
    other = warn(api, operation_id, polygon=None, circle=[118.6, 24.95, 8.0])
    api.position()  # the views have caught up
    feed = api.http.get("/cap/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    listed = feed_alerts(feed.content)
    assert sorted(a["cap_id"] for a in listed) == sorted(
        [f"brigade-{warning}-2", f"brigade-{other}-1"]
    )

    api.commander("CancelWarning", warning_id=warning, reason="Doksuri has passed")
    api.position()
    first, update, cancel = (
        valid_alert(api.http.get(f"/cap/brigade-{warning}-{n}.xml").content)
        for n in (1, 2, 3)
    )
    assert [a["cap_message_type"] for a in (first, update, cancel)] == [
        "Alert", "Update", "Cancel",
    ]  # fmt: skip
    # Each later alert names every one before it, as sender,identifier,sent.
    named = str(cancel["cap_references"]).split()
    assert [n.split(",")[1] for n in named] == [first["cap_id"], update["cap_id"]]
    assert named[0].split(",")[2] == str(first["cap_sent"])
    # Chinese and English blocks, the polygon as CAP writes it (lat,lon).
    zh, en = update["cap_info"]
    assert (str(zh["cap_language"]), str(en["cap_language"])) == ("zh-CN", "en-US")
    assert (str(zh["cap_headline"]), str(en["cap_headline"])) == (
        "台风橙色预警", "Typhoon orange warning",
    )  # fmt: skip
    assert str(en["cap_severity"]) == "Severe"
    assert str(en["cap_area"][0]["polygons"][0]).startswith("24.9,118.55 24.9,118.7")
    # The alert first published reads as it was: blue, an Alert.
    assert str(first["cap_info"][1]["cap_headline"]) == "Typhoon blue warning"
    # By the warning's id: its latest alert.
    latest = api.http.get(f"/cap/{warning}.xml")
    assert latest.headers["content-type"].startswith("application/cap+xml")
    assert valid_alert(latest.content)["cap_id"] == cancel["cap_id"]
    assert "Doksuri has passed" in str(cancel["cap_note"])
    # Lifted: only the circle stands.
    listed = feed_alerts(api.http.get("/cap/feed.atom").content)
    assert [a["cap_id"] for a in listed] == [f"brigade-{other}-1"]
    circle = listed[0]["cap_info"][0]["cap_area"][0]["circles"][0]
    assert str(circle) == "24.95,118.6 8.0"


def test_an_unknown_alert_is_refused_with_a_code(api: Api) -> None:
    answer = api.http.get("/cap/brigade-nothing-1.xml")
    assert (answer.status_code, answer.json()["code"]) == (404, "alert_not_found")
