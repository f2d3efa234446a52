"""Settings from the environment (BRIGADE_*), in one place; nothing connects early."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from projections.triage import WAITING_MINUTES


class Settings(BaseSettings):
    """BRIGADE_DATABASE_URL picks the store (default: SQLite in BRIGADE_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="BRIGADE_", extra="ignore")

    database_url: str | None = None
    data_dir: Path = Path("brigade-data")
    # Redis, for the delta history shared by gateway processes (optional).
    redis_url: str | None = None
    redis_stream: str = "brigade:deltas"
    # The key tokens are signed with; by default one kept in the data directory.
    secret: str | None = None
    # Frames a live subscriber may fall behind by before it is closed (4008).
    live_queue_frames: int = 1000
    # Base-map tiles for the command centre, e.g. "https://tiles.example/{z}/{x}/{y}.png"
    # (a deployment's own tile server); unset: an offline background, no requests out.
    tile_url: str | None = None
    tile_attribution: str = ""
    # A PMTiles archive of the district (docs/operations.md says how to cut one):
    # served by brigade itself at /basemap.pmtiles, so the map needs no internet.
    basemap: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # The address phones reach this server at, for enrolment links and their QR
    # codes (e.g. "https://brigade.example"); unset: the address a request came to.
    public_url: str | None = None
    # Owners' reminders (gateway/reminders.py): seconds between looks at the
    # deadlines (0: no reminders from this process), and the channel that
    # delivers them: "file" (notifications.jsonl in the data directory) or
    # "console" (the log).
    reminder_every: float = 30.0
    reminder_channel: str = "file"
    # Minutes an unassigned incident may wait, by severity, before the command
    # centre marks it, as JSON: BRIGADE_WAITING_MINUTES='{"5": 3, "4": 5, ...}'.
    waiting_minutes: dict[int, int] = Field(
        default_factory=lambda: dict(WAITING_MINUTES)
    )
    # The TAK bridge (gateway/tak/, docs/interop.md): Cursor on Target over TCP on
    # this port (off unless set; TAK servers use 8087, and 8089 with TLS), TLS when
    # a certificate and key are given, client certificates required when a CA is.
    cot_port: int | None = None
    cot_host: str | None = None
    cot_tls_cert: Path | None = None
    cot_tls_key: Path | None = None
    cot_tls_ca: Path | None = None
    # A TAK server to send the picture to and hear devices through: tcp://host:port,
    # or tls://host:port (TAK servers' 8089) with the certificate and key brigade
    # presents as a client and the CA that signed the server's (else the system's).
    tak_server: str | None = None
    tak_cert: Path | None = None
    tak_key: Path | None = None
    tak_ca: Path | None = None

    @field_validator(
        "database_url",
        "redis_url",
        "secret",
        "tile_url",
        "basemap",
        "cot_port",
        "cot_host",
        "cot_tls_cert",
        "cot_tls_key",
        "cot_tls_ca",
        "tak_server",
        "tak_cert",
        "tak_key",
        "tak_ca",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value
