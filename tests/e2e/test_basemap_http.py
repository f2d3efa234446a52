"""The base map archive as the page's PMTiles reader fetches it: by byte ranges."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from basemap_file import LUOJIANG, luojiang
from conftest import serving

from gateway.app import create_app
from gateway.bootstrap import ConfigurationError
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path


def page_config(html: str) -> dict[str, object]:
    found = re.search(r'id="config">(.*?)</script>', html)
    assert found
    config: dict[str, object] = json.loads(found.group(1))
    return config


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return luojiang(tmp_path / "luojiang.pmtiles")


def test_the_reader_gets_the_header_and_any_tile_by_its_range(
    tmp_path: Path, archive: Path
) -> None:
    data = archive.read_bytes()
    size = len(data)
    assert size > 16384  # the first read does not hold it all
    with serving(Settings(data_dir=tmp_path, secret="test", basemap=archive)) as api:
        # The reader's first request: 16 KiB for the header and root directory.
        head = api.http.get("/basemap.pmtiles", headers={"Range": "bytes=0-16383"})
        mid = size // 2  # somewhere among the tiles
        tile = api.http.get(
            "/basemap.pmtiles", headers={"Range": f"bytes={mid}-{mid + 99}"}
        )
        tail = api.http.get("/basemap.pmtiles", headers={"Range": "bytes=-10"})
        rest = api.http.get("/basemap.pmtiles", headers={"Range": f"bytes={size - 5}-"})
        # Past the end: clamped to the file, as RFC 9110 says.
        over = api.http.get(
            "/basemap.pmtiles", headers={"Range": f"bytes={size - 100}-{size * 2}"}
        )
        whole = api.http.get("/basemap.pmtiles")
        head_only = api.http.head("/basemap.pmtiles", headers={"Range": "bytes=0-9"})

    assert head.status_code == 206
    assert head.content == data[:16384] and data[:7] == b"PMTiles"
    assert head.headers["content-range"] == f"bytes 0-16383/{size}"
    assert head.headers["content-length"] == "16384"
    assert head.headers["accept-ranges"] == "bytes"
    assert tile.status_code == 206 and tile.content == data[mid : mid + 100]
    assert tile.headers["content-range"] == f"bytes {mid}-{mid + 99}/{size}"
    assert tail.content == data[-10:]
    assert tail.headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert rest.content == data[-5:]
    assert over.status_code == 206 and over.content == data[-100:]
    assert over.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    assert head_only.status_code == 206 and head_only.content == b""
    assert head_only.headers["content-length"] == "10"
    # One strong tag for every answer: the reader refuses a file changed under it.
    tags = {r.headers["etag"] for r in (head, tile, tail, whole)}
    assert len(tags) == 1 and not tags.pop().startswith("W/")


def test_ranges_the_file_cannot_satisfy_are_answered_416_with_its_size(
    tmp_path: Path, archive: Path
) -> None:
    size = archive.stat().st_size
    with serving(Settings(data_dir=tmp_path, secret="test", basemap=archive)) as api:
        answers = {
            asked: api.http.get("/basemap.pmtiles", headers={"Range": asked})
            for asked in (
                f"bytes={size}-",
                f"bytes={size + 100}-{size + 200}",
                "bytes=50-10",
                "bytes=abc",
                "bytes=-0",
                "bytes=0-1,5-6",
            )
        }
        other_unit = api.http.get("/basemap.pmtiles", headers={"Range": "pages=1-2"})

    for asked, answer in answers.items():
        assert answer.status_code == 416, asked
        assert answer.headers["content-range"] == f"bytes */{size}", asked
    assert other_unit.status_code == 200  # a unit it does not know is ignored


def test_a_replaced_file_is_sent_whole_to_a_reader_with_the_old_tag(
    tmp_path: Path, archive: Path
) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test", basemap=archive)) as api:
        first = api.http.get("/basemap.pmtiles", headers={"Range": "bytes=0-99"})
        tag = first.headers["etag"]
        same = api.http.get(
            "/basemap.pmtiles", headers={"Range": "bytes=0-99", "If-Range": tag}
        )
        unchanged = api.http.get("/basemap.pmtiles", headers={"If-None-Match": tag})
        luojiang(archive, zooms=range(9, 12))  # a new extract over the old one
        stale = api.http.get(
            "/basemap.pmtiles", headers={"Range": "bytes=0-99", "If-Range": tag}
        )

    assert same.status_code == 206
    assert unchanged.status_code == 304
    assert stale.status_code == 200
    assert stale.content == archive.read_bytes()
    assert stale.headers["etag"] != tag


def test_the_page_is_told_what_the_archive_holds_and_nothing_else_opens(
    tmp_path: Path, archive: Path
) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test", basemap=archive)) as api:
        page = api.http.get("/")

    config = page_config(page.text)
    assert config["basemap"] == {
        "url": "/basemap.pmtiles",
        "tile_type": "mvt",
        "min_zoom": 9,
        "max_zoom": 13,
        "bounds": list(LUOJIANG),
    }
    policy = page.headers["content-security-policy"]
    assert "connect-src 'self';" in policy
    assert "img-src 'self' blob: data:;" in policy


def test_without_a_base_map_there_is_none_to_fetch(tmp_path: Path) -> None:
    with serving(Settings(data_dir=tmp_path, secret="test")) as api:
        page = api.http.get("/")
        archive = api.http.get("/basemap.pmtiles")

    assert page_config(page.text)["basemap"] is None
    assert archive.status_code == 404
    assert archive.json()["code"] == "no_basemap"


def test_a_file_that_is_not_an_archive_stops_the_server_with_a_reason(
    tmp_path: Path,
) -> None:
    wrong = tmp_path / "area.mbtiles"
    wrong.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(ConfigurationError, match="is not a PMTiles archive"):
        create_app(Settings(data_dir=tmp_path, secret="test", basemap=wrong))
    with pytest.raises(ConfigurationError, match="cannot read the base map"):
        create_app(Settings(data_dir=tmp_path, basemap=tmp_path / "missing.pmtiles"))


def test_an_archive_of_raster_tiles_is_refused_the_page_draws_vector_tiles(
    archive: Path, tmp_path: Path
) -> None:
    data = bytearray(archive.read_bytes())
    data[99] = 2  # the header's tile type: PNG
    archive.write_bytes(bytes(data))
    with pytest.raises(ConfigurationError, match="holds png tiles"):
        create_app(Settings(data_dir=tmp_path, secret="test", basemap=archive))
