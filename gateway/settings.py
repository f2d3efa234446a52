"""Settings from the environment, in one place; nothing connects on import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """BRIGADE_DATABASE_URL picks the store (default: SQLite in BRIGADE_DATA_DIR)."""

    database_url: str | None = None
    data_dir: Path = Path("brigade-data")
    # Redis, for history shared between gateway processes (optional).
    redis_url: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("BRIGADE_DATABASE_URL") or None,
            data_dir=Path(os.environ.get("BRIGADE_DATA_DIR") or "brigade-data"),
            redis_url=os.environ.get("BRIGADE_REDIS_URL") or None,
        )
