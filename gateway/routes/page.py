"""The command centre: the page at `/` and its static files under `/web/`.

The page reads everything through the live WebSocket and sends commands over HTTP;
what it needs to know before it connects (the tile URL, the incident kinds and the
domain each needs, whether playback is served) is written into the page itself.
Everything it loads comes from this origin; a Content-Security-Policy says so to
the browser, opening only the tile server's origin when one is configured.
"""

import json
from importlib import resources
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException
from starlette.routing import NoMatchFound
from starlette.staticfiles import StaticFiles

from domain.training import DOMAIN_FOR_KIND
from domain.types import IncidentKind
from gateway import basemap
from gateway.deps import SettingsDep
from gateway.errors import ApiError

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import Scope

    from gateway.settings import Settings

router = APIRouter(include_in_schema=False)

WEB = resources.files("gateway") / "web"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
PLACEHOLDER = "{{CONFIG}}"
BASEMAP = "/basemap.pmtiles"
# A file may change with the next release: the browser asks again every time and
# gets a 304 while its copy's ETag still matches.
ASSET_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def tile_origin(tile_url: str | None) -> str:
    """The CSP source for the tile server ('' when none, or when on this origin)."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def policy(settings: "Settings") -> str:
    images = " ".join(
        filter(None, ["'self' blob: data:", tile_origin(settings.tile_url)])
    )
    return (
        "default-src 'self'; "
        f"img-src {images}; "
        # Leaflet positions its panes with inline styles.
        "style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def config(request: Request, settings: "Settings") -> dict[str, Any]:
    """What the page needs before it connects."""
    return {
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "kinds": [kind.value for kind in IncidentKind],
        "domain_for_kind": {
            kind.value: None if domain is None else domain.value
            for kind, domain in DOMAIN_FOR_KIND.items()
        },
        "playback": serves(request, "playback", "/ws/playback"),
        "basemap": basemap_config(request, settings),
        "waiting_minutes": settings.waiting_minutes,
    }


def basemap_config(request: Request, settings: "Settings") -> dict[str, Any] | None:
    """Where the base map archive is served and what it holds; None: no archive."""
    if settings.basemap is None or not serves(request, "basemap", BASEMAP):
        return None
    try:
        return basemap.read(settings.basemap).config(BASEMAP)
    except basemap.NotAnArchive:  # moved or replaced since the server started
        return None


def serves(request: Request, name: str, path: str) -> bool:
    """Whether this app has the route (replay mode needs /ws/playback)."""
    try:
        return str(request.app.url_path_for(name)) == path
    except NoMatchFound:
        return False


@router.get("/")
def page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The command centre."""
    # Escaped so that no value can close the <script> element it sits in.
    data = (
        json.dumps(config(request, settings))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
    )
    html = (WEB / "index.html").read_text(encoding="utf-8").replace(PLACEHOLDER, data)
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": policy(settings),
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )


class WebFiles(StaticFiles):
    """The page's static files, under `/web/`: known types only, none hidden."""

    async def get_response(self, path: str, scope: "Scope") -> "Response":
        file = PurePosixPath(path)
        kind = TYPES.get(file.suffix)
        if kind is None or any(part.startswith(".") for part in file.parts):
            raise ApiError(404, "not_found", f"no file {path}")
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404:
                raise
            raise ApiError(404, "not_found", f"no file {path}") from None
        if response.status_code == 200:  # not on a 304
            response.headers["Content-Type"] = kind
        response.headers.update(ASSET_HEADERS)
        return response


def web_files() -> WebFiles:
    """The files of the page, to mount at `/web`."""
    return WebFiles(packages=[("gateway", "web")])
