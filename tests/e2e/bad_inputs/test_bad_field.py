"""Bad input on the field socket, JSON and msgpack: each answered as the docs say.

A frame that cannot be read (not JSON or msgpack, nested deeper than 32, more
than 20,000 values, not an object) gets `malformed_frame` and close code 4400. A
frame that can be read but is wrong gets a `rejected` answer with the HTTP
status and code, and the connection stays open: every field of every command is
broken here as over HTTP, on one connection per format.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import msgpack
import pytest
from badinput import Broken, broken_fields
from probe import decoded, error_then_close, refused, socket, stores_nothing

from gateway.schemas import MODELS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Api
    from websockets.sync.client import ClientConnection


def packs(case: Any) -> bool:
    """Whether msgpack can carry the case's change (UTF-8 spells no surrogate)."""
    broken: Broken = case.values[0]
    try:
        msgpack.packb(broken.change)
    except UnicodeEncodeError:
        return False
    return True


@pytest.fixture(scope="module")
def phones(server: Api) -> Iterator[dict[str, ClientConnection]]:
    """One connection per format, kept open across the cases that keep it open."""
    with (
        socket(server, "/ws/field") as text,
        socket(server, "/ws/field", "&format=msgpack") as binary,
    ):
        yield {"json": text, "msgpack": binary}


def answer(ws: ClientConnection, frame: dict[str, Any], binary: bool) -> Any:
    ws.send(msgpack.packb(frame) if binary else json.dumps(frame))
    return decoded(ws.recv(timeout=10))


def http_only(command: str) -> bool:
    """Commands the field socket does not take (they answer with a token)."""
    return bool(getattr(MODELS[command][0], "issues_token", False))


BROKEN = [
    pytest.param(binary, case.values[0], id=f"{form}-{case.id}")
    for binary, form in ((False, "json"), (True, "msgpack"))
    for case in broken_fields()
    if (not binary or packs(case)) and not http_only(case.values[0].command)
]


@pytest.mark.parametrize(("binary", "case"), BROKEN)
def test_a_broken_field_is_rejected_in_kind_and_the_socket_stays_open(
    server: Api,
    phones: dict[str, ClientConnection],
    valid: dict[str, dict[str, Any]],
    binary: bool,
    case: Broken,
) -> None:
    frame = {"id": str(uuid4()), "command": case.command, "body": case.body(valid)}
    with stores_nothing(server):
        said = answer(phones["msgpack" if binary else "json"], frame, binary)
    assert (said["type"], said["id"]) == ("rejected", frame["id"])
    assert (said["status"], said["code"]) == (case.status, case.code)


ID = "0190f6c2-7a3e-7c00-9d2b-4e5f6a7b8c9d"
POST = {"incident_id": ID, "text": "hello"}
WRONG_FRAMES = {
    "no-id": ({"command": "PostMessage", "body": POST}, "invalid_value"),
    "id-not-a-uuid": ({"id": "x", "command": "PostMessage"}, "invalid_value"),
    "id-a-number": ({"id": 5, "command": "PostMessage"}, "invalid_value"),
    "id-a-list": ({"id": [ID], "command": "PostMessage"}, "invalid_value"),
    "id-with-a-surrogate": ({"id": ID[:-1] + "\ud800"}, "invalid_value"),
    "no-command": ({"id": ID, "body": POST}, "unknown_command"),
    "unknown-command": ({"id": ID, "command": "LaunchRocket"}, "unknown_command"),
    "command-a-number": ({"id": ID, "command": 5}, "unknown_command"),
    "command-null": ({"id": ID, "command": None}, "unknown_command"),
    "command-an-object": ({"id": ID, "command": {"a": 1}}, "unknown_command"),
    "body-text": ({"id": ID, "command": "PostMessage", "body": "x"}, "invalid_value"),
    "body-a-list": ({"id": ID, "command": "PostMessage", "body": [1]}, "invalid_value"),
    "body-a-number": ({"id": ID, "command": "PostMessage", "body": 5}, "invalid_value"),
    "body-empty": ({"id": ID, "command": "PostMessage", "body": {}}, "invalid_value"),
    "upload-no-data": (
        {"id": ID, "command": "UploadImage", "body": {"incident_id": ID}},
        "invalid_value",
    ),
    "upload-data-a-number": (
        {"id": ID, "command": "UploadImage", "body": {"incident_id": ID, "data": 5}},
        "invalid_value",
    ),
    "upload-data-not-base64": (
        {"id": ID, "command": "UploadImage", "body": {"incident_id": ID, "data": "%"}},
        "invalid_value",
    ),
    "upload-lat-true": (
        {
            "id": ID, "command": "UploadImage",
            "body": {"incident_id": ID, "data": "", "lat": True, "lon": 1.0},
        },
        "invalid_value",
    ),
    "upload-time-in-seconds": (
        {
            "id": ID, "command": "UploadImage",
            "body": {"incident_id": ID, "data": "", "occurred_at": 1690512120},
        },
        "invalid_value",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("frame", "code"), WRONG_FRAMES.values(), ids=WRONG_FRAMES.keys()
)
def test_a_frame_read_but_wrong_is_rejected(
    server: Api, phones: dict[str, ClientConnection], frame: dict[str, Any], code: str
) -> None:
    with stores_nothing(server):
        said = answer(phones["json"], frame, binary=False)
    assert (said["type"], said["status"], said["code"]) == ("rejected", 422, code)


def deep(levels: int) -> str:
    return json.dumps({"id": ID, "command": "PostMessage", "body": POST, "x": 0})[
        :-2
    ] + ("[" * levels + "]" * levels + "}")


UNREADABLE_TEXT = {
    "not-json": "not json",
    "open-brackets": "[" * 100_000,
    "open-braces": '{"a":' * 50_000,
    "nested-33": deep(33),
    "thirty-thousand-values": json.dumps({"id": ID, "x": [0] * 30_000}),
    "a-list": json.dumps([{"id": ID}]),
    "a-number": "1",
    "null": "null",
    "a-string": '"PostMessage"',
    "empty": "",
    "a-5000-digit-number": '{"id": ' + "9" * 5000 + "}",
}
UNREADABLE_MSGPACK = {
    "not-msgpack": b"\xc1",
    "truncated": b"\x82\xa2id",
    "open-arrays": b"\x91" * 100_000,
    "nested-33": msgpack.packb({"id": ID, "x": 0})[:-1] + b"\x91" * 33 + b"\xc0",
    "thirty-thousand-values": msgpack.packb({"id": ID, "x": [0] * 30_000}),
    "thirty-thousand-maps": msgpack.packb({"id": ID, "x": [[{}] * 15_000] * 2}),
    "a-list": msgpack.packb([{"id": ID}]),
    "not-utf-8": b"\x81\xa2id\xa2\xff\xfe",
    "number-key": msgpack.packb({1: 2}),
    "trailing-bytes": msgpack.packb({"id": ID}) + b"\x00",
    "empty": b"",
}


@pytest.mark.parametrize(
    ("query", "frame"),
    [
        *(("", text) for text in UNREADABLE_TEXT.values()),
        ("", msgpack.packb({"id": ID, "command": "PostMessage", "body": POST})),
        *(("&format=msgpack", data) for data in UNREADABLE_MSGPACK.values()),
        ("&batch=1", "not json"),
        ("&format=msgpack&batch=1", b"\xc1"),
    ],
    ids=[
        *UNREADABLE_TEXT.keys(),
        "msgpack-on-a-json-socket",
        *(f"msgpack-{name}" for name in UNREADABLE_MSGPACK),
        "batched",
        "batched-msgpack",
    ],
)
def test_a_frame_that_cannot_be_read_closes_the_socket(
    server: Api, query: str, frame: str | bytes
) -> None:
    error, code = refused(server, "/ws/field", query, frame)
    if isinstance(error, list):  # batched
        (error,) = error
    assert (error["type"], error["code"], code) == ("error", "malformed_frame", 4400)
    assert isinstance(error["message"], str) and error["message"]


@pytest.mark.parametrize("query", ["&batch=maybe", "&batch=", "&batch=2"])
def test_a_bad_query_closes_the_socket_with_a_code(server: Api, query: str) -> None:
    with stores_nothing(server), socket(server, "/ws/field", query) as ws:
        error, code = error_then_close(ws)
    assert (error["type"], error["code"], code) == ("error", "invalid_value", 4400)


def test_the_kept_sockets_still_take_commands(
    server: Api, phones: dict[str, ClientConnection], valid: dict[str, dict[str, Any]]
) -> None:
    for binary, ws in ((False, phones["json"]), (True, phones["msgpack"])):
        frame = {
            "id": str(uuid4()),
            "command": "PostMessage",
            "body": valid["PostMessage"],
        }
        said = answer(ws, frame, binary)
        assert (said["type"], said["id"]) == ("ack", frame["id"]), said
