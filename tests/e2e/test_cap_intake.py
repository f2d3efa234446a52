"""CAP in: the Quanzhou observatory's Doksuri alerts (orange, raised to red, lifted)
taken in from a file and a URL as one warning of the operation, its source kept,
and published again as brigade's own valid alerts; hostile XML refused by code."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from capcheck import valid_alert
from probe import head

from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx
    from conftest import Api

SAMPLES = Path(__file__).parents[1] / "fixtures" / "cap"
CAP = {"Content-Type": "application/cap+xml"}
LUOJIANG = [118.52, 24.88, 118.76, 25.12]


def sample(name: str) -> bytes:
    return (SAMPLES / f"cma-typhoon-{name}.xml").read_bytes()


def take(api: Api, operation: str, body: bytes, role: Role = Role.COMMANDER,
         headers: dict[str, str] = CAP) -> httpx.Response:  # fmt: skip
    return api.http.post(
        f"/operations/{operation}/alerts",
        content=body,
        headers={**api.token(role), **headers},
    )


def opened(api: Api) -> str:
    answer = api.commander(
        "OpenOperation", name="Doksuri", kind="typhoon", area=LUOJIANG,
        occurred_at="2023-07-26T09:00:00+08:00",
    )  # fmt: skip
    return str(answer["result"]["operation_id"])


@contextmanager
def served(document: bytes) -> Iterator[str]:
    """An outside feed: one alert at a URL, from another server."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/cap+xml")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alerts/red.xml"
    finally:
        server.shutdown()
        server.server_close()


def test_the_observatorys_alerts_become_one_warning_raised_then_lifted(
    api: Api,
) -> None:
    operation = opened(api)
    orange = take(api, operation, sample("orange"))
    assert orange.status_code == 200, orange.text
    assert orange.json()["command"] == "IssueWarning"
    warning = orange.json()["warning_id"]
    assert take(api, operation, sample("orange")).json()["replayed"] is True
    api.position()
    row = api.http.get("/views/warnings", headers=api.token(Role.OBSERVER)).json()[
        "rows"
    ][warning]
    assert row["source"] == {
        "sender": "35050041600000",
        "identifier": "35050041600000_20230727100000",
        "sent": "2023-07-27T10:00:00+08:00",
    }
    assert (row["severity"], row["level"], row["status"]) == (
        "Severe",
        "orange",
        "active",
    )
    # Republished as brigade's own alert, valid, the observatory's words intact.
    ours = valid_alert(api.http.get(f"/cap/{warning}.xml").content)
    zh, en = ours["cap_info"]
    assert str(zh["cap_headline"]) == "泉州市气象台发布台风橙色预警信号"
    assert str(en["cap_headline"]).startswith("Quanzhou Meteorological Observatory")
    assert str(zh["cap_event"]) == "台风"
    assert str(en["cap_expires"]) == "2023-07-29T10:00:00+08:00"
    assert str(en["cap_area"][0]["polygons"][0]) == (
        "24.88,118.52 24.88,118.76 25.12,118.76 25.12,118.52 24.88,118.52"
    )
    assert "35050041600000_20230727100000" in str(ours["cap_note"])

    # Raised to red: fetched from the observatory's URL, an update of the same one.
    with served(sample("red")) as url:
        red = take(api, operation, f'{{"url": "{url}"}}'.encode(),
                   headers={"Content-Type": "application/json"})  # fmt: skip
    assert (red.status_code, red.json()["command"]) == (200, "UpdateWarning")
    assert red.json()["warning_id"] == warning
    lifted = take(api, operation, sample("lifted"))
    assert (lifted.status_code, lifted.json()["command"]) == (200, "CancelWarning")
    api.position()
    alerts = [
        valid_alert(api.http.get(f"/cap/brigade-{warning}-{n}.xml").content)
        for n in (1, 2, 3)
    ]
    assert [str(a["cap_message_type"]) for a in alerts] == ["Alert", "Update", "Cancel"]
    # Red, in Chinese alone, named its area by code: the operation's area stands.
    (red_zh,) = alerts[1]["cap_info"]
    assert str(red_zh["cap_severity"]) == "Extreme"
    assert str(red_zh["cap_area"][0]["polygons"][0]).startswith("24.88,118.52")
    assert "解除台风红色预警信号" in str(alerts[2]["cap_note"])
    assert api.http.get("/cap/feed.atom").text.count("<entry>") == 0


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&lol3;</note></alert>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>&secret;</note></alert>"""
ATOM = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (LAUGHS, 422, "cap_forbidden_xml"),
        (EXTERNAL, 422, "cap_forbidden_xml"),
        (b"<alert", 422, "cap_malformed"),
        (b"\xff\xfe not xml", 422, "cap_malformed"),
        (b"<a>" + b"<b/>" * 6000 + b"</a>", 413, "cap_too_large"),
        (b"<a>" + b" " * (600 * 1024) + b"</a>", 413, "cap_too_large"),
        (ATOM, 422, "cap_not_alert"),
        (sample("orange").replace(b"<status>Actual", b"<status>Exercise"), 422,
         "cap_not_actual"),
        (sample("orange").replace(b"<expires>", b"<expired>")
         .replace(b"</expires>", b"</expired>"), 422, "cap_not_alert"),
        (sample("orange").replace(b"<severity>Severe", b"<severity>Awful"), 422,
         "invalid_value"),
        (sample("lifted"), 404, "cap_unknown_reference"),
        (b'{"url": "file:///etc/passwd"}', 422, "cap_fetch_failed"),
        (b'{"url": "http://127.0.0.1:9/nothing"}', 502, "cap_fetch_failed"),
        (b'{"link": 1}', 422, "invalid_value"),
    ],
    ids=[
        "billion-laughs", "external-entity", "unclosed", "binary", "many-elements",
        "huge", "atom-feed", "exercise", "no-expiry", "bad-severity",
        "cancel-of-unknown", "file-url", "unreachable-url", "no-url",
    ],
)  # fmt: skip
def test_an_alert_brigade_will_not_take_is_refused_with_a_code(
    api: Api, body: bytes, status: int, code: str
) -> None:
    operation = opened(api)
    before = head(api)
    json_body = body.startswith(b"{")
    headers = {"Content-Type": "application/json"} if json_body else CAP
    answer = take(api, operation, body, headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert head(api) == before


def test_only_a_commander_takes_an_alert_in(api: Api) -> None:
    operation = opened(api)
    answer = take(api, operation, sample("orange"), Role.OBSERVER)
    assert (answer.status_code, answer.json()["code"]) == (403, "role_not_allowed")
