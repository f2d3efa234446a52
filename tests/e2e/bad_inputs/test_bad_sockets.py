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
from probe import decoded, error_then_close, refused, socket, stores_nothing, ws_url
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
# The fields only one socket's subscription has, and values they may not take.
LIVE_ONLY: dict[str, list[Any]] = {"after": [-1, 10**9, "5", True, 1.5]}
PLAYBACK_ONLY: dict[str, list[Any]] = {
    "position": [-1, 10**9, "5", True],
    "field_time": [1690512120, "2023-07-28T10:42:00", "at ten"],
    "speed": [0, 5000, True, "10"],
    "paused": ["yes", 1],
}
BOTH_MOMENTS = {**BOARD, "position": 0, "field_time": "2023-07-28T10:42:00Z"}


def cases(path: str, only: dict[str, list[Any]], **more: dict[str, Any]) -> list[Any]:
    """Every way to get a subscription wrong, in JSON and (where it packs) msgpack."""
    named: list[tuple[str, str, str | bytes]] = [
        (name, "", frame) for name, frame in UNREADABLE.items()
    ]
    wrong = {**WRONG, **more}
    for field, values in only.items():
        wrong.update({f"{field}={v!r}": {**BOARD, field: v} for v in values})
    for name, frame in wrong.items():
        named.append((name, "", json.dumps(frame)))
        named.append((f"msgpack-{name}", "&format=msgpack", msgpack.packb(frame)))
    named += [
        ("msgpack-not-msgpack", "&format=msgpack", b"\xc1"),
        ("msgpack-open-arrays", "&format=msgpack", b"\x91" * 100_000),
        ("msgpack-a-list", "&format=msgpack", msgpack.packb([BOARD])),
        ("text-on-a-msgpack-socket", "&format=msgpack", "not json"),
    ]
    where = path.removeprefix("/ws/")
    return [pytest.param(path, q, f, id=f"{where}-{name}") for name, q, f in named]


@pytest.mark.parametrize(
    ("path", "query", "frame"),
    cases("/ws/live", LIVE_ONLY)
    + cases("/ws/playback", PLAYBACK_ONLY, both_moments=BOTH_MOMENTS),
)
def test_a_bad_subscription_is_bad_subscribe(
    server: Api, path: str, query: str, frame: str | bytes
) -> None:
    error, code = refused(server, path, query, frame)
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


@pytest.mark.parametrize("path", ["/ws/live", "/ws/playback", "/ws/field"])
@pytest.mark.parametrize("token", ["", "forged", "a.b.c", "é"])
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
