"""Image bytes, addressed by their SHA-256, behind an interface object storage can fill.

Events carry the hash, never the bytes. The default keeps blobs on disk in the
data directory, written atomically (a temporary file renamed into place).
`store_image` is the one gate every upload passes (HTTP or the field socket):
media type judged by the bytes, caps on bytes and on pixels (the pixels read from
the header, before decoding: `gateway/pixels.py`), a thumbnail, nothing stored on
refusal.
The thumbnail is stored as a blob of its own and linked to the original's hash, so
`?thumbnail=true` serves it without decoding the original again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image

from domain.checks import MAX_IMAGE_BYTES
from gateway.pixels import TooManyPixels, Undecodable, media_type, thumbnail

if TYPE_CHECKING:
    from pathlib import Path

# One cap for the bytes: what the gateway takes is what RecordImage may record.
MAX_BYTES = MAX_IMAGE_BYTES


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes | None: ...

    def link_thumbnail(self, original: str, thumbnail: str) -> None:
        """Record that the blob `thumbnail` is the thumbnail of the blob `original`."""
        ...

    def thumbnail_of(self, original: str) -> str | None:
        """The hash of the original's thumbnail, if one was linked."""
        ...


class DiskBlobs:
    """Blobs under `root/ab/abcdef...`, one file per distinct content.

    A thumbnail link is a file `root/thumbs/ab/abcdef...` (named by the original)
    holding the thumbnail's hash.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _link(self, original: str) -> Path:
        return self.root / "thumbs" / original[:2] / original

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            _write(path, data)
        return sha256

    def get(self, sha256: str) -> bytes | None:
        if not _is_sha256(sha256):
            return None
        path = self._path(sha256)
        return path.read_bytes() if path.exists() else None

    def link_thumbnail(self, original: str, thumbnail: str) -> None:
        if not (_is_sha256(original) and _is_sha256(thumbnail)):
            raise ValueError("a thumbnail link joins two SHA-256 hex digests")
        if self.thumbnail_of(original) != thumbnail:  # an image uploaded again
            _write(self._link(original), thumbnail.encode())

    def thumbnail_of(self, original: str) -> str | None:
        if not _is_sha256(original):
            return None
        try:
            found = self._link(original).read_text()
        except FileNotFoundError:
            return None
        return found if _is_sha256(found) else None


def _is_sha256(name: str) -> bool:
    return len(name) == 64 and all(ch in "0123456789abcdef" for ch in name)


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: readers never see half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)


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
    small = checked_thumbnail(data)
    sha256, small_sha256 = blobs.put(data), blobs.put(small)
    blobs.link_thumbnail(sha256, small_sha256)  # last: a link names stored blobs only
    return StoredImage(
        sha256=sha256, media_type=kind, size=len(data), thumbnail_sha256=small_sha256
    )


def stored_thumbnail(blobs: BlobStore, original: str) -> bytes | None:
    """The original's thumbnail as stored at upload; None if there is no original.

    An image stored before thumbnails were linked gets its thumbnail made, stored
    and linked at the first request, so every later one is a plain read.
    Blocking (decoding, fsync): call it from a worker thread in async code.
    """
    linked = blobs.thumbnail_of(original)
    small = blobs.get(linked) if linked is not None else None
    if small is not None:
        return small
    data = blobs.get(original)
    if data is None:
        return None
    small = checked_thumbnail(data)
    blobs.link_thumbnail(original, blobs.put(small))
    return small


def checked_thumbnail(data: bytes) -> bytes:
    """The image's thumbnail, or the refusal of an image too big or unreadable."""
    try:
        return thumbnail(data)
    except (TooManyPixels, Image.DecompressionBombError) as error:
        raise ImageRefused(413, "too_many_pixels", str(error)) from None
    except Image.DecompressionBombWarning as error:  # when warnings are errors
        raise ImageRefused(413, "too_many_pixels", str(error)) from None
    except (Undecodable, OSError, ValueError):  # UnidentifiedImageError is an OSError
        raise ImageRefused(
            422, "unreadable_image", "the image cannot be decoded"
        ) from None
