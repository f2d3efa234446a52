"""The field app: a volunteer's phone page at `/field` and its files under `/field/`.

The page is a shell the service worker keeps (so it opens with no network): the same
bytes for everyone, with nothing written into it per request. It reads its volunteer's
assignments through a socket and sends commands over HTTP from an outbox; everything
it loads comes from this origin, and a Content-Security-Policy says so. The service
worker lives under `/field/` but serves the page at `/field` too, which the
`Service-Worker-Allowed` header permits.
"""

import gzip
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from gateway.errors import ApiError
from gateway.routes.page import ASSET_HEADERS, TYPES

if TYPE_CHECKING:
    from starlette.types import Scope

router = APIRouter(include_in_schema=False)

FIELD = resources.files("gateway") / "web" / "field"
SCOPE = "/field"
FIELD_TYPES = {
    **TYPES,
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
}

# No inline script or style, nothing from another origin: photos are blob: URLs
# made on the phone, and a socket to this origin is 'self'.
POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": POLICY,
    # The service worker keeps its own copy; the browser asks again each time.
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@cache
def packed(name: str) -> tuple[bytes, bytes]:
    """A file of the app as it is and gzipped (the files change only with a release)."""
    data = (FIELD / name).read_bytes()
    return data, gzip.compress(data, compresslevel=6, mtime=0)


def gzipped(
    request: Request, name: str, kind: str, headers: dict[str, str]
) -> Response:
    """The file, gzipped when the phone takes it: on a slow link bytes are time."""
    plain, small = packed(name)
    takes = "gzip" in request.headers.get("accept-encoding", "")
    extra = {"Content-Encoding": "gzip"} if takes else {}
    return Response(
        small if takes else plain,
        media_type=kind,
        headers={**headers, **extra, "Vary": "Accept-Encoding"},
    )


@router.get(SCOPE)
def field_page(request: Request) -> Response:
    """The volunteers' app."""
    return gzipped(request, "index.html", TYPES[".html"], PAGE_HEADERS)


class FieldFiles(StaticFiles):
    """The app's files: known types only, none hidden; the worker may serve `/field`."""

    async def get_response(self, path: str, scope: "Scope") -> Response:
        file = PurePosixPath(path)
        kind = FIELD_TYPES.get(file.suffix)
        if kind is None or any(part.startswith(".") for part in file.parts):
            raise ApiError(404, "not_found", f"no file {path}")
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404:
                raise
            raise ApiError(404, "not_found", f"no file {path}") from None
        headers = dict(ASSET_HEADERS)
        if file.name == "sw.js":
            headers["Service-Worker-Allowed"] = SCOPE
        if response.status_code == 200:  # not on a 304
            request = Request(scope)
            headers["ETag"] = response.headers.get("etag", "")
            return gzipped(request, path, kind, headers)
        response.headers.update(headers)
        return response


def field_files() -> FieldFiles:
    """The app's files, to mount at `/field/`."""
    return FieldFiles(packages=[("gateway", "web/field")])
