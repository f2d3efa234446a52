"""Enrolment codes, their links and QR codes: made from an enrolment's id, never stored.

A code is the enrolment's id and an HMAC of it made with the token key ring's
newest key, in base32: the log records the enrolment, the gateway can make its
code again (a retried `CreateEnrolment` gets the same code, a commander may show
the QR code again), and a phone's code is checked against every key in the ring,
so a key rotation within an enrolment's quarter of an hour breaks nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
from typing import TYPE_CHECKING
from uuid import UUID

import segno

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.keys import Key, KeyRing

# 80 bits of MAC: guessing one is hopeless, and the code stays 42 characters.
MAC_BYTES = 10
CODE_LENGTH = 42
FRAGMENT = "/field#enrol="


class UnknownCode(Exception):
    """Not a code this server's keys made: mistyped, another server's, or forged."""


def _mac(key: Key, enrolment_id: UUID) -> bytes:
    message = b"brigade enrolment\0" + enrolment_id.bytes
    return hmac.new(key.hmac_key, message, hashlib.sha256).digest()[:MAC_BYTES]


def code_for(keys: KeyRing, enrolment_id: UUID) -> str:
    """The code of an enrolment, with the ring's newest key."""
    raw = enrolment_id.bytes + _mac(keys.signer, enrolment_id)
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def read_code(keys: KeyRing, code: str) -> UUID:
    """The enrolment a code names, if one of the ring's keys made it."""
    text = code.strip().upper().replace("-", "").replace(" ", "")
    if len(text) != CODE_LENGTH or not text.isascii() or not text.isalnum():
        raise UnknownCode
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise UnknownCode from None
    enrolment_id, given = UUID(bytes=raw[:16]), raw[16:]
    keys.signer  # noqa: B018 (takes up a rotated key file's keys)
    if any(hmac.compare_digest(_mac(key, enrolment_id), given) for key in keys.keys):
        return enrolment_id
    raise UnknownCode


def link(base_url: str, code: str) -> str:
    """The phone's link: the code in the fragment, which no request log sees."""
    return base_url.rstrip("/") + FRAGMENT + code


def qr_svg(text: str) -> str:
    """A QR code of `text` as a standalone SVG document (dark on white)."""
    out = io.BytesIO()
    qr = segno.make(text, error="m")
    qr.save(out, kind="svg", scale=6, border=4, dark="#000", light="#fff")
    return out.getvalue().decode("utf-8")


def qr_terminal(text: str) -> str:
    """A QR code of `text` drawn with half blocks, for a terminal."""
    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def answer(keys: KeyRing, base_url: str, result: Mapping[str, str]) -> dict[str, str]:
    """An accepted CreateEnrolment's answer: its facts, the code, link and QR code."""
    code = code_for(keys, UUID(result["enrolment_id"]))
    url = link(base_url, code)
    return {**result, "code": code, "link": url, "qr_svg": qr_svg(url)}
