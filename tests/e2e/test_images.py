"""Images: checked by content, capped, stored by hash, served only to the signed-in."""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING

from PIL import Image

from domain.types import Role

if TYPE_CHECKING:
    from conftest import Api


def png(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_stored_by_hash_recorded_and_served_back(api: Api) -> None:
    data = png()
    volunteer = api.token(Role.VOLUNTEER, "f20862d4-1b10-58c0-bbcd-1e53c2e83419")

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
