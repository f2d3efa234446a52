"""The base map: one PMTiles archive of the district, read by byte ranges.

A PMTiles v3 file (github.com/protomaps/PMTiles) holds every tile of an area with
a directory to find them; the page's vendored reader asks for the header and
directory, then for each tile, by HTTP range requests. The server needs nothing of
the format but its header: to say what the archive holds (vector or raster tiles,
zooms, bounds) in the page's config, and to refuse a file that is not one.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.bootstrap import ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path

HEADER = 127
MAGIC = b"PMTiles"
TILE_TYPES = {0: "unknown", 1: "mvt", 2: "png", 3: "jpeg", 4: "webp", 5: "avif"}
# The header from the tile type on (byte 99): type, zooms, bounds (1e-7 degrees).
_TAIL = struct.Struct("<BBBiiii")


class NotAnArchive(ConfigurationError):
    """The file named by BRIGADE_BASEMAP cannot be read as a PMTiles v3 archive."""


@dataclass(frozen=True)
class Archive:
    """What the page must know of the archive before it asks for any tile."""

    size: int
    etag: str
    tile_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north

    def config(self, url: str) -> dict[str, Any]:
        return {
            "url": url,
            "tile_type": self.tile_type,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "bounds": list(self.bounds),
        }


def etag(path: Path) -> tuple[int, str]:
    """The file's size and a strong validator: a new file has a new tag."""
    stat = path.stat()
    return stat.st_size, f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def read(path: Path) -> Archive:
    try:
        size, tag = etag(path)
        with path.open("rb") as file:
            head = file.read(HEADER)
    except OSError as error:
        msg = f"cannot read the base map {path}: {error.strerror}"
        raise NotAnArchive(msg) from None
    if len(head) < HEADER or not head.startswith(MAGIC):
        raise NotAnArchive(f"{path} is not a PMTiles archive")
    if head[7] != 3:
        msg = f"{path} is PMTiles version {head[7]}: convert it to version 3"
        raise NotAnArchive(msg)
    kind, low, high, west, south, east, north = _TAIL.unpack_from(head, 99)
    return Archive(
        size=size,
        etag=tag,
        tile_type=TILE_TYPES.get(kind, "unknown"),
        min_zoom=low,
        max_zoom=high,
        bounds=(west / 1e7, south / 1e7, east / 1e7, north / 1e7),
    )


def check(path: Path) -> Archive:
    """The archive, if the page can draw it: vector tiles (the Protomaps basemap)."""
    archive = read(path)
    if archive.tile_type != "mvt":
        msg = (
            f"{path} holds {archive.tile_type} tiles: the command centre draws "
            "vector tiles (MVT), such as an extract of a Protomaps basemap build"
        )
        raise NotAnArchive(msg)
    return archive


class BadRange(ValueError):
    """A Range header this file cannot satisfy (answered 416)."""


_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range asked for, as (first, last) inclusive; None: the whole file.

    RFC 9110: a unit other than bytes is ignored; a last byte past the end is
    clamped; a range that starts past the end, or cannot be parsed, is refused.
    Several ranges at once are refused too: no reader of this file sends them.
    """
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    parts = specs.split(",")
    found = _SPEC.match(parts[0]) if len(parts) == 1 else None
    if found is None:
        raise BadRange(header)
    first, last = found.groups()
    if not first:  # the last N bytes
        if not last or int(last) == 0:
            raise BadRange(header)
        return max(0, size - int(last)), size - 1
    start = int(first)
    end = size - 1 if not last else min(int(last), size - 1)
    if start >= size or (last and int(last) < start):
        raise BadRange(header)
    return start, end
