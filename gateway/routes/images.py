"""Images from the field: checked by content, capped, stored by hash, thumbnailed."""

import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel

from domain.types import Role
from gateway.deps import ActorDep, ServiceDep
from gateway.errors import ApiError

router = APIRouter(prefix="/images", tags=["images"])

MAX_BYTES = 10 * 1024 * 1024
THUMBNAIL_PX = 320


class Stored(BaseModel):
    sha256: str
    media_type: str
    size: int
    thumbnail_sha256: str


def media_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP, judged by the bytes, not by what the client says."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@router.post("", status_code=201)
async def upload(request: Request, actor: ActorDep, service: ServiceDep) -> Stored:
    """Store an image (the raw bytes as the body); record it with RecordImage."""
    if actor.role is Role.OBSERVER:
        raise ApiError(403, "role_not_allowed", "the observer role may not upload")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            raise ApiError(
                413, "too_large", f"an image may be at most {MAX_BYTES} bytes"
            )
    kind = media_type(bytes(data))
    if kind is None:
        raise ApiError(415, "unsupported_media_type", "send a JPEG, PNG or WebP image")
    try:
        thumbnail = _thumbnail(bytes(data))
    except (UnidentifiedImageError, OSError, ValueError):
        raise ApiError(422, "unreadable_image", "the image cannot be decoded") from None
    sha256 = service.blobs.put(bytes(data))
    return Stored(
        sha256=sha256,
        media_type=kind,
        size=len(data),
        thumbnail_sha256=service.blobs.put(thumbnail),
    )


@router.get("/{sha256}")
def download(
    sha256: str,
    _: ActorDep,
    service: ServiceDep,
    thumbnail: Annotated[bool, Query()] = False,
) -> Response:
    """An image (or its JPEG thumbnail), to authenticated users only."""
    data = service.blobs.get(sha256)
    if data is None:
        raise ApiError(404, "image_not_found", f"no image {sha256}")
    if thumbnail:
        data = _thumbnail(data)
    return Response(
        content=data, media_type=media_type(data) or "application/octet-stream"
    )


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue()
