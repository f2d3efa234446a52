"""The command centre's page and files as the server hands them out (no browser)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from conftest import serving

from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    import httpx


def page_config(response: httpx.Response) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="config">(.*?)</script>', response.text
    )
    assert found, response.text[:500]
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_the_page_keeps_the_browser_to_this_origin_without_tiles(
    tmp_path: Path,
) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test")) as api:
        page = api.http.get("/")

    assert page.status_code == 200
    assert page.headers["x-content-type-options"] == "nosniff"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert re.search(r"img-src 'self' blob: data:;", policy)
    config = page_config(page)
    assert config["tile_url"] is None
    assert config["playback"] is True
    # The dispatch list ranks by the same rule the domain refuses by.
    assert config["domain_for_kind"]["flood"] == "water_rescue"


def test_a_tile_server_is_the_one_other_origin_the_page_may_load_images_from(
    tmp_path: Path,
) -> None:
    tiles = "https://{s}.tiles.brigade.example/{z}/{x}/{y}.png"
    settings = Settings(data_dir=tmp_path, secret="test", tile_url=tiles)
    with serving(settings) as api:
        page = api.http.get("/")

    policy = page.headers["content-security-policy"]
    assert "img-src 'self' blob: data: https://*.tiles.brigade.example;" in policy
    assert "connect-src 'self'" in policy
    assert page_config(page)["tile_url"] == tiles


def test_static_files_are_served_with_their_types_and_nothing_outside_them(
    tmp_path: Path,
) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test")) as api:
        script = api.http.get("/web/js/main.js")
        leaflet = api.http.get("/web/vendor/leaflet/leaflet.css")
        escapes = [
            api.http.get(path)
            for path in (
                # A PNG that exists, outside the page's folder.
                "/web/%2e%2e/%2e%2e/docs/screenshots/live.png",
                "/web/js/%2e%2e/%2e%2e/%2e%2e/docs/screenshots/live.png",
                "/web/%2e%2e/routes/page.py",
                "/web/.hidden.js",
                "/web/index.py",
            )
        ]

    assert script.headers["content-type"].startswith("text/javascript")
    assert "ws/live" in script.text
    assert leaflet.headers["content-type"].startswith("text/css")
    assert [e.status_code for e in escapes] == [404] * len(escapes), [
        e.text for e in escapes
    ]


def test_a_static_file_is_revalidated_and_not_sent_again_while_unchanged(
    tmp_path: Path,
) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test")) as api:
        first = api.http.get("/web/js/main.js")
        again = api.http.get(
            "/web/js/main.js", headers={"If-None-Match": first.headers["etag"]}
        )
        missing = api.http.get("/web/js/nothing.js")

    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["x-content-type-options"] == "nosniff"
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "no-cache"
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
