"""/ws/me as a volunteer's phone uses it: a real server, real WebSocket clients.

A dispatch is pushed to the phone; messages go both ways; a broadcast reaches
everyone on shift in the operation; a phone resumes from its position; another
volunteer's data never appears; a revoked token closes the socket.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fieldphone import Phone, channel, frame, incident, operation, ready, ws_url
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def assignment(incident_id: str) -> str:
    return f"assignment:{incident_id}"


def test_a_dispatch_is_pushed_to_the_phone_with_what_the_volunteer_needs(
    api: Api,
) -> None:
    op = operation(api)
    flood = incident(api, op)
    me = ready(api, "Xu Ming", op)
    mate = ready(api, "Lin Hui", op)
    api.commander("DispatchVolunteer", incident_id=flood, volunteer_id=mate)
    with channel(api, me) as ws:
        phone = Phone(ws)
        first = phone.take()
        assert first["type"] == "snapshot" and first["view"] == "me"
        assert phone.rows["me"]["status"] == "available"
        assert set(phone.rows) == {"me", "broadcasts", "warnings"}

        api.commander(
            "DispatchVolunteer", incident_id=flood, volunteer_id=me, note="bring rope"
        )
        rows = phone.until(lambda rows: assignment(flood) in rows)
        job = rows[assignment(flood)]
        assert (job["kind"], job["severity"], job["address"]) == (
            "flood",
            4,
            "Shuangyang St",
        )
        assert (job["state"], job["note"], job["incident_status"]) == (
            "dispatched",
            "bring rope",
            "dispatched",
        )
        assert (job["lat"], job["lon"], job["description"]) == (
            24.95,
            118.61,
            "water at the door",
        )
        # Teammates by name and state, nothing more.
        assert job["team"] == [{"name": "Lin Hui", "state": "dispatched"}]
        phone.until(lambda rows: rows["me"]["status"] == "dispatched")

        api.commander(
            "GuideRoute", incident_id=flood, path=[[118.6, 24.9], [118.61, 24.95]]
        )
        phone.until(lambda rows: len(rows[assignment(flood)]["route"]) == 1)

        api.commander(
            "ReleaseVolunteer", incident_id=flood, volunteer_id=me, reason="rest"
        )
        rows = phone.until(lambda rows: rows[assignment(flood)]["state"] == "released")
        assert rows[assignment(flood)]["released"]["reason"] == "rest"
        assert rows["me"]["status"] == "available"


def test_messages_go_both_ways_and_an_answer_reaches_the_command_centre(
    api: Api,
) -> None:
    op = operation(api)
    flood = incident(api, op)
    me = ready(api, "Xu Ming", op)
    api.commander("DispatchVolunteer", incident_id=flood, volunteer_id=me)
    volunteer = api.token(Role.VOLUNTEER, me)
    with channel(api, me) as ws:
        phone = Phone(ws)
        phone.take()
        api.commander("PostMessage", incident_id=flood, text="pump on its way")
        rows = phone.until(lambda rows: rows[assignment(flood)]["messages"])
        said = rows[assignment(flood)]["messages"][-1]
        assert (said["text"], said["role"], said["from"], said["mine"]) == (
            "pump on its way",
            "commander",
            "duty-officer",
            False,
        )

        sent = api.send("PostMessage", volunteer, incident_id=flood, text="door open")
        assert sent.status_code == 200, sent.text
        rows = phone.until(lambda rows: len(rows[assignment(flood)]["messages"]) == 2)
        assert rows[assignment(flood)]["messages"][-1]["mine"] is True

        answered = api.send(
            "AnswerDispatch", volunteer, incident_id=flood, volunteer_id=me,
            answer="coming", eta_minutes=12,
        )  # fmt: skip
        assert answered.status_code == 200, answered.text
        rows = phone.until(lambda rows: rows[assignment(flood)]["answer"] is not None)
        assert rows[assignment(flood)]["answer"]["eta_minutes"] == 12

    # The command centre: the message on the board, who is coming and when.
    api.position()
    headers = api.token(Role.COMMANDER)
    board = api.http.get("/views/board", headers=headers).json()["rows"][flood]
    assert [m["text"] for m in board["messages"]] == ["pump on its way", "door open"]
    assert board["messages"][-1]["actor"] == f"volunteer:{me}"
    assert board["answers"][me]["answer"] == "coming"
    roster = api.http.get("/views/roster", headers=headers).json()["rows"][me]
    assert (roster["answer"]["incident_id"], roster["answer"]["eta_minutes"]) == (
        flood,
        12,
    )


def test_a_broadcast_reaches_everyone_on_shift_in_the_operation_only(
    api: Api,
) -> None:
    op, elsewhere = operation(api), operation(api, "Khanun")
    on, other, off = (
        ready(api, "A", op),
        ready(api, "B", elsewhere),
        ready(api, "C", op),
    )
    api.commander("EndShift", volunteer_id=off)
    with channel(api, on) as a, channel(api, other) as b, channel(api, off) as c:
        phones = [Phone(a), Phone(b), Phone(c)]
        for phone in phones:
            phone.take()
        api.commander(
            "BroadcastMessage", operation_id=op, text="levee breached: move up"
        )
        api.commander("BroadcastMessage", operation_id=elsewhere, text="all clear")
        rows = phones[0].until(lambda rows: rows["broadcasts"]["items"])
        assert [i["text"] for i in rows["broadcasts"]["items"]] == [
            "levee breached: move up"
        ]
        rows = phones[1].until(lambda rows: rows["broadcasts"]["items"])
        assert [i["text"] for i in rows["broadcasts"]["items"]] == ["all clear"]
        # The volunteer off shift heard neither (their next change is their own).
        api.commander("StartShift", volunteer_id=off, operation_id=elsewhere)
        rows = phones[2].until(lambda rows: rows["me"]["on_shift"])
        joined = phones[2].until(lambda rows: rows["broadcasts"]["items"])
        assert [i["text"] for i in joined["broadcasts"]["items"]] == ["all clear"]
        seen = json.dumps(phones[2].frames)
        assert "levee" not in seen


def test_a_phone_resumes_from_its_position_with_exactly_what_it_missed(
    api: Api,
) -> None:
    op = operation(api)
    flood = incident(api, op)
    me = ready(api, "Xu Ming", op)
    with channel(api, me) as ws:
        phone = Phone(ws)
        phone.take()
        api.commander("DispatchVolunteer", incident_id=flood, volunteer_id=me)
        phone.until(lambda rows: assignment(flood) in rows)
    left_at = phone.position
    # While the phone is away: a message, and someone else's dispatch elsewhere.
    api.commander("PostMessage", incident_id=flood, text="are you near?")
    other = ready(api, "Lin Hui", op)
    api.commander(
        "DispatchVolunteer", incident_id=incident(api, op), volunteer_id=other
    )
    with channel(api, me, after=left_at) as ws:
        first = frame(ws)
    assert first["type"] == "deltas" and first["resumed"] is True
    assert [c["key"] for c in first["changes"]] == [assignment(flood)]
    assert first["changes"][0]["position"] > left_at
    assert first["changes"][0]["row"]["messages"][-1]["text"] == "are you near?"

    # Nothing missed: an empty resume, then what comes next at once.
    head = api.position()
    with channel(api, me, after=head) as ws:
        assert frame(ws) == {"type": "deltas", "changes": [], "resumed": True}
        api.commander("PostMessage", incident_id=flood, text="thanks")
        pushed = frame(ws)
    assert pushed["type"] == "deltas"
    assert pushed["changes"][0]["row"]["messages"][-1]["text"] == "thanks"


def test_another_volunteers_data_never_reaches_a_phone(api: Api) -> None:
    op = operation(api)
    theirs, ours = incident(api, op, "1 Far Lane"), incident(api, op)
    me, them = ready(api, "Xu Ming", op), ready(api, "Lin Hui", op)
    with channel(api, me) as ws:
        phone = Phone(ws)
        phone.take()
        api.commander("DispatchVolunteer", incident_id=theirs, volunteer_id=them)
        api.commander("PostMessage", incident_id=theirs, text="secret of theirs")
        api.send(
            "ReportPosition", api.token(Role.VOLUNTEER, them), volunteer_id=them,
            lat=24.9, lon=118.6,
        )  # fmt: skip
        api.commander("DispatchVolunteer", incident_id=ours, volunteer_id=me)
        phone.until(lambda rows: assignment(ours) in rows)
    # A phone that subscribes afresh sees the same.
    with channel(api, me) as ws:
        fresh = Phone(ws)
        fresh.take()
    seen = json.dumps([*phone.frames, *fresh.frames])
    for foreign in (them, theirs, "secret of theirs", "1 Far Lane", "+86 139"):
        assert foreign not in seen
    assert set(fresh.rows) == {"me", "broadcasts", "warnings", assignment(ours)}


def test_a_revoked_token_closes_the_phone_channel_4001(api: Api) -> None:
    me = ready(api, "Xu Ming", None)
    issued = api.issue(Role.VOLUNTEER, me)
    url = ws_url(api, "/ws/me", issued.token)
    with connect(url) as ws:
        ws.send(json.dumps({"type": "subscribe"}))
        assert frame(ws)["type"] == "snapshot"
        api.commander(
            "RevokeToken", token_id=str(issued.claims.token_id), reason="lost"
        )
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4001, "revoked")


@pytest.mark.parametrize("role", [Role.COMMANDER, Role.OBSERVER])
def test_only_a_volunteer_has_a_channel_of_their_own(api: Api, role: Role) -> None:
    with connect(ws_url(api, "/ws/me", api.bearer(role))) as ws:
        refusal = frame(ws)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert refusal["code"] == "view_not_allowed"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    answer = api.http.get("/me", headers=api.token(role))
    assert (answer.status_code, answer.json()["code"]) == (403, "view_not_allowed")


@pytest.mark.parametrize(
    "subscribe", ['{"type": "subscribe", "after": -1}', "[", '{"type": "listen"}']
)
def test_a_bad_subscription_is_refused_4400(api: Api, subscribe: str) -> None:
    me = ready(api, "Xu Ming", None)
    with connect(ws_url(api, "/ws/me", api.bearer(Role.VOLUNTEER, me))) as ws:
        ws.send(subscribe)
        refusal = frame(ws)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert refusal["code"] == "bad_subscribe"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


def test_get_me_answers_the_same_rows_once(api: Api) -> None:
    op = operation(api)
    me = ready(api, "Xu Ming", op)
    api.position()
    answer = api.http.get("/me", headers=api.token(Role.VOLUNTEER, me)).json()
    assert answer["view"] == "me"
    assert answer["rows"]["me"]["name"] == "Xu Ming"
    assert answer["rows"]["me"]["operation_id"] == op
