"""Enrolling a phone, as a programme does it: a one-time code for a volunteer token.

A commander makes an enrolment (over HTTP or `brigade enrol`), the phone
exchanges its code once at `POST /enrol`, and a lost phone's token is found and
revoked from the command centre. Real server, real store.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from fieldphone import ready

from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api


def enrolment(api: Api, volunteer_id: str, **body: Any) -> dict[str, Any]:
    made = api.commander("CreateEnrolment", volunteer_id=volunteer_id, **body)
    result: dict[str, Any] = made["result"]
    return result


def enrol(api: Api, code: str, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return api.http.post("/enrol", json={"code": code}, headers=headers)


def test_a_phone_exchanges_its_code_once_for_a_token_that_acts_as_its_volunteer(
    api: Api,
) -> None:
    me = ready(api, "Xu Ming", None)
    made = enrolment(api, me)
    code = made["code"]
    assert made["name"] == "Xu Ming" and len(code) == 42
    assert made["link"] == f"{api.url}/field#enrol={code}"
    assert made["qr_svg"].startswith("<?xml") and "<svg" in made["qr_svg"]

    key = str(uuid4())
    first = enrol(api, code, key)
    assert first.status_code == 200, first.text
    got = first.json()
    assert (got["volunteer_id"], got["name"], got["replayed"]) == (me, "Xu Ming", False)
    token = {"Authorization": f"Bearer {got['token']}"}
    mine = api.http.get("/me", headers=token).json()
    assert mine["rows"]["me"]["name"] == "Xu Ming"
    # The phone acts as its volunteer, and only as them.
    started = api.send("EndShift", token, volunteer_id=me)
    assert started.status_code == 200, started.text

    # The answer lost on the way: the same key gets the same token again.
    again = enrol(api, code, key)
    assert again.status_code == 200 and again.json()["token"] == got["token"]
    assert again.json()["replayed"] is True
    # Another phone (another key) is refused.
    stolen = enrol(api, code, str(uuid4()))
    assert (stolen.status_code, stolen.json()["code"]) == (409, "enrolment_used")
    assert enrol(api, code).json()["code"] == "enrolment_used"


def test_the_log_keeps_the_enrolment_but_never_its_code(api: Api) -> None:
    made = enrolment(api, ready(api, "Xu Ming", None))
    assert enrol(api, made["code"]).status_code == 200
    assert api.app is not None
    recorder = api.app.state.runtime.brigade.recorder
    stored = b"".join(
        n.state for n in recorder.select_notifications(start=1, limit=100_000)
    )
    assert made["code"].encode() not in stored
    # A commander may draw its QR code again (the same code, made from the id).
    qr = api.http.get(
        f"/enrolments/{made['enrolment_id']}/qr.svg", headers=api.token(Role.COMMANDER)
    )
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert qr.text == made["qr_svg"]


@pytest.mark.parametrize(
    "code",
    [
        "A" * 42,  # the right shape, but no key of this server made it
        "not a code",
        "",
    ],
)
def test_a_code_this_server_did_not_make_is_unknown(api: Api, code: str) -> None:
    answer = enrol(api, code)
    assert (answer.status_code, answer.json()["code"]) == (404, "enrolment_unknown")


def test_a_forged_code_for_a_real_enrolment_is_unknown(api: Api) -> None:
    made = enrolment(api, ready(api, "Xu Ming", None))
    code = made["code"]
    forged = code[:-4] + ("AAAA" if code[-4:] != "AAAA" else "BBBB")
    answer = enrol(api, forged)
    assert (answer.status_code, answer.json()["code"]) == (404, "enrolment_unknown")
    # The real one still works, typed in lower case with dashes.
    typed = "-".join(code[i : i + 6] for i in range(0, 42, 6)).lower()
    assert enrol(api, typed).status_code == 200


def test_an_expired_or_withdrawn_code_is_refused_and_issues_nothing(api: Api) -> None:
    me = ready(api, "Xu Ming", None)
    made_before = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    old = enrolment(api, me, occurred_at=made_before)
    answer = enrol(api, old["code"])
    assert (answer.status_code, answer.json()["code"]) == (409, "enrolment_expired")

    withdrawn = enrolment(api, me)
    api.commander("CancelEnrolment", enrolment_id=withdrawn["enrolment_id"])
    answer = enrol(api, withdrawn["code"])
    assert (answer.status_code, answer.json()["code"]) == (409, "enrolment_cancelled")
    api.position()
    tokens = api.http.get(f"/volunteers/{me}/tokens", headers=api.token(Role.COMMANDER))
    assert tokens.json()["rows"] == []


def test_a_commander_finds_a_lost_phones_token_and_revokes_it(api: Api) -> None:
    me = ready(api, "Xu Ming", None)
    made = enrolment(api, me)
    phone = enrol(api, made["code"]).json()
    commander = api.token(Role.COMMANDER)
    api.position()
    listed = api.http.get(f"/enrolments?volunteer_id={me}", headers=commander).json()
    assert [(r["enrolment_id"], r["token_id"]) for r in listed["rows"]] == [
        (made["enrolment_id"], phone["token_id"])
    ]
    tokens = api.http.get(f"/volunteers/{me}/tokens", headers=commander).json()
    assert [(r["token_id"], r["name"]) for r in tokens["rows"]] == [
        (phone["token_id"], "Xu Ming's phone")
    ]
    api.commander("RevokeToken", token_id=phone["token_id"], reason="phone lost")
    api.position()
    assert (
        api.http.get(f"/volunteers/{me}/tokens", headers=commander).json()["rows"] == []
    )
    signed_out = api.http.get(
        "/me", headers={"Authorization": f"Bearer {phone['token']}"}
    )
    assert signed_out.status_code == 401
    assert signed_out.json()["reason"] == "revoked"
    # Volunteers see none of this.
    volunteer = api.token(Role.VOLUNTEER, me)
    for path in (
        f"/volunteers/{me}/tokens",
        "/enrolments",
        f"/enrolments/{made['enrolment_id']}/qr.svg",
    ):
        answer = api.http.get(path, headers=volunteer)
        assert (answer.status_code, answer.json()["code"]) == (403, "view_not_allowed")


def test_brigade_enrol_prints_a_link_the_server_takes(
    api: Api, store_url: str, tmp_path: Path
) -> None:
    me = ready(api, "Xu Ming", None)
    svg = tmp_path / "qr.svg"
    env = {
        **os.environ,
        "BRIGADE_DATABASE_URL": store_url,
        "BRIGADE_DATA_DIR": str(api.settings.data_dir),
        "BRIGADE_SECRET": "test",
        "BRIGADE_PUBLIC_URL": "https://brigade.example",
    }
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "enrol", "Xu Ming", "--svg", str(svg)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().splitlines()[-1]
    assert link.startswith("https://brigade.example/field#enrol=")
    assert "▄" in done.stdout  # the QR code, drawn in the terminal
    assert svg.read_text().startswith("<?xml")
    answer = enrol(api, link.rpartition("=")[2])
    assert answer.status_code == 200, answer.text
    assert answer.json()["volunteer_id"] == me

    nobody = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "enrol", "Nobody"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert nobody.returncode == 1 and "no volunteer named 'Nobody'" in nobody.stderr


@pytest.mark.parametrize(
    "body", [{}, {"code": 42}, {"code": "x", "colour": "red"}, {"code": "x" * 101}]
)
def test_a_body_that_is_not_a_code_is_invalid(api: Api, body: dict[str, Any]) -> None:
    answer = api.http.post("/enrol", json=body)
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_value")


def test_a_list_read_after_a_command_holds_what_the_command_changed(
    api: Api,
) -> None:
    """`?after=` the command's position: the page that just made a link lists it."""
    me = ready(api, "Xu Ming", None)
    commander = api.token(Role.COMMANDER)
    made: list[str] = []
    for _ in range(15):
        answer = api.commander("CreateEnrolment", volunteer_id=me)
        made.append(answer["result"]["enrolment_id"])
        listed = api.http.get(
            "/enrolments",
            params={"volunteer_id": me, "after": answer["position"]},
            headers=commander,
        ).json()
        assert listed["position"] >= answer["position"]
        assert {r["enrolment_id"] for r in listed["rows"]} == set(made)
    phone = enrol(
        api, api.commander("CreateEnrolment", volunteer_id=me)["result"]["code"]
    )
    revoked = api.commander(
        "RevokeToken", token_id=phone.json()["token_id"], reason="lost"
    )
    tokens = api.http.get(
        f"/volunteers/{me}/tokens",
        params={"after": revoked["position"]},
        headers=commander,
    ).json()
    assert tokens["rows"] == []
    bad = api.http.get("/enrolments", params={"after": "-1"}, headers=commander)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_value")
