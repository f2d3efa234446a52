"""The live WebSocket as the command centre uses it: real server, real client."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

import msgpack
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from domain.types import Role
from gateway.ws import transport

if TYPE_CHECKING:
    from conftest import Api
    from websockets.sync.client import ClientConnection


def live(api: Api, role: Role = Role.OBSERVER, fmt: str = "json") -> ClientConnection:
    token = api.bearer(role, "wall-screen")
    url = api.url.replace("http://", "ws://") + f"/ws/live?token={token}&format={fmt}"
    return connect(url, open_timeout=10)


def frame(ws: ClientConnection) -> dict[str, Any]:
    data = ws.recv(timeout=10)
    found: dict[str, Any] = (
        msgpack.unpackb(data) if isinstance(data, bytes) else json.loads(data)
    )
    return found


def open_operation(api: Api) -> str:
    result = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    return str(result["result"]["operation_id"])


def report(api: Api, operation: str, kind: str = "flood") -> dict[str, Any]:
    return api.commander(
        "ReportIncident",
        operation_id=operation,
        kind=kind,
        lat=24.9,
        lon=118.6,
        severity=3,
    )


def test_a_snapshot_then_the_changes_as_they_happen(api: Api) -> None:
    operation = open_operation(api)
    report(api, operation)
    with live(api) as ws:
        ws.send(
            json.dumps(
                {"type": "subscribe", "views": ["board"], "operation_id": operation}
            )
        )
        snapshot = frame(ws)
        assert snapshot["type"] == "snapshot" and len(snapshot["rows"]) == 1

        reported = report(api, operation, kind="medical")

        deltas = frame(ws)
        assert deltas["type"] == "deltas"
        change = deltas["changes"][0]
        assert change["key"] == reported["result"]["incident_id"]
        assert change["position"] == reported["position"]
        assert change["row"]["kind"] == "medical"


def test_a_subscriber_of_one_operation_gets_none_of_another(api: Api) -> None:
    mine, other = open_operation(api), open_operation(api)
    before = report(api, mine)
    report(api, other)
    with live(api) as ws:
        ws.send(
            json.dumps({"type": "subscribe", "views": ["board"], "operation_id": mine})
        )
        assert list(frame(ws)["rows"]) == [before["result"]["incident_id"]]

        report(api, other, kind="fire")
        after = report(api, mine, kind="medical")

        # The other operation's change was published first: it would lead a frame.
        changes = frame(ws)["changes"]
        assert [c["key"] for c in changes] == [after["result"]["incident_id"]]


def test_the_operations_view_names_each_operation_and_its_area(api: Api) -> None:
    storm = api.commander(
        "OpenOperation",
        name="Doksuri",
        kind="typhoon",
        area=[118.52, 24.88, 118.76, 25.12],
    )["result"]["operation_id"]
    drill = open_operation(api)
    subscribe = {"type": "subscribe", "views": ["operations"]}
    with live(api) as everyone, live(api) as one:
        everyone.send(json.dumps(subscribe))
        one.send(json.dumps({**subscribe, "operation_id": storm}))
        every, only = frame(everyone), frame(one)
        assert every["view"] == "operations" and set(every["rows"]) == {storm, drill}
        assert list(only["rows"]) == [storm]  # a subscriber of one sees its own
        row = only["rows"][storm]
        assert [row[k] for k in ("name", "kind", "status")] == [
            "Doksuri",
            "typhoon",
            "open",
        ]
        assert row["area"] == [118.52, 24.88, 118.76, 25.12]
        assert every["rows"][drill]["area"] is None

        closed = api.commander("CloseOperation", operation_id=storm)
        change = frame(one)["changes"][0]
        assert (change["key"], change["position"]) == (storm, closed["position"])
        assert change["row"]["status"] == "closed" and change["row"]["closed_at"]
        assert frame(everyone)["changes"][0]["row"]["status"] == "closed"


def test_a_client_resumes_after_its_last_position_with_exactly_what_it_missed(
    api: Api,
) -> None:
    operation = open_operation(api)
    with live(api) as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["board"]}))
        last = frame(ws)["position"]
    missed = [report(api, operation, kind=k) for k in ("fire", "flood")]
    api.position()  # durable is not yet published: wait until the views have them

    with live(api, fmt="msgpack") as ws:
        ws.send(json.dumps({"type": "subscribe", "views": ["board"], "after": last}))
        resumed = frame(ws)

    assert resumed["type"] == "deltas" and resumed["resumed"] is True
    assert [c["key"] for c in resumed["changes"]] == [
        m["result"]["incident_id"] for m in missed
    ]


@pytest.mark.parametrize(
    "request_",
    [
        {"type": "subscribe", "views": ["nonsense"]},
        {"type": "subscribe", "views": []},
        {"type": "subscribe", "views": ["board"], "after": "yesterday"},
        {"type": "dance"},
    ],
)
def test_a_bad_subscription_gets_an_error_and_a_close(
    api: Api, request_: dict[str, Any]
) -> None:
    with live(api) as ws:
        ws.send(json.dumps(request_))
        error = frame(ws)
        assert error["type"] == "error" and error["code"] == "bad_subscribe"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


def test_without_a_token_the_socket_is_closed(api: Api) -> None:
    url = api.url.replace("http://", "ws://") + "/ws/live"
    with connect(url, open_timeout=10) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


@pytest.mark.parametrize("fmt", ["json", "msgpack"])
def test_deltas_framed_once_for_all_reach_each_subscriber_whole(
    api: Api, fmt: str
) -> None:
    # Given three subscribers of one operation on the server `brigade serve` runs
    operation = open_operation(api)
    subscribe = {"type": "subscribe", "views": ["board"], "operation_id": operation}
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(live(api, fmt=fmt)) for _ in range(3)]
        for ws in sockets:
            ws.send(json.dumps(subscribe))
            assert frame(ws)["type"] == "snapshot"
        # When incidents are reported, a long one among them (a 16-bit length)
        report(api, operation, kind="medical")
        api.commander(
            "ReportIncident",
            operation_id=operation,
            kind="flood",
            lat=24.9,
            lon=118.6,
            severity=3,
            description="water rising past the second step; " * 100,
        )
        # Then each subscriber reads both changes whole, from frames that went
        # past the server's protocol, written once for all of them
        read = []
        for ws in sockets:
            kinds: list[str] = []
            frames = 1  # the snapshot
            while len(kinds) < 2:
                found = frame(ws)
                frames += 1
                assert found["type"] == "deltas"
                kinds += [change["row"]["kind"] for change in found["changes"]]
            assert kinds == ["medical", "flood"]
            read.append(frames)
        assert api.app is not None
        fanout = api.app.state.runtime.fanout
        connections = [c for members in fanout.audiences.values() for c in members]
        assert len(connections) == 3
        # every frame a subscriber read was written past the protocol's send
        assert sorted(c.written_directly for c in connections) == sorted(read)
        assert [c.sent_through_send for c in connections] == [0, 0, 0]


def test_on_a_uvicorn_without_what_the_direct_path_reads_frames_go_through_send(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a server whose protocol lacks an attribute the direct path reads
    # (as a later uvicorn might: the server runs in this process)
    monkeypatch.setattr(
        transport,
        "DIRECT_NEEDS",
        (*transport.DIRECT_NEEDS, "renamed_in_a_later_uvicorn"),
    )
    operation = open_operation(api)
    subscribe = {"type": "subscribe", "views": ["board"], "operation_id": operation}
    with live(api) as ws:
        ws.send(json.dumps(subscribe))
        assert frame(ws)["type"] == "snapshot"
        # When an incident is reported
        reported = report(api, operation, kind="medical")
        # Then the subscriber still gets it, sent through the protocol's own send
        change = frame(ws)["changes"][0]
        assert change["key"] == reported["result"]["incident_id"]
        assert api.app is not None
        fanout = api.app.state.runtime.fanout
        [connection] = [c for members in fanout.audiences.values() for c in members]
        assert connection.direct is None
        assert (connection.written_directly, connection.sent_through_send) == (0, 2)
