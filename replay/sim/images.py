"""Small real photos for the simulator: PNG bytes from the seed, no library needed.

Each is a 64x48 picture (sky, water, a few blocks of colour) that any decoder
opens, so the gateway's upload checks and thumbnails treat it as a phone photo.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

WIDTH, HEIGHT = 64, 48
MEDIA_TYPE = "image/png"


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def photo(rng: random.Random) -> bytes:
    """A deterministic PNG: the same random state, the same bytes."""
    horizon = rng.randint(HEIGHT // 4, HEIGHT * 3 // 4)
    sky = (rng.randint(90, 170), rng.randint(100, 170), rng.randint(120, 200))
    water = (rng.randint(80, 140), rng.randint(70, 120), rng.randint(40, 90))
    blocks = [
        (
            rng.randrange(WIDTH),
            rng.randrange(HEIGHT),
            rng.randint(4, 16),
            rng.randint(4, 16),
            (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
        for _ in range(rng.randint(2, 6))
    ]
    rows = []
    for y in range(HEIGHT):
        row = bytearray(bytes(sky if y < horizon else water) * WIDTH)
        for bx, by, bw, bh, fill in blocks:
            if by <= y < by + bh:
                width = min(bw, WIDTH - bx)
                row[3 * bx : 3 * (bx + width)] = bytes(fill) * width
        rows.append(b"\0" + bytes(row))  # filter byte: none
    raw = b"".join(rows)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, 9)),
            _chunk(b"IEND", b""),
        ]
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
