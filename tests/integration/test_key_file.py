"""The data directory's key ring: made 0600, rotated and retired as a server runs."""

from __future__ import annotations

import os
import stat
import time
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from domain.types import Role
from gateway import keys as ring
from gateway.bootstrap import ConfigurationError
from gateway.keys import KeyRing
from gateway.settings import Settings
from gateway.tokens import Claims, Invalid, read, sign

if TYPE_CHECKING:
    from pathlib import Path

NOW = time.time()


def claims() -> Claims:
    return Claims(uuid4(), Role.OBSERVER, "wall", int(NOW), int(NOW) + 3600)


def test_the_data_directory_keeps_a_key_ring_that_rotates_and_retires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ring, "RELOAD_EVERY", 0.0)  # a server notices at once
    settings = Settings(data_dir=tmp_path / "data")
    served = KeyRing.of(settings)  # as a running server holds it
    path = tmp_path / "data" / ring.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = served.signer.id
    token = sign(served, claims())

    keys_now = ring.rotate(path)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [k.id for k in keys_now][1:] == [first]
    time.sleep(0.01)  # another mtime
    assert served.signer.id == keys_now[0].id != first
    assert read(served, token, NOW).role is Role.OBSERVER

    ring.retire(path, first)

    with pytest.raises(Invalid):
        read(served, token, NOW)
    with pytest.raises(ConfigurationError, match="only key"):
        ring.retire(path, keys_now[0].id)
    with pytest.raises(ConfigurationError, match="no key"):
        ring.retire(path, "nonesuch")


def test_an_old_key_file_of_one_bare_secret_still_reads(tmp_path: Path) -> None:
    (tmp_path / ring.KEY_FILE).write_text("ab" * 32 + "\n")

    found = KeyRing.of(Settings(data_dir=tmp_path))

    assert [k.id for k in found.keys] == [ring.key_id("ab" * 32)]
