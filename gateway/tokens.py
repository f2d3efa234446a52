"""Bearer tokens: a role and a subject, HMAC-signed; never stored, never logged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from typing import TYPE_CHECKING

from domain.commands import Actor
from domain.types import Role

if TYPE_CHECKING:
    from gateway.settings import Settings

SECRET_FILE = "token-secret"


def signing_key(settings: Settings) -> bytes:
    """BRIGADE_SECRET, or a random key kept (mode 0600) in the data directory."""
    if settings.secret:
        return settings.secret.encode()
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def create_token(key: bytes, role: Role, subject: str) -> str:
    payload = _b64(json.dumps({"r": role.value, "s": subject}).encode())
    return f"{payload}.{_sign(key, payload)}"


def read_token(key: bytes, token: str) -> Actor | None:
    """The actor a token names, or None if it is not one this key signed."""
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(key, payload)):
        return None
    try:
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        return Actor(Role(claims["r"]), str(claims["s"]))
    except (ValueError, KeyError, TypeError):
        return None
