"""Images: checked by content, capped, stored by hash, served only to the signed-in."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import msgpack
import pytest
from PIL import Image
from websockets.sync.client import connect

from domain.types import Role

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api
    from websockets.sync.client import ClientConnection

    from gateway.blobs import BlobStore


def png(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_stored_by_hash_recorded_and_served_back(api: Api) -> None:
    data = png()
    volunteer = api.token(Role.VOLUNTEER, registered(api))

    stored = api.http.post("/images", content=data, headers=volunteer)

    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["media_type"], body["size"]) == ("image/png", len(data))
    again = api.http.get(f"/images/{body['sha256']}", headers=api.token(Role.OBSERVER))
    assert again.content == data and again.headers["content-type"] == "image/png"
    thumb = api.http.get(
        f"/images/{body['sha256']}", params={"thumbnail": True}, headers=volunteer
    )
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) == 320


def registered(api: Api) -> str:
    """A registered volunteer's id: only they are ever given a volunteer token."""
    volunteer = api.commander("RegisterVolunteer", name="Chen Wei", contact="+86")
    return str(volunteer["result"]["volunteer_id"])


def blob_store(api: Api) -> BlobStore:
    """The test server's own blob store."""
    assert api.app is not None
    found: BlobStore = api.app.state.runtime.blobs
    return found


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, every image the process opens adds one to the list's count."""
    decoded = [0]
    open_image = Image.open

    def counted(*args: Any, **kwargs: Any) -> Image.Image:
        decoded[0] += 1
        return open_image(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counted)
    return decoded


def test_a_thumbnail_is_served_as_stored_at_upload_without_decoding_the_original(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an image uploaded, its thumbnail made and stored then
    volunteer = api.token(Role.VOLUNTEER, registered(api))
    uploaded = api.http.post("/images", content=png(), headers=volunteer)
    assert uploaded.status_code == 201, uploaded.text
    stored = uploaded.json()
    decoded = count_decodes(monkeypatch)

    # When it is asked for as a thumbnail, twice
    thumbs = [
        api.http.get(
            f"/images/{stored['sha256']}", params={"thumbnail": True}, headers=volunteer
        )
        for _ in range(2)
    ]

    # Then both answers are the very thumbnail stored at upload, linked to the
    # original, and the original was not decoded again
    blobs = blob_store(api)
    assert blobs.thumbnail_of(stored["sha256"]) == stored["thumbnail_sha256"]
    for thumb in thumbs:
        assert thumb.status_code == 200, thumb.text
        assert thumb.headers["content-type"] == "image/jpeg"
        assert thumb.content == blobs.get(stored["thumbnail_sha256"])
    assert decoded == [0]


def test_an_image_stored_before_thumbnails_were_linked_gets_one_made_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an original stored without a thumbnail link, as older uploads were
    blobs = blob_store(api)
    sha256 = blobs.put(png())
    assert blobs.thumbnail_of(sha256) is None
    decoded = count_decodes(monkeypatch)
    observer = api.token(Role.OBSERVER)

    # When its thumbnail is asked for, twice
    first, second = (
        api.http.get(f"/images/{sha256}", params={"thumbnail": True}, headers=observer)
        for _ in range(2)
    )

    # Then the first request decoded the original to make it, stored it and
    # linked it; the second was served the stored one
    assert decoded == [1]
    linked = blobs.thumbnail_of(sha256)
    assert linked is not None
    assert (
        first.headers["content-type"] == second.headers["content-type"] == "image/jpeg"
    )
    assert first.content == second.content == blobs.get(linked)
    with Image.open(io.BytesIO(first.content)) as image:
        assert max(image.size) == 320


def test_no_thumbnail_for_an_image_never_stored(api: Api) -> None:
    missing = hashlib.sha256(b"never uploaded").hexdigest()
    thumb = api.http.get(
        f"/images/{missing}",
        params={"thumbnail": True},
        headers=api.token(Role.OBSERVER),
    )
    assert (thumb.status_code, thumb.json()["code"]) == (404, "image_not_found")


def test_what_is_not_an_image_or_too_big_is_refused(api: Api) -> None:
    commander = api.token(Role.COMMANDER)
    gif = api.http.post("/images", content=b"GIF89a" + b"\0" * 100, headers=commander)
    huge = api.http.post(
        "/images", content=b"\xff\xd8\xff" + b"\0" * (11 << 20), headers=commander
    )
    fake = api.http.post(
        "/images", content=b"\x89PNG\r\n\x1a\n broken", headers=commander
    )
    assert (gif.status_code, gif.json()["code"]) == (415, "unsupported_media_type")
    assert (huge.status_code, huge.json()["code"]) == (413, "too_large")
    assert (fake.status_code, fake.json()["code"]) == (422, "unreadable_image")


def test_images_are_for_signed_in_users_and_observers_cannot_upload(api: Api) -> None:
    data = png((10, 10))
    observer = api.http.post("/images", content=data, headers=api.token(Role.OBSERVER))
    stored = api.http.post("/images", content=data, headers=api.token(Role.COMMANDER))
    anonymous = api.http.get(f"/images/{stored.json()['sha256']}")
    assert (observer.status_code, observer.json()["code"]) == (403, "role_not_allowed")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")


# --- over the field WebSocket ---------------------------------------------------


def dispatched(api: Api) -> tuple[str, str]:
    """A volunteer fit for a flood, dispatched to one: (volunteer id, incident id)."""
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    incident = api.commander(
        "ReportIncident",
        operation_id=operation["result"]["operation_id"],
        kind="flood",
        lat=24.95,
        lon=118.61,
        severity=4,
        address="Shuangyang Street",
    )["result"]["incident_id"]
    me = api.commander(
        "RegisterVolunteer", name="Chen Wei", contact="+86", domains=["water_rescue"]
    )["result"]["volunteer_id"]
    api.commander("DecideVetting", volunteer_id=me, approved=True)
    for course in ("basic-fire-safety", "water-rescue", "first-aid"):
        api.commander(
            "RecordCourse", volunteer_id=me, course=course, passed=True, score=90
        )
    until = (datetime.now(UTC) + timedelta(days=180)).isoformat()
    api.commander("RecordInsurance", volunteer_id=me, policy="P-1", valid_until=until)
    started = api.send(
        "StartShift",
        api.token(Role.VOLUNTEER, me),
        volunteer_id=me,
        operation_id=operation["result"]["operation_id"],
    )
    assert started.status_code == 200, started.text
    api.commander("DispatchVolunteer", incident_id=incident, volunteer_id=me)
    return me, incident


def phone(api: Api, volunteer_id: str, query: str = "") -> ClientConnection:
    token = api.bearer(Role.VOLUNTEER, volunteer_id)
    url = api.url.replace("http://", "ws://") + f"/ws/field?token={token}{query}"
    return connect(url, open_timeout=10, max_size=2**25)


def upload(
    ws: ClientConnection, incident: str, data: bytes, frame_id: str | None = None
) -> dict[str, Any]:
    frame_id = frame_id or str(uuid4())
    body = {"incident_id": incident, "data": base64.b64encode(data).decode()}
    ws.send(json.dumps({"id": frame_id, "command": "UploadImage", "body": body}))
    answer: dict[str, Any] = json.loads(ws.recv(timeout=10))
    assert answer["id"] == frame_id
    return answer


def blobs(tmp_path: Path) -> list[Path]:
    """Every blob file the test server stored (its data dir is tmp_path/data).

    Thumbnail links (under `thumbs/`) name blobs; they are not blobs themselves.
    """
    root = tmp_path / "data" / "blobs"
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).parts[0] != "thumbs"
    )


def test_a_phone_uploads_an_image_over_the_field_socket(
    api: Api, tmp_path: Path
) -> None:
    me, incident = dispatched(api)
    data = png()
    with phone(api, me) as ws:
        ack = upload(ws, incident, data)
        before = api.position()
        again = upload(ws, incident, data, ack["id"])

    sha256 = hashlib.sha256(data).hexdigest()
    assert (ack["type"], ack["replayed"], ack["result"]["sha256"]) == (
        "ack",
        False,
        sha256,
    )
    assert (ack["result"]["media_type"], ack["result"]["size"]) == (
        "image/png",
        len(data),
    )
    # A repeated id: the first outcome again, nothing appended.
    assert (again["type"], again["replayed"]) == ("ack", True)
    assert again["positions"] == ack["positions"] and again["result"] == ack["result"]
    assert api.position() == before
    # The bytes and the thumbnail are stored and served to signed-in users.
    served = api.http.get(f"/images/{sha256}", headers=api.token(Role.OBSERVER))
    assert served.content == data
    assert len(blobs(tmp_path)) == 2
    thumb = api.http.get(
        f"/images/{ack['result']['thumbnail_sha256']}", headers=api.token(Role.OBSERVER)
    )
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) == 320


def test_a_retry_with_other_bytes_gets_the_first_image_back(api: Api) -> None:
    me, incident = dispatched(api)
    first, second = png((40, 30)), png((30, 40))
    with phone(api, me) as ws:
        ack = upload(ws, incident, first)
        again = upload(ws, incident, second, ack["id"])
    assert again["replayed"] is True
    assert again["result"]["sha256"] == hashlib.sha256(first).hexdigest()


def test_msgpack_phones_send_the_bytes_as_they_are(api: Api) -> None:
    me, incident = dispatched(api)
    data = png((64, 64))
    with phone(api, me, "&format=msgpack") as ws:
        body = {"incident_id": incident, "data": data, "caption": "water at the door"}
        ws.send(
            msgpack.packb({"id": str(uuid4()), "command": "UploadImage", "body": body})
        )
        frame = ws.recv(timeout=10)
    assert isinstance(frame, bytes)  # a binary frame
    ack = msgpack.unpackb(frame)
    assert ack["type"] == "ack", ack
    assert ack["result"]["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "code", "status"),
    [
        (b"GIF89a" + b"\0" * 100, "unsupported_media_type", 415),
        (b"\xff\xd8\xff" + b"\0" * (11 << 20), "too_large", 413),
        (b"\x89PNG\r\n\x1a\n broken", "unreadable_image", 422),
    ],
    ids=["gif", "oversize", "broken-png"],
)
def test_what_is_not_an_image_is_refused_stores_nothing_and_the_socket_stays_open(
    api: Api, tmp_path: Path, data: bytes, code: str, status: int
) -> None:
    me, incident = dispatched(api)
    before = api.position()
    with phone(api, me) as ws:
        refused = upload(ws, incident, data)
        ws.send(
            json.dumps(
                {
                    "id": str(uuid4()),
                    "command": "ReportPosition",
                    "body": {"volunteer_id": me, "lat": 24.9, "lon": 118.6},
                }
            )
        )
        still_open = json.loads(ws.recv(timeout=10))
    assert (refused["type"], refused["code"], refused["status"]) == (
        "rejected",
        code,
        status,
    )
    assert still_open["type"] == "ack"
    assert blobs(tmp_path) == []
    assert api.position() == before + 1  # the position report only


def test_data_that_is_not_base64_is_refused(api: Api, tmp_path: Path) -> None:
    me, incident = dispatched(api)
    with phone(api, me) as ws:
        ws.send(
            json.dumps(
                {
                    "id": str(uuid4()),
                    "command": "UploadImage",
                    "body": {"incident_id": incident, "data": "not base64 at all!"},
                }
            )
        )
        refused = json.loads(ws.recv(timeout=10))
    assert (refused["type"], refused["code"]) == ("rejected", "invalid_value")
    assert blobs(tmp_path) == []


def test_a_volunteer_not_sent_to_the_incident_cannot_record_an_image_there(
    api: Api,
) -> None:
    _, incident = dispatched(api)
    stranger = api.commander("RegisterVolunteer", name="Lin Hua", contact="+86")
    api.bearer(Role.VOLUNTEER, stranger["result"]["volunteer_id"])  # issued first
    before = api.position()
    with phone(api, stranger["result"]["volunteer_id"]) as ws:
        refused = upload(ws, incident, png((20, 20)))
    assert (refused["type"], refused["code"], refused["status"]) == (
        "rejected",
        "not_assigned",
        403,
    )
    assert api.position() == before
