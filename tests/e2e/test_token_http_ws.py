"""Tokens against a real server: issued and revoked as facts of the log, expiring,
refused plainly when they are anything else, and closing the sockets they opened."""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import jwt
import pytest
from conftest import serving
from support import eventually
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role
from gateway import keys
from gateway.settings import Settings
from gateway.tokens import sign

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from websockets.sync.client import ClientConnection

SOCKETS = ("live", "field", "playback")


def socket(api: Api, path: str, token: str, **headers: str) -> ClientConnection:
    url = api.url.replace("http://", "ws://") + f"/ws/{path}?token={token}"
    return connect(url, open_timeout=10, additional_headers=headers)


def closed(ws: ClientConnection, within: float = 10) -> tuple[int, str]:
    """The close code and reason the server ends this socket with."""
    deadline = time.monotonic() + within
    with pytest.raises(ConnectionClosed) as ended:  # frames may come first
        while True:
            ws.recv(timeout=max(0.01, deadline - time.monotonic()))
    received = ended.value.rcvd
    assert received is not None, "no close frame"
    return received.code, received.reason


def opened(
    stack: contextlib.ExitStack, api: Api, path: str, token: str
) -> ClientConnection:
    """A socket of each kind, in use (subscribed), closed with the stack."""
    ws = stack.enter_context(socket(api, path, token))
    if path == "field":
        return ws
    subscribe: dict[str, Any] = {"type": "subscribe", "views": ["board"]}
    if path == "playback":
        subscribe["paused"] = True
    ws.send(json.dumps(subscribe))
    assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
    return ws


def registered(api: Api) -> str:
    volunteer = api.commander("RegisterVolunteer", name="Xu Ming", contact="+86")
    return str(volunteer["result"]["volunteer_id"])


def revoke(api: Api, token_id: object) -> dict[str, Any]:
    return api.commander("RevokeToken", token_id=str(token_id), reason="phone lost")


def test_a_commander_issues_a_token_over_http_and_a_retry_gets_the_same(
    api: Api,
) -> None:
    volunteer = registered(api)
    headers = {**api.token(Role.COMMANDER), "Idempotency-Key": str(uuid4())}
    body = {"role": "volunteer", "volunteer_id": volunteer, "name": "Xu's phone"}

    first = api.http.post("/commands/IssueToken", json=body, headers=headers)
    again = api.http.post("/commands/IssueToken", json=body, headers=headers)

    assert first.status_code == 200, first.text
    token = first.json()["result"]["token"]
    assert again.json()["replayed"] is True
    assert again.json()["result"]["token"] == token
    position = api.http.post(
        "/commands/ReportPosition",
        json={"volunteer_id": volunteer, "lat": 24.9, "lon": 118.6},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert position.status_code == 200, position.text


def test_a_volunteer_token_for_someone_never_registered_is_refused(api: Api) -> None:
    headers = api.token(Role.COMMANDER)
    before = api.position()

    refused = api.send(
        "IssueToken", headers, role="volunteer", volunteer_id=str(uuid4())
    )
    by_observer = api.send(
        "IssueToken", api.token(Role.OBSERVER, "press"), role="observer", name="x"
    )

    assert (refused.status_code, refused.json()["code"]) == (404, "volunteer_not_found")
    assert (by_observer.status_code, by_observer.json()["code"]) == (
        403,
        "role_not_allowed",
    )
    assert api.position() == before + 1  # the observer's token; nothing else


def test_issue_token_is_sent_over_http_not_the_field_socket(api: Api) -> None:
    with socket(api, "field", api.bearer(Role.COMMANDER)) as ws:
        ws.send(
            json.dumps(
                {
                    "id": str(uuid4()),
                    "command": "IssueToken",
                    "body": {"role": "observer"},
                }
            )
        )
        answer = json.loads(ws.recv(timeout=10))
    assert (answer["type"], answer["code"]) == ("rejected", "unknown_command")
    assert "over HTTP" in answer["message"]


def forged_tokens(api: Api) -> dict[str, str]:
    good = api.bearer(Role.OBSERVER, "wall")
    head, body, signature = good.split(".")
    return {
        "non-ASCII signature": f"{head}.{body}.{signature[:-1]}é",
        "bad base64": f"{head}.{body}.%%%",
        "alg none": f"eyJhbGciOiJub25lIiwia2lkIjoiazEifQ.{body}.",
        "garbage": "x.y",
    }


@pytest.mark.parametrize(
    "case", ["non-ASCII signature", "bad base64", "alg none", "garbage"]
)
def test_a_malformed_token_is_401_over_http_and_4001_on_every_socket(
    api: Api, case: str
) -> None:
    token = forged_tokens(api)[case]

    # As sent on the wire (UTF-8); the server reads headers as Latin-1.
    answer = api.http.get(
        "/views/board", headers=[(b"Authorization", b"Bearer " + token.encode())]
    )

    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")
    assert answer.json()["reason"] == "invalid"
    for path in SOCKETS:
        with socket(api, path, token.replace("%", "%25").replace("é", "%C3%A9")) as ws:
            assert closed(ws) == (4001, "invalid")


def test_an_expired_token_is_refused_and_its_open_sockets_close_when_it_expires(
    api: Api,
) -> None:
    issued = api.issue(Role.OBSERVER, "wall")
    # The same credential, signed to end in two seconds (and one already over)
    soon = sign(api.keys, replace(issued.claims, expires_at=int(time.time()) + 2))
    over = sign(api.keys, replace(issued.claims, expires_at=int(time.time()) - 1))

    answer = api.http.get("/views/board", headers={"Authorization": f"Bearer {over}"})
    assert (answer.status_code, answer.json()["reason"]) == (401, "expired")
    with socket(api, "live", over) as ws:
        assert closed(ws) == (4001, "expired")
    with contextlib.ExitStack() as stack:
        sockets = [opened(stack, api, path, soon) for path in SOCKETS]
        for ws in sockets:
            assert closed(ws, within=6) == (4001, "expired")


def test_a_revoked_token_closes_its_sockets_and_is_refused_from_then_on(
    api: Api,
) -> None:
    volunteer = registered(api)
    phone = api.issue(Role.VOLUNTEER, volunteer)
    screen = api.issue(Role.OBSERVER, "wall")
    press = api.issue(Role.OBSERVER, "press").token
    with contextlib.ExitStack() as stack:
        sockets = {
            "field": opened(stack, api, "field", phone.token),
            "live": opened(stack, api, "live", screen.token),
            "playback": opened(stack, api, "playback", screen.token),
        }
        bystander = opened(stack, api, "live", press)

        # When both are revoked by a commander
        revoke(api, phone.claims.token_id)
        revoke(api, screen.claims.token_id)
        revoked_at = time.monotonic()

        # Then every socket they opened closes, within two seconds, saying why
        for ws in sockets.values():
            assert closed(ws, within=5) == (4001, "revoked")
        assert time.monotonic() - revoked_at < 2
        # and others' sockets stay open
        assert bystander.ping().wait(5)
    answer = api.http.get(
        "/views/board", headers={"Authorization": f"Bearer {screen.token}"}
    )
    assert (answer.status_code, answer.json()["reason"]) == (401, "revoked")
    with socket(api, "field", phone.token) as ws:
        assert closed(ws) == (4001, "revoked")
    again = api.send(
        "RevokeToken", api.token(Role.COMMANDER), token_id=str(screen.claims.token_id)
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_revoked")


def test_a_socket_may_carry_its_token_in_a_header(api: Api) -> None:
    token = api.bearer(Role.OBSERVER, "wall")
    url = api.url.replace("http://", "ws://") + "/ws/live"

    with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["board"]}))
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
    with connect(url) as ws:
        assert closed(ws) == (4001, "missing")


def refused_view(api: Api, path: str, token: str) -> tuple[dict[str, Any], int]:
    """The error frame and close code of asking for the credentials view."""
    with socket(api, path, token) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["board", "credentials"]}))
        error: dict[str, Any] = json.loads(ws.recv(timeout=10))
        return error, closed(ws)[0]


def test_only_commanders_see_the_credentials_view(api: Api) -> None:
    issued = api.issue(Role.OBSERVER, "wall")

    as_commander = api.http.get("/views/credentials", headers=api.token(Role.COMMANDER))
    as_observer = api.http.get(
        "/views/credentials", headers=api.token(Role.OBSERVER, "wall")
    )

    row = as_commander.json()["rows"][str(issued.claims.token_id)]
    assert (row["role"], row["subject"], row["revoked_at"]) == (
        "observer",
        "wall",
        None,
    )
    assert issued.token not in as_commander.text  # the view holds no token
    assert (as_observer.status_code, as_observer.json()["code"]) == (
        403,
        "view_not_allowed",
    )
    observer = api.bearer(Role.OBSERVER, "wall")
    volunteer = api.bearer(Role.VOLUNTEER, registered(api))
    for path in ("live", "playback"):
        for token in (observer, volunteer):
            error, close = refused_view(api, path, token)
            assert error["code"] == "view_not_allowed"
            assert "credentials" in error["message"]
            assert close == 4403
    with socket(api, "live", api.bearer(Role.COMMANDER)) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["credentials"]}))
        snapshot = json.loads(ws.recv(timeout=10))
    assert str(issued.claims.token_id) in snapshot["rows"]


def test_a_server_follows_its_key_file_through_a_rotation_with_an_overlap(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")  # no BRIGADE_SECRET: the key file
    path = tmp_path / "data" / keys.KEY_FILE
    with serving(settings) as api:
        old = api.bearer(Role.OBSERVER, "wall")
        first = jwt.get_unverified_header(old)["kid"]

        # When a new key is put first (`brigade token rotate`)
        newest = keys.rotate(path)[0].id

        # Then new tokens are signed with it, and the old ones still work
        def signs_with_newest() -> bool:
            token = api.issue(Role.OBSERVER, "press").token
            kid: str = jwt.get_unverified_header(token)["kid"]
            return kid == newest

        eventually(signs_with_newest, timeout=5)
        fresh = api.issue(Role.OBSERVER, "press").token
        assert status(api, old) == status(api, fresh) == 200

        # until the old key is retired (`brigade token rotate --retire`)
        keys.retire(path, first)
        eventually(lambda: status(api, old) == 401, timeout=5)
        assert status(api, fresh) == 200


def status(api: Api, token: str) -> int:
    answer = api.http.get("/views/board", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code
