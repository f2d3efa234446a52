"""Image bytes, addressed by their SHA-256, behind an interface object storage can fill.

Events carry the hash, never the bytes. The default keeps blobs on disk in the
data directory, written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, sha256: str) -> bytes | None: ...


class DiskBlobs:
    """Blobs under `root/ab/abcdef...`, one file per distinct content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, path)
        return sha256

    def get(self, sha256: str) -> bytes | None:
        if len(sha256) != 64 or not all(ch in "0123456789abcdef" for ch in sha256):
            return None
        path = self._path(sha256)
        return path.read_bytes() if path.exists() else None
