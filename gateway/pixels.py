"""Images decoded within bounds: refused by their header's size, thumbnailed in strips.

A 560 KB PNG can say 12000 x 12000 pixels, 1.1 GB once decoded. So the size is
read from the header, before Pillow decodes anything (a WebP's decoder even takes
its whole canvas when the file is opened), and refused past a cap. What is
decoded is paid for from one budget shared by every upload in the process: the
big ones wait for one another instead of adding up. A JPEG is decoded at the
smallest scale the thumbnail needs (`draft`); other formats whole, then reduced a
strip at a time, so no second full-size copy is made (Pillow's own `reduce` and
`resize` copy an image with alpha whole).
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PIL import Image, PngImagePlugin

if TYPE_CHECKING:
    from collections.abc import Iterator

# A phone's largest photo (50 MP sensors save 12 or 50 MP); a screenshot is under 10.
MAX_PIXELS = 40_000_000
# Pillow decodes a WebP into its canvas, copies it out and copies it in again.
MAX_WEBP_PIXELS = 12_000_000
THUMBNAIL_PX = 320
# What decoding may hold at once, across all uploads: one image at the cap.
DECODE_BUDGET = 200 * 1024 * 1024
BYTES_PER_PIXEL = {"image/jpeg": 4, "image/png": 4, "image/webp": 16}
# Rows are reduced a strip of about this many bytes at a time (three copies of it
# are held: cropped, converted, premultiplied).
STRIP_BYTES = 1024 * 1024

# Pillow's own limit, the same as ours, for any image something else opens.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Pillow's blocks above glibc's largest mmap threshold (32 MiB), so that a decoded
# image's memory goes back to the system when freed: below it, each decoding
# thread's malloc arena keeps what it freed, and three threads held three images
# (measured: three 40 MP PNGs sent at once, decoded in turn, took 372 MB; 197
# MB with this).
# Pillow's PILLOW_BLOCK_SIZE, set here: Pillow reads the variable on import.
Image.core.set_block_size(64 * 1024 * 1024)  # type: ignore[attr-defined]
# A PNG's compressed text chunks are inflated when it is opened: 64 MiB by default.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024


class TooManyPixels(ValueError):
    def __init__(self, width: int, height: int, limit: int) -> None:
        super().__init__(
            f"an image may have at most {limit / 1e6:g} megapixels; "
            f"this one is {width} x {height}"
        )


class Undecodable(ValueError):
    """The bytes do not say (or do not hold) an image of the size they claim."""


def media_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP, judged by the bytes, not by what the client says."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height as the file's header says, without decoding; None: unsaid."""
    kind = media_type(data)
    if kind == "image/png":
        if data[12:16] != b"IHDR" or len(data) < 24:
            return None
        return _be(data, 16, 4), _be(data, 20, 4)
    if kind == "image/jpeg":
        return _jpeg_size(data)
    if kind == "image/webp":
        return _webp_size(data)
    return None


def _be(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "big")


def _le(data: bytes, at: int, size: int) -> int:
    return int.from_bytes(data[at : at + size], "little")


# Start-of-frame markers: every 0xC0-0xCF but DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length follows
            at += 2
        elif marker in (0xD9, 0xDA):  # the end, or a scan before any frame header
            return None
        elif marker in _SOF:
            if at + 9 > len(data):
                return None
            return _be(data, at + 7, 2), _be(data, at + 5, 2)
        else:
            at += 2 + _be(data, at + 2, 2)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and len(data) >= 30:
        return _le(data, 26, 2) & 0x3FFF, _le(data, 28, 2) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = _le(data, 21, 4)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return _le(data, 24, 3) + 1, _le(data, 27, 3) + 1
    return None


class DecodeBudget:
    """Bytes of decoded pixels the process may hold at once; a decode waits its turn."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._changed = threading.Condition()

    @contextmanager
    def spend(self, cost: int) -> Iterator[None]:
        cost = min(cost, self.limit)  # a decode the cap let through runs alone
        with self._changed:
            self._changed.wait_for(lambda: self.used + cost <= self.limit)
            self.used += cost
        try:
            yield
        finally:
            with self._changed:
                self.used -= cost
                self._changed.notify_all()


BUDGET = DecodeBudget(DECODE_BUDGET)


def check_size(data: bytes) -> tuple[int, int]:
    """The image's size from its header; TooManyPixels past the cap for its format."""
    kind = media_type(data)
    size = header_size(data)
    if kind is None or size is None or 0 in size:
        raise Undecodable("the image's header does not say its size")
    width, height = size
    limit = MAX_WEBP_PIXELS if kind == "image/webp" else MAX_PIXELS
    if width * height > limit:
        raise TooManyPixels(width, height, limit)
    return size


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_PX on its longer side, decoded within the budget.

    Raises TooManyPixels, Undecodable, or Pillow's own errors (OSError, ValueError)
    for bytes it cannot decode. Blocking: call it from a worker thread.
    """
    width, height = check_size(data)
    kind = media_type(data) or ""
    if kind == "image/webp":  # its decoder takes the canvas on opening the file
        with BUDGET.spend(width * height * BYTES_PER_PIXEL[kind]):
            with Image.open(io.BytesIO(data)) as image:
                return _small(image)
    with Image.open(io.BytesIO(data)) as image:
        if image.size != (width, height):  # the header read two ways
            raise Undecodable("the image's header does not say one size")
        # JPEG only: decoded at 1/2, 1/4 or 1/8 scale if that still leaves twice
        # the thumbnail (the gap Pillow's thumbnail keeps for a good reduction).
        image.draft(None, (2 * THUMBNAIL_PX, 2 * THUMBNAIL_PX))
        pixels = image.width * image.height
        with BUDGET.spend(pixels * BYTES_PER_PIXEL[kind] + 3 * STRIP_BYTES):
            return _small(image)


def _small(image: Image.Image) -> bytes:
    image.load()
    reduced = _reduced(image, max(1, max(image.size) // (2 * THUMBNAIL_PX)))
    reduced.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    reduced.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """The image made `factor` times smaller, in RGB(A), a strip of rows at a time."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    width, height = image.size
    rows = max(1, STRIP_BYTES // (4 * width * factor)) * factor
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows))).convert(mode)
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        "transparency" in image.info
    )
