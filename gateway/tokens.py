"""Bearer tokens: HS256 JWTs (PyJWT) naming a role, a subject, a token id and an
expiry, signed with the key ring's first key; never stored, never logged.

A token is signed from what the log recorded when it was issued (`Credential`),
so it says nothing the log does not. Whether it is still good (not revoked) is
the credentials view's to say (`gateway/auth.py`); this module only tells a
token this ring signed, unexpired, from anything else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import jwt

from domain.commands import Actor
from domain.types import Role

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.keys import KeyRing

ALGORITHM = "HS256"
CLAIMS = ("sub", "role", "jti", "iat", "exp")
# How far ahead of this server's clock a token's issue time may be (another
# server's clock running ahead), as for a command's field time.
SKEW = timedelta(seconds=120).total_seconds()
# Far longer than any token this server signs (about 400 bytes).
LONGEST = 4096


class Invalid(Exception):
    """Not a token this ring signed: malformed, forged, or signed with a retired key."""


class Expired(Exception):
    """A token this ring signed, past its expiry."""


@dataclass(frozen=True)
class Claims:
    token_id: UUID
    role: Role
    subject: str
    issued_at: int
    expires_at: int
    name: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(self.role, self.subject)

    @classmethod
    def of(cls, issued: Mapping[str, str]) -> Claims:
        """The claims of a token the log recorded issuing (IssueToken's result)."""
        return cls(
            token_id=UUID(issued["token_id"]),
            role=Role(issued["role"]),
            subject=issued["subject"],
            name=issued.get("name", ""),
            issued_at=int(datetime.fromisoformat(issued["issued_at"]).timestamp()),
            expires_at=int(datetime.fromisoformat(issued["expires_at"]).timestamp()),
        )


def sign(keys: KeyRing, claims: Claims) -> str:
    """The token for these claims, signed with the ring's newest key."""
    payload: dict[str, Any] = {
        "sub": claims.subject,
        "role": claims.role.value,
        "jti": str(claims.token_id),
        "iat": claims.issued_at,
        "exp": claims.expires_at,
    }
    if claims.name:
        payload["name"] = claims.name
    key = keys.signer
    return jwt.encode(payload, key.hmac_key, ALGORITHM, headers={"kid": key.id})


def read(keys: KeyRing, token: str, now: float | None = None) -> Claims:
    """The claims of a token this ring signed; `Invalid` or `Expired` otherwise.

    Anything else a client sends (not ASCII, not base64, another algorithm or
    `none`, an unknown key id, a field of the wrong type) is `Invalid`, never an
    error of the server's.
    """
    if not token or len(token) > LONGEST or not token.isascii():
        raise Invalid
    now = time.time() if now is None else now
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = keys.find(kid) if isinstance(kid, str) else None
        if key is None:
            raise Invalid
        payload = jwt.decode(
            token,
            key.hmac_key,
            algorithms=[ALGORITHM],
            # Times are checked below, against `now`, with the skew allowed.
            options={
                "require": list(CLAIMS),
                "verify_iat": False,
                "verify_exp": False,
            },
        )
        claims = Claims(
            token_id=UUID(_text(payload, "jti")),
            role=Role(_text(payload, "role")),
            subject=_text(payload, "sub"),
            name=_text(payload, "name") if "name" in payload else "",
            issued_at=_whole(payload, "iat"),
            expires_at=_whole(payload, "exp"),
        )
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError):
        raise Invalid from None
    # The signature is good: only now may the token's times be believed.
    if claims.issued_at > now + SKEW:
        raise Invalid
    if claims.expires_at <= now:
        raise Expired
    return claims


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload[name]
    if not isinstance(value, str):
        raise TypeError(name)
    return value


def _whole(payload: Mapping[str, Any], name: str) -> int:
    value = payload[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(name)
    return value
