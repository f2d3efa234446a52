"""An SQLite file that cannot be written: a clear 503, and healed when it can again.

Made unwritable for real, as root can't be stopped by `chmod`: a small tmpfs
filled to the last byte (the kernel answers ENOSPC, as on a full disk), and the
store's files made immutable with `chattr +i` (even root may not write them, as
on a read-only file). Tests run as root here and in CI; `mount` and `chattr`
fail the test loudly if they are not allowed.
"""

from __future__ import annotations

import contextlib
import errno
import subprocess
from typing import TYPE_CHECKING
from uuid import UUID

import pytest
from conftest import serving
from outage import assert_unavailable, report, stored_by_command, timed

from domain.ids import uuid7
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from conftest import Api


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real filesystem of 16 MiB to fill up (tmpfs), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], check=True
    )
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the filesystem has not one byte left."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    return filler


def story(
    api: Api,
    url: str,
    tmp_path: Path,
    spoil: Callable[[], object],
    mend: Callable[[], object],
) -> None:
    """Commands while the file cannot be written: 503 each, then the same ids heal."""
    acked: dict[UUID, list[int]] = {}
    opened = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    acked[UUID(opened["command_id"])] = opened["positions"]
    operation = opened["result"]["operation_id"]
    spoil()
    keys = [uuid7() for _ in range(4)]
    for key in keys:  # one after another: a 503 each time, never a 500
        assert_unavailable(*timed(report, api, operation, key), within=2)
    assert_unavailable(*timed(api.http.get, "/ready"), within=1)
    mend()
    for key in keys:
        response = report(api, operation, key)
        assert response.status_code == 200, response.text
        acked[key] = response.json()["positions"]
    api.position()  # /ready says 200 again
    assert stored_by_command(url, tmp_path) == acked


def test_a_full_disk_is_a_503_until_there_is_room_again(
    small_disk: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{small_disk / 'brigade.sqlite3'}"
    settings = Settings(database_url=url, data_dir=tmp_path / "data", secret="test")
    filler: list[Path] = []
    with serving(settings) as api:
        story(
            api,
            url,
            tmp_path,
            lambda: filler.append(fill(small_disk)),
            lambda: filler[0].unlink(),
        )


def test_a_read_only_store_is_a_503_until_it_is_writable_again(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store" / "brigade.sqlite3"
    url = f"sqlite:///{store}"
    settings = Settings(database_url=url, data_dir=tmp_path / "data", secret="test")
    files = [store, store.with_name(f"{store.name}-wal")]

    def chattr(flag: str) -> None:
        subprocess.run(["chattr", flag, *map(str, files)], check=True)

    try:
        with serving(settings) as api:
            story(api, url, tmp_path, lambda: chattr("+i"), lambda: chattr("-i"))
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            chattr("-i")  # or the test's folder could not be removed
