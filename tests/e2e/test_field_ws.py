"""The field WebSocket as a volunteer's phone uses it: real server, real client."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from support import eventually
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api
    from websockets.sync.client import ClientConnection


def phone(api: Api, volunteer_id: str) -> ClientConnection:
    token = api.bearer(Role.VOLUNTEER, volunteer_id)
    url = api.url.replace("http://", "ws://") + f"/ws/field?token={token}"
    return connect(url, open_timeout=10)


def send(
    ws: ClientConnection, command: str, frame_id: str | None = None, **body: Any
) -> str:
    frame_id = frame_id or str(uuid4())
    ws.send(json.dumps({"id": frame_id, "command": command, "body": body}))
    return frame_id


def answer(ws: ClientConnection) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ws.recv(timeout=10))
    return found


def volunteer(api: Api) -> str:
    """A registered volunteer, their phone's token issued (both are in the log)."""
    registered = api.commander("RegisterVolunteer", name="Chen Wei", contact="+86")
    volunteer_id = str(registered["result"]["volunteer_id"])
    api.bearer(Role.VOLUNTEER, volunteer_id)
    return volunteer_id


def test_positions_are_acked_once_durable_and_a_repeated_id_appends_nothing(
    api: Api,
) -> None:
    me = volunteer(api)
    with phone(api, me) as ws:
        first = send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6)
        ack = answer(ws)
        assert (ack["type"], ack["id"], ack["replayed"]) == ("ack", first, False)
        before = api.position()
        send(ws, "ReportPosition", first, volunteer_id=me, lat=24.9, lon=118.6)
        again = answer(ws)
    assert (again["type"], again["replayed"]) == ("ack", True)
    assert again["positions"] == ack["positions"]
    assert api.position() == before


def test_a_volunteer_acts_only_as_themselves_and_the_socket_stays_open(
    api: Api,
) -> None:
    me, other = volunteer(api), volunteer(api)
    with phone(api, me) as ws:
        send(ws, "ReportPosition", volunteer_id=other, lat=24.9, lon=118.6)
        refused = answer(ws)
        send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6)
        accepted = answer(ws)
    assert (refused["type"], refused["code"]) == ("rejected", "not_yourself")
    assert accepted["type"] == "ack"


@pytest.mark.parametrize(
    ("command", "body", "code"),
    [
        ("LaunchRocket", {}, "unknown_command"),
        ("ReportPosition", {"lat": "north"}, "invalid_value"),
        ("ReportPosition", {"lat": 95.0, "lon": 118.6}, "invalid_value"),
    ],
)
def test_bad_commands_are_rejected_with_a_code_and_store_nothing(
    api: Api, command: str, body: dict[str, Any], code: str
) -> None:
    me = volunteer(api)
    before = api.position()
    with phone(api, me) as ws:
        send(ws, command, **{"volunteer_id": me, **body})
        rejected = answer(ws)
    assert (rejected["type"], rejected["code"]) == ("rejected", code)
    assert api.position() == before


def test_an_unreadable_frame_closes_the_connection(api: Api) -> None:
    me = volunteer(api)
    with phone(api, me) as ws:
        ws.send("{this is not json")
        error = answer(ws)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert error["code"] == "malformed_frame"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


def test_with_batch_every_answer_arrives_in_a_list(api: Api) -> None:
    me = volunteer(api)
    token = api.bearer(Role.VOLUNTEER, me)
    url = api.url.replace("http://", "ws://") + f"/ws/field?batch=1&token={token}"
    with connect(url, open_timeout=10) as ws:
        sent = {
            send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6 + n / 100)
            for n in range(20)
        }
        refused = send(ws, "ReportPosition", volunteer_id=me, lat=95.0, lon=118.6)
        answers: dict[str, dict[str, Any]] = {}
        while len(answers) < len(sent) + 1:
            frame = json.loads(ws.recv(timeout=10))
            assert isinstance(frame, list) and frame, frame
            answers.update((a["id"], a) for a in frame)
    assert {answers[i]["type"] for i in sent} == {"ack"}
    assert len({answers[i]["position"] for i in sent}) == len(sent)
    assert (answers[refused]["type"], answers[refused]["code"]) == (
        "rejected",
        "invalid_value",
    )


def test_a_frame_over_16_mib_is_unreadable_and_closes_the_connection(api: Api) -> None:
    me = volunteer(api)
    before = api.position()
    with phone(api, me) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.send("x" * (16 * 1024 * 1024 + 1))
        ws.recv(timeout=10)
    # The server closes (1009) once the header gives the length; a phone still
    # sending the rest may instead see TCP's reset, which drops the close frame.
    received = closed.value.rcvd
    reset = isinstance(closed.value.__cause__, ConnectionResetError)
    assert (received is not None and received.code == 1009) or (
        received is None and reset
    )
    # Nothing was stored, and the server still serves the phone
    assert api.position() == before
    with phone(api, me) as ws:
        send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6)
        assert answer(ws)["type"] == "ack"


def test_commands_sent_before_the_phone_hangs_up_are_still_stored(api: Api) -> None:
    me = volunteer(api)
    before = api.position()
    with phone(api, me) as ws:
        for n in range(50):
            send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6 + n / 1000)
    # Gone without reading an answer: every command it sent still counts, once.
    eventually(lambda: api.position() == before + 50)
    with phone(api, me) as ws:  # and the server still serves the next connection
        send(ws, "ReportPosition", volunteer_id=me, lat=24.9, lon=118.6)
        assert answer(ws)["type"] == "ack"
