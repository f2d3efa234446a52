"""`UploadImage` on the field socket: an image's bytes in, recorded on the incident.

The bytes pass the same gate as `POST /images` (`gateway.blobs.store_image`:
JPEG, PNG or WebP by content, capped, stored by hash with a thumbnail), then the
image is recorded as `RecordImage` under the frame's id, so a repeated id is
answered from the command record: the first outcome, `replayed: true`, nothing
appended, and the hash of the image the first frame recorded.
"""

import asyncio
import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import ValidationError

from gateway.blobs import MAX_BYTES, ImageRefused, StoredImage, store_image, too_large
from gateway.schemas import MODELS, UploadBody, build, problem

if TYPE_CHECKING:
    from domain.commands import Actor
    from domain.outcome import Outcome
    from gateway.bootstrap import Runtime

# base64 spells 3 bytes with 4 characters: a longer text cannot fit under the cap.
MAX_TEXT = (MAX_BYTES + 2) // 3 * 4


@dataclass(frozen=True)
class Refused:
    """An upload turned away before it became a command: nothing was stored."""

    code: str
    message: str
    status: int


@dataclass(frozen=True)
class Uploaded:
    outcome: "Outcome"
    image: StoredImage


async def upload(
    runtime: "Runtime", actor: "Actor", command_id: UUID, body: dict[str, Any]
) -> "Uploaded | Refused":
    """Check and store the image, then record it on the incident."""
    try:
        checked = UploadBody.model_validate(body)
    except ValidationError as error:
        return Refused("invalid_value", problem(error), 422)
    data = checked.data
    if isinstance(data, str):
        if len(data) > MAX_TEXT:
            why = too_large()
            return Refused(why.code, why.message, why.status)
        try:
            data = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            return Refused("invalid_value", "body.data: not base64", 422)
    try:
        image = await asyncio.to_thread(store_image, runtime.blobs, data)
    except ImageRefused as why:
        return Refused(why.code, why.message, why.status)
    cls, model = MODELS["RecordImage"]
    fields = checked.model_dump(exclude={"data"})
    fields.update(sha256=image.sha256, media_type=image.media_type, size=image.size)
    record = model.model_validate(fields)
    outcome = await runtime.writer.send(build(cls, record, actor, command_id))
    if outcome.replayed and outcome.positions:
        image = await asyncio.to_thread(_first_image, runtime, outcome, image)
    return Uploaded(outcome, image)


def _first_image(
    runtime: "Runtime", outcome: "Outcome", sent: StoredImage
) -> StoredImage:
    """The image the first frame with this id recorded (a retry may differ)."""
    brigade = runtime.brigade
    found = brigade.recorder.select_notifications(start=outcome.positions[0], limit=1)
    event = brigade.mapper.to_domain_event(found[0]) if found else None
    sha256 = getattr(event, "sha256", None)
    if event is None or sha256 is None or sha256 == sent.sha256:
        return sent
    original = runtime.blobs.get(sha256)
    if original is not None:
        return store_image(runtime.blobs, original)
    return StoredImage(
        sha256, getattr(event, "media_type", ""), getattr(event, "size", 0), ""
    )
