"""`GET /basemap.pmtiles`: the base map archive (BRIGADE_BASEMAP), by byte ranges.

Served to anyone who can load the page, as its other static files are: it holds
streets and rivers, nothing of the operation. 206 with Content-Range for a range,
416 with `bytes */size` for one the file cannot satisfy, a strong ETag (If-Range
honoured), so that the page's PMTiles reader finds its tiles without a tile server.
"""

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from gateway.basemap import BadRange, byte_range, etag
from gateway.deps import SettingsDep
from gateway.errors import ApiError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

router = APIRouter(include_in_schema=False)

PATH = "/basemap.pmtiles"
MEDIA_TYPE = "application/vnd.pmtiles"
CHUNK = 1 << 20
# Small reads (headers, directories, tiles) in one piece; larger ones streamed.
WHOLE = 4 << 20


def _read(path: "Path", start: int, length: int) -> bytes:
    with path.open("rb") as file:
        file.seek(start)
        return file.read(length)


def _stream(path: "Path", start: int, length: int) -> "Iterator[bytes]":
    with path.open("rb") as file:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


@router.api_route(PATH, methods=["GET", "HEAD"], name="basemap")
async def basemap(request: Request, settings: SettingsDep) -> Response:
    """The archive, or the byte range of it that the Range header asks for."""
    path = settings.basemap
    if path is None:
        raise ApiError(
            404, "no_basemap", "this server has no base map (BRIGADE_BASEMAP)"
        )
    try:
        size, tag = await asyncio.to_thread(etag, path)
    except OSError:
        raise ApiError(404, "no_basemap", "the base map file cannot be read") from None
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": tag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if asked and if_range is not None and if_range != tag:
        asked = None  # the copy the reader has is stale: send the whole new file
    try:
        span = byte_range(asked, size) if asked else None
    except BadRange:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    start, end = span if span else (0, size - 1)
    length = end - start + 1 if size else 0
    status = 206 if span else 200
    if span:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=MEDIA_TYPE)
    if length <= WHOLE:
        data = await asyncio.to_thread(_read, path, start, length)
        return Response(
            data, status_code=status, headers=headers, media_type=MEDIA_TYPE
        )
    return StreamingResponse(
        _stream(path, start, length),
        status_code=status,
        headers=headers,
        media_type=MEDIA_TYPE,
    )
