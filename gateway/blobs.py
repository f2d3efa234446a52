"""Image bytes, addressed by their SHA-256, behind an interface object storage can fill.

Events carry the hash, never the bytes. The default keeps blobs on disk in the
data directory, written atomically (a temporary file renamed into place).
`store_image` is the one gate every upload passes (HTTP or the field socket):
media type judged by the bytes, a size cap, a thumbnail, nothing stored on refusal.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
THUMBNAIL_PX = 320


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes | None: ...


class DiskBlobs:
    """Blobs under `root/ab/abcdef...`, one file per distinct content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, path)
        return sha256

    def get(self, sha256: str) -> bytes | None:
        if len(sha256) != 64 or not all(ch in "0123456789abcdef" for ch in sha256):
            return None
        path = self._path(sha256)
        return path.read_bytes() if path.exists() else None


class ImageRefused(Exception):
    """An upload that is not a usable image; nothing was stored."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    media_type: str
    size: int
    thumbnail_sha256: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def media_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP, judged by the bytes, not by what the client says."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def too_large() -> ImageRefused:
    return ImageRefused(413, "too_large", f"an image may be at most {MAX_BYTES} bytes")


def store_image(blobs: BlobStore, data: bytes) -> StoredImage:
    """Check an image by its content and store it with its thumbnail, or refuse it.

    Blocking (decoding, fsync): call it from a worker thread in async code.
    """
    if len(data) > MAX_BYTES:
        raise too_large()
    kind = media_type(data)
    if kind is None:
        raise ImageRefused(
            415, "unsupported_media_type", "send a JPEG, PNG or WebP image"
        )
    try:
        small = thumbnail(data)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ImageRefused(
            422, "unreadable_image", "the image cannot be decoded"
        ) from None
    return StoredImage(
        sha256=blobs.put(data),
        media_type=kind,
        size=len(data),
        thumbnail_sha256=blobs.put(small),
    )


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_PX on its longer side."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue()
