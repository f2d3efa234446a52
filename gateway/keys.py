"""The keys tokens are signed with: a ring, so that a secret can be changed with an
overlap instead of signing everyone out.

The first key signs; every key in the ring verifies, until it is taken out. The
keys come from BRIGADE_SECRET, or without it from the data directory's key file
(`token-secret`, mode 0600), which `brigade token rotate` keeps. Either way a key
is `id:secret`, or a bare `secret` whose id is derived from it; BRIGADE_SECRET
separates keys with commas, the file puts one on a line, newest first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway.bootstrap import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from gateway.settings import Settings

KEY_FILE = "token-secret"
_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
# A server notices a key file changed by `brigade token rotate` within this long.
RELOAD_EVERY = 1.0


@dataclass(frozen=True)
class Key:
    id: str
    secret: str = field(repr=False)

    @property
    def hmac_key(self) -> bytes:
        """HS256's key: the secret hashed, so a short one still makes 256 bits.

        (It adds no strength: give secrets of 32 random bytes or more.)
        """
        return hashlib.sha256(b"brigade token key\0" + self.secret.encode()).digest()


def key_id(secret: str) -> str:
    """The id of a key given without one: stable, and saying nothing usable."""
    return hashlib.sha256(b"brigade key id\0" + secret.encode()).hexdigest()[:8]


def parse(entries: Iterable[str]) -> list[Key]:
    """Keys from `id:secret` (or bare `secret`) entries, in the order given."""
    keys: list[Key] = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        given, colon, rest = entry.partition(":")
        if colon and _ID.fullmatch(given) and rest:
            keys.append(Key(given, rest))
        else:
            keys.append(Key(key_id(entry), entry))
    ids = [key.id for key in keys]
    if len(set(ids)) != len(ids):
        raise ConfigurationError("token keys: two keys have the same id")
    return keys


class KeyRing:
    """Keys by id; the first signs. A file-backed ring follows changes to its file."""

    def __init__(self, keys: Sequence[Key], path: Path | None = None) -> None:
        if not keys:
            raise ConfigurationError("token keys: there are none")
        self.keys = tuple(keys)
        self.path = path
        self._seen = _stamp(path) if path is not None else None
        self._checked = time.monotonic()

    @classmethod
    def of(cls, settings: Settings) -> KeyRing:
        """BRIGADE_SECRET's keys, or the data directory's (one made if it has none)."""
        if settings.secret:
            return cls(parse(settings.secret.split(",")))
        path = settings.data_dir / KEY_FILE
        if not path.exists():
            _write(path, [new_key()], replace=False)
        return cls(read(path), path)

    @property
    def signer(self) -> Key:
        self._fresh()
        return self.keys[0]

    def find(self, kid: str) -> Key | None:
        self._fresh()
        return next((key for key in self.keys if key.id == kid), None)

    def _fresh(self) -> None:
        """Take up the key file's keys again if it changed (at most once a second)."""
        if self.path is None or time.monotonic() - self._checked < RELOAD_EVERY:
            return
        self._checked = time.monotonic()
        stamp = _stamp(self.path)
        if stamp is not None and stamp != self._seen:
            keys = read(self.path)
            if keys:
                self.keys, self._seen = tuple(keys), stamp


def new_key() -> Key:
    """A fresh random key, its id the day it was made and a few random digits."""
    return Key(
        f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(2)}", secrets.token_hex(32)
    )


def read(path: Path) -> list[Key]:
    return parse(path.read_text().splitlines())


def rotate(path: Path) -> list[Key]:
    """Put a new key first in the file: it signs from now on; the others verify."""
    keys = [new_key(), *(read(path) if path.exists() else [])]
    _write(path, keys)
    return keys


def retire(path: Path, kid: str) -> list[Key]:
    """Take a key out of the file: the tokens it signed stop working."""
    if not path.exists():
        raise ConfigurationError(f"no key file at {path}")
    keys = read(path)
    left = [key for key in keys if key.id != kid]
    if len(left) == len(keys):
        raise ConfigurationError(f"no key {kid!r}; the keys are {_ids(keys)}")
    if not left:
        raise ConfigurationError(f"{kid!r} is the only key: rotate first")
    _write(path, left)
    return left


def _ids(keys: Sequence[Key]) -> str:
    return ", ".join(key.id for key in keys)


def _text(keys: Sequence[Key]) -> str:
    return "".join(f"{key.id}:{key.secret}\n" for key in keys)


def _write(path: Path, keys: Sequence[Key], *, replace: bool = True) -> None:
    """Write the file whole (mode 0600), then put it in place: a reader sees the
    old keys or the new, never half a file. Not `replace`: only if there is none
    (two servers starting at once make one file between them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as file:
            file.write(_text(keys))
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(draft, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            draft.unlink()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)
