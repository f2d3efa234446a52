"""Bad images and bad queries: POST /images, UploadImage, and every GET route.

An image is judged by its bytes: its type, its size, the pixels its header
claims (before anything is decoded) and whether it decodes. Each refusal stores
neither an event nor a blob. The GET routes' queries, paths and methods get a
status and a code too.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import msgpack
import pytest
from PIL import Image
from probe import decoded, socket, stores_nothing

from bench.bombs import png
from domain.types import Role
from gateway.blobs import MAX_BYTES

if TYPE_CHECKING:
    from badinput import World
    from conftest import Api


def chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack("!I", len(body)) + kind + body + struct.pack("!I", crc)


def ihdr(width: int, height: int) -> bytes:
    """A PNG's signature and header, saying a size, and no pixels."""
    header = struct.pack("!IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)


def png_with_text(inflated: int) -> bytes:
    """A small PNG whose compressed text chunks inflate to `inflated` bytes."""
    small = png(4, 4)
    ztxt = chunk(b"zTXt", b"note\0\0" + zlib.compress(b"x" * 1_000_000, 9))
    return small[:33] + ztxt * (inflated // 1_000_000) + small[33:]


def jpeg_saying(width: int, height: int) -> bytes:
    """A real JPEG's bytes with its frame header's size changed."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format="JPEG")
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack("!HH", height, width)
    return bytes(data)


def webp_saying(width: int, height: int) -> bytes:
    """A lossless WebP's bytes with its header's size changed."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format="WEBP", lossless=True)
    data = bytearray(out.getvalue())
    data[21:25] = ((width - 1) | ((height - 1) << 14)).to_bytes(4, "little")
    return bytes(data)


# Each refusal, its status, and the images that get it.
STATUS = {
    "unsupported_media_type": 415,
    "too_large": 413,
    "too_many_pixels": 413,
    "unreadable_image": 422,
}
REFUSED: dict[str, dict[str, bytes]] = {
    "unsupported_media_type": {
        "empty": b"",
        "gif": b"GIF89a" + b"\0" * 100,
        "text": b"hello, this is not an image",
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    },
    "too_large": {"over-10-mib": b"\xff\xd8\xff" + b"\0" * MAX_BYTES},
    "too_many_pixels": {
        "png-bomb": png(12_000, 12_000),
        "png-header-of-a-bomb": ihdr(30_000, 30_000),
        "png-just-over-40-mp": ihdr(6325, 6325),
        "jpeg-saying-65000-square": jpeg_saying(65_000, 65_000),
        "webp-saying-16384-square": webp_saying(16_384, 16_384),
        "webp-saying-13-mp": webp_saying(4000, 3250),
    },
    "unreadable_image": {
        "png-signature-alone": b"\x89PNG\r\n\x1a\n",
        "png-zero-wide": ihdr(0, 5) + png(1, 1)[33:],
        "png-without-pixels": ihdr(64, 64),
        "png-pixels-not-zlib": ihdr(8, 8) + chunk(b"IDAT", b"\1" * 64),
        "png-text-inflating-to-8-mb": png_with_text(8_000_000),
        "jpeg-no-frame-header": b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 9,
        "jpeg-cut-short": jpeg_saying(16, 16)[:40],
        "jpeg-saying-zero-high": jpeg_saying(16, 0),
        "webp-header-alone": b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20,
        "webp-cut-short": webp_saying(16, 16)[:30],
    },
}
IMAGES = [
    pytest.param(data, STATUS[code], code, id=name)
    for code, images in REFUSED.items()
    for name, data in images.items()
]


@pytest.mark.parametrize(("data", "status", "code"), IMAGES)
def test_an_image_upload_over_http_is_refused(
    server: Api, data: bytes, status: int, code: str
) -> None:
    with stores_nothing(server):
        answer = server.http.post(
            "/images", content=data, headers=server.token(Role.COMMANDER)
        )
    assert (answer.status_code, answer.json()["code"]) == (status, code)


@pytest.mark.parametrize(("data", "status", "code"), IMAGES)
@pytest.mark.parametrize("form", ["json", "msgpack"])
def test_an_image_over_the_field_socket_is_rejected(
    server: Api, world: World, form: str, data: bytes, status: int, code: str
) -> None:
    body = {"incident_id": world.incident, "data": data}
    frame: Any = {"id": str(uuid4()), "command": "UploadImage", "body": body}
    if form == "json":
        body["data"] = base64.b64encode(data).decode()
        sent: str | bytes = json.dumps(frame)
    else:
        sent = msgpack.packb(frame)
    with (
        stores_nothing(server),
        socket(
            server, "/ws/field", "&format=msgpack" if form == "msgpack" else ""
        ) as ws,
    ):
        ws.send(sent)
        said = decoded(ws.recv(timeout=30))
    assert (said["type"], said["status"], said["code"]) == ("rejected", status, code)


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [(Role.OBSERVER, 403, "role_not_allowed"), (None, 401, "unauthenticated")],
)
def test_who_may_not_upload_is_refused(
    server: Api, role: Role | None, status: int, code: str
) -> None:
    headers = server.token(role) if role is not None else {}
    with stores_nothing(server):
        answer = server.http.post("/images", content=png(4, 4), headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


SHA = "ab" * 32
# Each status and code, and the requests that get it.
ANSWERED: dict[tuple[int, str], list[str]] = {
    (404, "unknown_view"): ["GET /views/nope"],
    (404, "image_not_found"): [
        "GET /images/not-a-hash", f"GET /images/{SHA}",
        f"GET /images/{SHA}?thumbnail=true",
    ],
    (404, "operation_not_found"): [
        "GET /operations/no-such/report", "GET /operations/nope/report.json",
        "GET /operations/nope/report.csv", "GET /reports?operation=nope",
        "GET /reports.csv?operation=",
    ],
    (404, "not_found"): [
        "GET /views/", "GET /operations/nope/report.pdf", "GET /nope",
        "GET /web/js/nope.js", "GET /commands",
    ],
    (405, "method_not_allowed"): [
        "POST /views/board", f"DELETE /images/{SHA}", "GET /images", "POST /health",
        "DELETE /",
    ],
    (422, "invalid_value"): [
        f"GET /images/{SHA}?thumbnail=maybe", "GET /reports", "GET /reports.json",
        "GET /reports?" + "&".join(["operation=x"] * 21),
    ],
}  # fmt: skip
QUERIES = [
    pytest.param(*request.split(" "), status, code, id=request[:60])
    for (status, code), requests in ANSWERED.items()
    for request in requests
]


@pytest.mark.parametrize(("method", "path", "status", "code"), QUERIES)
def test_a_bad_query_gets_a_status_and_a_code(
    server: Api, method: str, path: str, status: int, code: str
) -> None:
    with stores_nothing(server):
        answer = server.http.request(method, path, headers=server.token(Role.OBSERVER))
    assert (answer.status_code, answer.json()["code"]) == (status, code)


@pytest.mark.parametrize(
    "path",
    [
        "/views/board",
        f"/images/{'ab' * 32}",
        "/reports?operation=x",
        "/operations/x/report.json",
    ],
)
def test_a_read_without_a_token_is_unauthenticated(server: Api, path: str) -> None:
    with stores_nothing(server):
        answer = server.http.get(path)
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")
