"""Images from the field: checked by content, capped, stored by hash, thumbnailed."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from domain.types import Role
from gateway.blobs import (
    MAX_BYTES,
    ImageRefused,
    store_image,
    stored_thumbnail,
    too_large,
)
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import ApiError
from gateway.pixels import media_type
from gateway.routes.owner import owner_images

router = APIRouter(prefix="/images", tags=["images"])


class Stored(BaseModel):
    sha256: str
    media_type: str
    size: int
    thumbnail_sha256: str


@router.post("", status_code=201)
async def upload(request: Request, actor: ActorDep, runtime: RuntimeDep) -> Stored:
    """Store an image (the raw bytes as the body); record it with RecordImage."""
    if actor.role is Role.OBSERVER:
        raise ApiError(403, "role_not_allowed", "the observer role may not upload")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            why = too_large()
            raise ApiError(why.status, why.code, why.message)
    try:
        stored = await asyncio.to_thread(store_image, runtime.blobs, bytes(data))
    except ImageRefused as why:
        raise ApiError(why.status, why.code, why.message) from None
    return Stored(**stored.as_dict())


@router.get("/{sha256}")
def download(
    sha256: str,
    actor: ActorDep,
    runtime: RuntimeDep,
    thumbnail: Annotated[bool, Query()] = False,
) -> Response:
    """An image (or its JPEG thumbnail, made at upload), to authenticated users only;
    to an owner, only the photos of their own premises' hazards."""
    if actor.role is Role.OWNER and sha256 not in owner_images(runtime, actor.id):
        raise ApiError(404, "image_not_found", f"no image {sha256}")
    if thumbnail:
        try:
            data = stored_thumbnail(runtime.blobs, sha256)
        except ImageRefused as why:  # an original stored before the checks it fails
            raise ApiError(why.status, why.code, why.message) from None
    else:
        data = runtime.blobs.get(sha256)
    if data is None:
        raise ApiError(404, "image_not_found", f"no image {sha256}")
    return Response(
        content=data, media_type=media_type(data) or "application/octet-stream"
    )
