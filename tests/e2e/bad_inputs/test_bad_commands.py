"""Bad input over HTTP, to every command route: a status, a code, nothing stored.

Every field of every command is broken in each way its kind can be (a boolean
or a numeric string for a number, a lone surrogate or NUL in text, a number for a
date...), each required field is left out, and an unknown field added; then the
bodies, headers and names no command has. Each case asserts the status and the
code, that the store's head did not move, and that the server still answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from badinput import IN_ORDER, Broken, World, bodies, broken_fields
from probe import post, stores_nothing

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


@pytest.mark.parametrize("case", broken_fields())
def test_a_broken_field_is_refused_for_itself(
    server: Api, valid: dict[str, dict[str, Any]], case: Broken
) -> None:
    with stores_nothing(server):
        answer = post(
            server, case.command, case.body(valid), server.token(Role.COMMANDER)
        )
    assert (answer.status_code, answer.json()["code"]) == (case.status, case.code)


@pytest.mark.parametrize(
    ("command", "occurred_at", "code"),
    [
        ("PostMessage", "2099-01-01T00:00:00Z", "field_time_in_future"),
        ("ReportPosition", "2030-01-01T00:00:00+08:00", "field_time_in_future"),
        ("PostMessage", "2023-07-28T10:42:00", "field_time_invalid"),
        ("ReportIncident", "1999-12-31T23:59:59Z", "field_time_invalid"),
        ("ReportPosition", 1690512120, "invalid_value"),
        ("PostMessage", "at ten", "invalid_value"),
        ("PostMessage", True, "invalid_value"),
        ("OpenOperation", "2023-07-28T10:42:00+08:00[Asia/Shanghai]", "invalid_value"),
    ],
)
def test_a_field_time_that_cannot_be_is_refused(
    server: Api,
    valid: dict[str, dict[str, Any]],
    command: str,
    occurred_at: Any,
    code: str,
) -> None:
    body = {**valid[command], "occurred_at": occurred_at}
    with stores_nothing(server):
        answer = post(server, command, body, server.token(Role.COMMANDER))
    assert (answer.status_code, answer.json()["code"]) == (422, code)


DRILL = b'{"name": "x", "kind": "drill"'
UNREADABLE = {
    "open-brackets": b"[" * 100_000,
    "open-braces": b"{" * 100_000,
    "nested-in-a-field": b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}",
    "thirty-thousand-numbers": DRILL + b', "area": [' + b"0," * 30_000 + b"0]}",
    "thirty-thousand-objects": DRILL + b', "area": [' + b"{}," * 30_000 + b"{}]}",
    "not-json": b"{not json",
    "empty": b"",
    "null": b"null",
    "a-list": b"[]",
    "a-string": b'"OpenOperation"',
    "a-number": b"42",
    "not-utf-8": b'{"name": "\xff\xfe", "kind": "drill"}',
    "nan": DRILL + b', "area": [NaN, 1, 2, 3]}',
    "infinity": DRILL + b', "area": [1e999, 1, 2, 3]}',
    "a-5000-digit-number": DRILL + b', "area": [' + b"9" * 5000 + b", 1, 2, 3]}",
}


NOT_SAID_TO_BE_JSON = [
    None, "text/plain", "application/xml", "application/x-www-form-urlencoded",
]  # fmt: skip
BODIES = [
    *(
        pytest.param(content, "application/json", 422, "invalid_value", id=name)
        for name, content in UNREADABLE.items()
    ),
    *(
        pytest.param(DRILL + b"}", said, 422, "invalid_value", id=f"said-{said}")
        for said in NOT_SAID_TO_BE_JSON
    ),
    pytest.param(
        DRILL + b" " * 2**20 + b"}", "application/json", 413, "too_large",
        id="over-a-mebibyte",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("content", "content_type", "status", "code"), BODIES)
def test_a_body_that_cannot_be_read_is_refused_unread(
    server: Api, content: bytes, content_type: str | None, status: int, code: str
) -> None:
    headers = server.token(Role.COMMANDER)
    if content_type is not None:
        headers["Content-Type"] = content_type
    with stores_nothing(server):
        answer = server.http.post(
            "/commands/OpenOperation", content=content, headers=headers
        )
    assert (answer.status_code, answer.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    "name",
    [
        "Nope", "openoperation", "OpenOperation%20", "UploadImage", "Command",
        "IncidentCommand", "ENVELOPE", "__init__", "%00", "%F0%9F%9A%92", "x" * 2000,
    ],
)  # fmt: skip
def test_an_unknown_command_is_unknown_command(server: Api, name: str) -> None:
    with stores_nothing(server):
        answer = server.http.post(
            f"/commands/{name}", json={}, headers=server.token(Role.COMMANDER)
        )
    assert (answer.status_code, answer.json()["code"]) == (422, "unknown_command")


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Idempotency-Key": "not-a-uuid"}, 422, "invalid_value"),
        ({"Idempotency-Key": ""}, 422, "invalid_value"),
        ({"Idempotency-Key": "0190f6c2-7a3e-7c00-9d2b"}, 422, "invalid_value"),
        ({"Idempotency-Key": "é" * 36}, 422, "invalid_value"),
        ({"Authorization": ""}, 401, "unauthenticated"),
        ({"Authorization": "Bearer"}, 401, "unauthenticated"),
        ({"Authorization": "Token abc.def.ghi"}, 401, "unauthenticated"),
        ({"Authorization": "Basic ZHV0eTpvZmZpY2Vy"}, 401, "unauthenticated"),
        ({"Authorization": "Bearer abc.def"}, 401, "unauthenticated"),
        ({"Authorization": "Bearer " + "a" * 10_000}, 401, "unauthenticated"),
    ],
    ids=[
        "key-not-a-uuid", "key-empty", "key-cut-short", "key-not-ascii", "no-token",
        "bearer-alone", "another-scheme", "basic", "forged", "ten-thousand-characters",
    ],
)  # fmt: skip
def test_a_bad_header_is_refused(
    server: Api,
    valid: dict[str, dict[str, Any]],
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    sent = {**server.token(Role.COMMANDER), **headers}
    if "Authorization" in headers and not headers["Authorization"]:
        del sent["Authorization"]
    with stores_nothing(server):
        answer = server.http.post(
            "/commands/PostMessage",
            json=valid["PostMessage"],
            headers=[(k.encode(), v.encode()) for k, v in sent.items()],
        )
    assert (answer.status_code, answer.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    ("role", "command", "code"),
    [
        (Role.OBSERVER, "PostMessage", "role_not_allowed"),
        (Role.OBSERVER, "OpenOperation", "role_not_allowed"),
        (Role.VOLUNTEER, "DispatchVolunteer", "role_not_allowed"),
        (Role.VOLUNTEER, "ReportPosition", "not_yourself"),
        (Role.VOLUNTEER, "PostMessage", "not_assigned"),
        (Role.OFFICER, "DispatchVolunteer", "role_not_allowed"),
        (Role.VOLUNTEER, "IssueOwnerToken", "not_inspector"),
    ],
)
def test_who_may_not_is_refused(
    server: Api,
    world: World,
    valid: dict[str, dict[str, Any]],
    role: Role,
    command: str,
    code: str,
) -> None:
    someone = world.ready if role is Role.VOLUNTEER else "press"
    headers = server.token(role, someone)  # issuing it is stored, before the case
    with stores_nothing(server):
        answer = server.send(command, headers, **valid[command])
    assert (answer.status_code, answer.json()["code"]) == (403, code)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_a_command_is_only_posted(server: Api, method: str) -> None:
    with stores_nothing(server):
        answer = server.http.request(
            method, "/commands/OpenOperation", headers=server.token(Role.COMMANDER)
        )
    assert (answer.status_code, answer.json()["code"]) == (405, "method_not_allowed")


def test_every_valid_body_is_accepted_in_a_world_of_its_own(server: Api) -> None:
    # The cases above break one field of these bodies: whole, each is accepted.
    valid = bodies(World.made(server))
    assert sorted(IN_ORDER) == sorted(valid)
    for command in IN_ORDER:
        server.commander(command, **valid[command])
