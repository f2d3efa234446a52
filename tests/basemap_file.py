"""A small PMTiles v3 archive of vector tiles, written by the tests themselves.

Enough of the two formats to make a base map the page can render: Mapbox Vector
Tiles (protobuf, written by hand: a few fields) in the layers and properties of
the Protomaps basemap schema (`earth`, `water`, `roads`, `places`), packed into a
PMTiles v3 archive (header, one root directory, tile data; nothing compressed).
The formats: github.com/mapbox/vector-tile-spec and github.com/protomaps/PMTiles.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

EXTENT = 4096
LonLat = tuple[float, float]


@dataclass(frozen=True)
class Feature:
    """One feature in lon/lat: a point, a line or a polygon's outer ring."""

    layer: str
    kind: str  # "point", "line", "polygon"
    coordinates: list[LonLat]
    properties: dict[str, Any] = field(default_factory=dict)


# --- protobuf, the little of it vector tiles need ----------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def tag(number: int, wire: int) -> bytes:
    return varint(number << 3 | wire)


def chunk(number: int, payload: bytes) -> bytes:
    return tag(number, 2) + varint(len(payload)) + payload


def packed(number: int, values: list[int]) -> bytes:
    return chunk(number, b"".join(varint(v) for v in values))


def value(item: Any) -> bytes:
    if isinstance(item, bool):
        return tag(7, 0) + varint(int(item))
    if isinstance(item, int):
        return tag(6, 0) + varint(zigzag(item))
    if isinstance(item, float):
        return tag(3, 1) + struct.pack("<d", item)
    return chunk(1, str(item).encode())


# --- tiles -------------------------------------------------------------------


def pixel(z: int, x: int, y: int, point: LonLat) -> tuple[int, int]:
    """Web Mercator: a lon/lat in the tile's own coordinates (0..EXTENT)."""
    lon, lat = point
    n = 2**z
    fx = (lon + 180) / 360 * n
    s = math.sin(math.radians(lat))
    fy = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n
    return round((fx - x) * EXTENT), round((fy - y) * EXTENT)


def tile_of(z: int, point: LonLat) -> tuple[int, int]:
    px, py = pixel(z, 0, 0, point)
    return px // EXTENT, py // EXTENT


def geometry(kind: str, points: list[tuple[int, int]]) -> tuple[int, list[int]]:
    """The MVT geometry type and command stream (deltas, zigzagged)."""
    commands: list[int] = []
    cx = cy = 0

    def moves(command: int, chunk: list[tuple[int, int]]) -> None:
        nonlocal cx, cy
        commands.append(command | len(chunk) << 3)
        for px, py in chunk:
            commands.extend([zigzag(px - cx), zigzag(py - cy)])
            cx, cy = px, py

    if kind == "point":
        moves(1, points[:1])
        return 1, commands
    if kind == "polygon":
        ring = points[:-1] if points[0] == points[-1] else points
        # Exterior rings wind clockwise in tile coordinates (y grows downwards).
        after = ring[1:] + ring[:1]
        area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, after, strict=True))
        if area < 0:
            ring = ring[::-1]
        moves(1, ring[:1])
        moves(2, ring[1:])
        commands.append(7 | 1 << 3)
        return 3, commands
    moves(1, points[:1])
    moves(2, points[1:])
    return 2, commands


def encode_tile(z: int, x: int, y: int, features: list[Feature]) -> bytes:
    """One vector tile: the features (not clipped: MVT allows a buffer) by layer."""
    layers: dict[str, list[Feature]] = {}
    for feature in features:
        layers.setdefault(feature.layer, []).append(feature)
    out = b""
    for name, members in layers.items():
        keys: list[str] = []
        values: list[Any] = []
        body = b""
        for n, feature in enumerate(members):
            tags: list[int] = []
            for k, v in feature.properties.items():
                if k not in keys:
                    keys.append(k)
                if v not in values:
                    values.append(v)
                tags += [keys.index(k), values.index(v)]
            points = [pixel(z, x, y, p) for p in feature.coordinates]
            kind, commands = geometry(feature.kind, points)
            body += chunk(
                2,
                tag(1, 0)
                + varint(n + 1)
                + packed(2, tags)
                + tag(3, 0)
                + varint(kind)
                + packed(4, commands),
            )
        layer = tag(15, 0) + varint(2) + chunk(1, name.encode()) + body
        layer += b"".join(chunk(3, k.encode()) for k in keys)
        layer += b"".join(chunk(4, value(v)) for v in values)
        layer += tag(5, 0) + varint(EXTENT)
        out += chunk(3, layer)
    return out


def tiles_for(
    features: list[Feature], zooms: range, bounds: tuple[float, float, float, float]
) -> dict[tuple[int, int, int], bytes]:
    """Every tile over `bounds` at each zoom, with the features that touch it."""
    west, south, east, north = bounds
    tiles = {}
    for z in zooms:
        x0, y0 = tile_of(z, (west, north))
        x1, y1 = tile_of(z, (east, south))
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                inside = [f for f in features if touches(z, x, y, f)]
                tiles[(z, x, y)] = encode_tile(z, x, y, inside)
    return tiles


def touches(z: int, x: int, y: int, feature: Feature) -> bool:
    margin = EXTENT // 8
    pixels = [pixel(z, x, y, p) for p in feature.coordinates]
    xs, ys = [p[0] for p in pixels], [p[1] for p in pixels]
    return (
        max(xs) >= -margin
        and min(xs) <= EXTENT + margin
        and max(ys) >= -margin
        and min(ys) <= EXTENT + margin
    )


# --- the archive -------------------------------------------------------------


def tile_id(z: int, x: int, y: int) -> int:
    """The tile's place on the archive's Hilbert curve (as PMTiles numbers them)."""
    acc = ((1 << z) * (1 << z) - 1) // 3
    a = z - 1
    tx, ty = x, y
    s = 1 << a if z else 0
    while s > 0:
        rx = 1 if tx & s else 0
        ry = 1 if ty & s else 0
        acc += ((3 * rx) ^ ry) * (1 << a) * (1 << a)
        if ry == 0:
            if rx == 1:
                tx, ty = s - 1 - tx, s - 1 - ty
            tx, ty = ty, tx
        s >>= 1
        a -= 1
    return acc


def directory(entries: list[tuple[int, int, int]]) -> bytes:
    """Entries (tile id, offset, length), run length 1, in tile id order."""
    out = varint(len(entries))
    last = 0
    for tid, _, _ in entries:
        out += varint(tid - last)
        last = tid
    out += b"".join(varint(1) for _ in entries)
    out += b"".join(varint(length) for _, _, length in entries)
    end = None
    for _, offset, length in entries:
        out += varint(0 if offset == end else offset + 1)
        end = offset + length
    return out


def write_pmtiles(
    path: Path,
    tiles: dict[tuple[int, int, int], bytes],
    bounds: tuple[float, float, float, float],
    metadata: dict[str, Any] | None = None,
) -> Path:
    ordered = sorted((tile_id(*zxy), data) for zxy, data in tiles.items())
    entries, blob, offset = [], b"", 0
    for tid, data in ordered:
        entries.append((tid, offset, len(data)))
        blob += data
        offset += len(data)
    root = directory(entries)
    meta = json.dumps(metadata or {}).encode()
    zooms = [zxy[0] for zxy in tiles]
    west, south, east, north = bounds
    root_at = 127
    meta_at = root_at + len(root)
    data_at = meta_at + len(meta)
    header = b"PMTiles" + struct.pack(
        "<BQQQQQQQQQQQBBBBBBiiiiBii",
        3,
        root_at,
        len(root),
        meta_at,
        len(meta),
        data_at,  # leaf directories: none
        0,
        data_at,
        len(blob),
        len(entries),
        len(entries),
        len(entries),
        1,  # clustered
        1,  # internal compression: none
        1,  # tile compression: none
        1,  # tile type: MVT
        min(zooms),
        max(zooms),
        round(west * 1e7),
        round(south * 1e7),
        round(east * 1e7),
        round(north * 1e7),
        max(zooms),
        round((west + east) / 2 * 1e7),
        round((south + north) / 2 * 1e7),
    )
    assert len(header) == 127
    path.write_bytes(header + root + meta + blob)
    return path


# --- Luojiang, as the simulator knows it -------------------------------------

LUOJIANG = (118.52, 24.88, 118.76, 25.12)


def luojiang(path: Path, zooms: range = range(9, 14)) -> Path:
    """A base map of the simulator's district: land, the river, roads, places.

    Names in pinyin with the Chinese as `name:zh`, as the Protomaps basemap has them.
    """
    from replay.sim import roads
    from replay.sim.model import COMMUNITIES
    from replay.sim.names import COMMUNITIES_ZH

    west, south, east, north = LUOJIANG
    land = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    features = [Feature("earth", "polygon", land, {"kind": "earth"})]
    # The river as a band of water a hundred metres or so wide.
    left = [(lon - 0.0006, lat) for lon, lat in roads.RIVER]
    right = [(lon + 0.0006, lat) for lon, lat in roads.RIVER]
    water = {"kind": "river", "name": "Luoyang River", "name:zh": "洛阳江"}
    band = [*left, *right[::-1], left[0]]
    features.append(Feature("water", "polygon", band, water))
    for road in roads.ROADS:
        names = {"name": road.name, "name:en": road.name, "name:zh": road.name_zh}
        features.append(
            Feature("roads", "line", road.points, {"kind": road.kind, **names})
        )
    for name, lon, lat, _ in COMMUNITIES:
        place = {
            "kind": "locality",
            "name": name,
            "name:en": name,
            "name:zh": COMMUNITIES_ZH[name],
            "min_zoom": 8,
            "population_rank": 10,
        }
        features.append(Feature("places", "point", [(lon, lat)], place))
    layers = {
        "vector_layers": [{"id": n} for n in ("earth", "water", "roads", "places")]
    }
    return write_pmtiles(path, tiles_for(features, zooms, LUOJIANG), LUOJIANG, layers)
