"""An owner's token against a real server: it acts on its own premises only, reads
their hazards and the photos of them, and no view, socket or other command."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from browser.office_scenes import png, shop_with_hazard, upload
from conftest import serving
from websockets.sync.client import connect

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from conftest import Api


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    # Reminders off: this story counts its own events.
    settings = Settings(data_dir=tmp_path / "data", secret="test", reminder_every=0)
    with serving(settings) as client:
        yield client


def owner(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_owner_token_reads_and_acts_on_its_own_premises_only(api: Api) -> None:
    mine = shop_with_hazard(api, due_in=timedelta(days=10))
    theirs = shop_with_hazard(api, due_in=timedelta(days=10), colour=(0, 0, 200))
    me = owner(mine["token"])

    state = api.http.get("/owner/state", headers=me).json()
    assert state["premises_id"] == mine["premises"]
    assert [h["id"] for h in state["hazards"]] == [mine["hazard"]]
    assert state["hazards"][0]["photo"] == mine["photo"]
    # The inspector's photo of my shop, not anyone else's image
    assert api.http.get(f"/images/{mine['photo']}", headers=me).status_code == 200
    other = api.http.get(f"/images/{theirs['photo']}", headers=me)
    assert (other.status_code, other.json()["code"]) == (404, "image_not_found")

    refused = api.send(
        "SubmitSelfCheck",
        me,
        premises_id=theirs["premises"],
        hazard_id=theirs["hazard"],
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_your_premises")
    closing = api.send(
        "CloseHazard", me, premises_id=mine["premises"], hazard_id=mine["hazard"]
    )
    assert (closing.status_code, closing.json()["code"]) == (403, "role_not_allowed")
    for view in ("hazards", "board", "roster"):
        answer = api.http.get(f"/views/{view}", headers=me)
        assert (answer.status_code, answer.json()["code"]) == (403, "view_not_allowed")
    with connect(
        api.url.replace("http://", "ws://") + f"/ws/live?token={mine['token']}"
    ) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["hazards"]}))
        assert json.loads(ws.recv(timeout=10))["code"] == "view_not_allowed"

    photo = upload_as(api, mine["token"])
    sent = api.send(
        "SubmitSelfCheck", me, premises_id=mine["premises"], hazard_id=mine["hazard"],
        note="done", evidence="boxes gone", photos=[photo],
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    after = api.http.get("/owner/state", headers=me).json()["hazards"][0]
    assert after["state"] == "self_checked"
    assert after["self_check"]["photos"] == [photo]
    assert api.http.get(f"/images/{photo}", headers=me).status_code == 200


def upload_as(api: Api, token: str) -> str:
    response = api.http.post("/images", content=png((9, 9, 9)), headers=owner(token))
    assert response.status_code == 201, response.text
    sha: str = response.json()["sha256"]
    return sha


def test_only_an_inspector_or_the_office_gives_an_owner_a_link(api: Api) -> None:
    shop = shop_with_hazard(api, due_in=timedelta(days=10))
    vid = api.commander("RegisterVolunteer", name="Chen Wei", contact="+86")["result"]
    stranger = api.token(Role.VOLUNTEER, vid["volunteer_id"])
    answer = api.send("IssueOwnerToken", stranger, premises_id=shop["premises"])
    assert (answer.status_code, answer.json()["code"]) == (403, "not_inspector")
    officer = api.token(Role.OFFICER, "programme office")
    issued: dict[str, Any] = api.send(
        "IssueOwnerToken", officer, premises_id=shop["premises"]
    ).json()["result"]
    assert issued["link"] == f"{api.url}/owner#token={issued['token']}"
    assert issued["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    expires = datetime.fromisoformat(issued["expires_at"])
    assert expires - datetime.now(UTC) > timedelta(days=59)
    # An owner's token through IssueToken names no premises: refused
    wrong = api.send("IssueToken", api.token(Role.COMMANDER), role="owner")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_value")
    # Commanders' own image helper still works for the others
    assert upload(api, png((1, 2, 3)))


def test_the_pages_load_nothing_from_elsewhere_and_the_office_is_the_offices(
    api: Api,
) -> None:
    for path in ("/owner", "/office"):
        page = api.http.get(path)
        policy = page.headers["content-security-policy"]
        assert page.status_code == 200 and "'unsafe-inline'" not in policy
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    officer = api.token(Role.OFFICER, "programme office")
    assert api.http.get("/office/summary", headers=officer).status_code == 200
    for role in (Role.OBSERVER, Role.VOLUNTEER):
        subject = (
            api.commander("RegisterVolunteer", name="Lin", contact="+86")["result"][
                "volunteer_id"
            ]
            if role is Role.VOLUNTEER
            else "press"
        )
        answer = api.http.get("/office/summary", headers=api.token(role, subject))
        assert (answer.status_code, answer.json()["code"]) == (403, "role_not_allowed")
        points = api.http.get("/views/points", headers=api.token(role, subject))
        assert points.status_code == 403
    assert api.http.get("/views/points", headers=officer).status_code == 200
    assert api.http.get("/views/credentials", headers=officer).status_code == 403
    # An officer keeps records but dispatches no one
    opened = api.send("OpenOperation", officer, name="drill", kind="drill")
    assert (opened.status_code, opened.json()["code"]) == (403, "role_not_allowed")
