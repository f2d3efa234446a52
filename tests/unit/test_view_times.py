"""How views write field time: the helpers of projections.base on their own."""

from __future__ import annotations

from datetime import UTC

from support import LANDFALL

from projections.base import iso


def test_view_times_keep_their_own_offset() -> None:
    local = LANDFALL
    same_instant = LANDFALL.astimezone(UTC)
    assert iso(local) == "2023-07-28T09:55:00+08:00"
    assert iso(same_instant) == "2023-07-28T01:55:00+00:00"
