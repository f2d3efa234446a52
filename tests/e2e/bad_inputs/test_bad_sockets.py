"""Bad input on the live and playback sockets, JSON and msgpack, as the docs say.

A subscription that cannot be read or is wrong gets `bad_subscribe` and close
code 4400 (in the socket's own format); on /ws/playback a bad control frame after
it gets `bad_control` and 4400. `after` must lie within 0 and the log's last
position. No or a bad token: 4001.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgpack
import pytest
from badinput import decoded, error_then_close, socket, stores_nothing, ws_url
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

if TYPE_CHECKING:
    from conftest import Api

BOARD = {"type": "subscribe", "views": ["board"]}
NESTED = json.dumps({**BOARD, "operation_id": None})[:-5] + "[" * 40 + "]" * 40 + "}"
UNREADABLE: dict[str, str | bytes] = {
    "not-json": "not json",
    "open-brackets": "[" * 100_000,
    "nested-40": NESTED,
    "thirty-thousand-values": json.dumps({**BOARD, "views": ["board"] * 30_000}),
    "empty": "",
    "a-list": json.dumps([BOARD]),
    "null": "null",
    "msgpack-on-a-json-socket": msgpack.packb(BOARD),
}
WRONG: dict[str, dict[str, Any]] = {
    "no-views": {"type": "subscribe"},
    "no-type": {"views": ["board"]},
    "unknown-type": {"type": "unsubscribe", "views": ["board"]},
    "views-empty": {**BOARD, "views": []},
    "unknown-view": {**BOARD, "views": ["board", "nope"]},
    "views-text": {**BOARD, "views": "board"},
    "views-numbers": {**BOARD, "views": [1]},
    "operation-a-number": {**BOARD, "operation_id": 5},
}
LIVE_ONLY: dict[str, dict[str, Any]] = {
    "after-minus-one": {**BOARD, "after": -1},
    "after-past-the-log": {**BOARD, "after": 10**9},
    "after-text": {**BOARD, "after": "5"},
    "after-true": {**BOARD, "after": True},
    "after-a-fraction": {**BOARD, "after": 1.5},
}
PLAYBACK_ONLY: dict[str, dict[str, Any]] = {
    "position-minus-one": {**BOARD, "position": -1},
    "position-past-the-log": {**BOARD, "position": 10**9},
    "position-text": {**BOARD, "position": "5"},
    "position-true": {**BOARD, "position": True},
    "both-moments": {**BOARD, "position": 0, "field_time": "2023-07-28T10:42:00Z"},
    "field-time-seconds": {**BOARD, "field_time": 1690512120},
    "field-time-no-zone": {**BOARD, "field_time": "2023-07-28T10:42:00"},
    "field-time-words": {**BOARD, "field_time": "at ten"},
    "speed-zero": {**BOARD, "speed": 0},
    "speed-5000": {**BOARD, "speed": 5000},
    "speed-true": {**BOARD, "speed": True},
    "speed-text": {**BOARD, "speed": "10"},
    "paused-text": {**BOARD, "paused": "yes"},
    "paused-one": {**BOARD, "paused": 1},
}


def cases(extra: dict[str, dict[str, Any]]) -> list[Any]:
    """Every way to get a subscription wrong, in JSON and (where it packs) msgpack."""
    found = [pytest.param("", f, id=name) for name, f in UNREADABLE.items()]
    for name, frame in {**WRONG, **extra}.items():
        found.append(pytest.param("", json.dumps(frame), id=name))
        found.append(
            pytest.param("&format=msgpack", msgpack.packb(frame), id=f"msgpack-{name}")
        )
    found += [
        pytest.param("&format=msgpack", b"\xc1", id="msgpack-not-msgpack"),
        pytest.param("&format=msgpack", b"\x91" * 100_000, id="msgpack-open-arrays"),
        pytest.param("&format=msgpack", msgpack.packb([BOARD]), id="msgpack-a-list"),
        pytest.param("&format=msgpack", "not json", id="text-on-a-msgpack-socket"),
    ]
    return found


@pytest.mark.parametrize(("query", "frame"), cases(LIVE_ONLY))
def test_a_bad_live_subscription_is_bad_subscribe(
    server: Api, query: str, frame: str | bytes
) -> None:
    with stores_nothing(server), socket(server, "/ws/live", query) as ws:
        ws.send(frame)
        error, code = error_then_close(ws)
    assert (error["type"], error["code"], code) == ("error", "bad_subscribe", 4400)


@pytest.mark.parametrize(("query", "frame"), cases(PLAYBACK_ONLY))
def test_a_bad_playback_subscription_is_bad_subscribe(
    server: Api, query: str, frame: str | bytes
) -> None:
    with stores_nothing(server), socket(server, "/ws/playback", query) as ws:
        ws.send(frame)
        error, code = error_then_close(ws)
    assert (error["type"], error["code"], code) == ("error", "bad_subscribe", 4400)


CONTROLS: dict[str, str | bytes] = {
    "not-json": "not json",
    "open-brackets": "[" * 100_000,
    "empty": "",
    "msgpack-on-a-json-socket": msgpack.packb({"type": "pause"}),
    "a-list": json.dumps([{"type": "pause"}]),
    "no-type": json.dumps({"speed": 10}),
    "unknown-type": json.dumps({"type": "rewind"}),
    "subscribe-again": json.dumps(BOARD),
    "seek-nowhere": json.dumps({"type": "seek"}),
    "seek-past-the-log": json.dumps({"type": "seek", "position": 10**9}),
    "seek-minus-one": json.dumps({"type": "seek", "position": -1}),
    "seek-true": json.dumps({"type": "seek", "position": True}),
    "seek-both": json.dumps(
        {"type": "seek", "position": 0, "field_time": "2023-07-28T10:42:00Z"}
    ),
    "seek-seconds": json.dumps({"type": "seek", "field_time": 1690512120}),
    "speed-half": json.dumps({"type": "speed", "speed": 0.5}),
    "speed-true": json.dumps({"type": "speed", "speed": True}),
    "speed-text": json.dumps({"type": "speed", "speed": "10"}),
    "pause-nested-40": '{"type": "pause", "x": ' + "[" * 40 + "]" * 40 + "}",
}


MSGPACK_CONTROLS: dict[str, str | bytes] = {
    "msgpack-not-msgpack": b"\xc1",
    "msgpack-rewind": msgpack.packb({"type": "rewind"}),
    "msgpack-speed-true": msgpack.packb({"type": "speed", "speed": True}),
    "text-on-a-msgpack-socket": "not json",
}


@pytest.mark.parametrize(
    ("binary", "frame"),
    [
        *((False, f) for f in CONTROLS.values()),
        *((True, f) for f in MSGPACK_CONTROLS.values()),
    ],
    ids=[*CONTROLS, *MSGPACK_CONTROLS],
)
def test_a_bad_control_frame_is_bad_control(
    server: Api, binary: bool, frame: str | bytes
) -> None:
    query = "&format=msgpack" if binary else ""
    subscribe = {**BOARD, "paused": True}
    with stores_nothing(server), socket(server, "/ws/playback", query) as ws:
        ws.send(msgpack.packb(subscribe) if binary else json.dumps(subscribe))
        while decoded(ws.recv(timeout=10))["type"] != "playback":
            pass
        ws.send(frame)
        error, code = error_then_close(ws)
    assert (error["type"], error["code"], code) == ("error", "bad_control", 4400)


@pytest.mark.parametrize("path", ["/ws/live", "/ws/playback"])
@pytest.mark.parametrize("token", ["", "forged", "a.b.c"])
def test_a_bad_token_closes_the_socket_4001(server: Api, path: str, token: str) -> None:
    url = ws_url(server, path).split("?")[0] + f"?token={token}"
    with stores_nothing(server), connect(url, open_timeout=10) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


@pytest.mark.parametrize("after", [0, "head"])
def test_after_within_the_log_resumes(server: Api, after: int | str) -> None:
    head = server.position()
    frame = {**BOARD, "after": head if after == "head" else after}
    with socket(server, "/ws/live", "&format=msgpack") as ws:
        ws.send(msgpack.packb(frame))
        first = decoded(ws.recv(timeout=10))
    assert (first["type"], first["resumed"]) == ("deltas", True)
