"""Image bombs against a real `brigade serve`: refused from the header, memory kept.

A 12000 x 12000 RGBA PNG is 560 KB and 576 MB decoded. Three at once over HTTP,
then three over the field socket (`brigade bench bombs` measures the same, and
the largest images that are taken).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from bench.bombs import AT_ONCE, rounds
from bench.server import brigade_server, commander_token

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def stored_blobs(data_dir: Path) -> Iterator[Path]:
    return (p for p in (data_dir / "blobs").rglob("*") if p.is_file())


def test_three_bombs_at_once_are_refused_and_move_the_peak_memory_little(
    tmp_path: Path,
) -> None:
    with brigade_server(tmp_path) as (base, server):
        token = commander_token(tmp_path)
        done = rounds(base, server.pid, token, largest=False)
        position = httpx.get(f"{base}/ready").json()["position"]

    assert [r.answers for r in done] == [[(413, "too_many_pixels")] * AT_ONCE] * 2
    for bombs in done:
        assert bombs.grown_mb < 300, bombs  # decoded whole, each is 576 MB
    assert list(stored_blobs(tmp_path)) == []
    # the token's issue, the operation and the incident the uploads were for
    assert position == 3
