"""Tokens on their own: what a key ring signs, what it refuses, and rotating keys.

Every malformed token is simply `Invalid` (never another exception, which the
gateway would answer with a 500); an expired one is `Expired`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from uuid import uuid4

import jwt
import pytest

from domain.types import Role
from gateway import keys as ring
from gateway.bootstrap import ConfigurationError
from gateway.keys import Key, KeyRing, parse
from gateway.settings import Settings
from gateway.tokens import Claims, Expired, Invalid, read, sign

NOW = 1_800_000_000.0
DAY = 86_400


def claims(**changes: object) -> Claims:
    made = Claims(
        token_id=uuid4(),
        role=Role.VOLUNTEER,
        subject=str(uuid4()),
        issued_at=int(NOW),
        expires_at=int(NOW) + DAY,
        name="Xu Ming's phone",
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def keys(*entries: str) -> KeyRing:
    return KeyRing(parse(entries or ("k1:first-secret",)))


def test_a_token_carries_its_claims_and_the_signing_key_id() -> None:
    given = claims()
    token = sign(keys(), given)

    assert read(keys(), token, NOW) == given
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["kid"]) == ("HS256", "k1")
    payload = jwt.decode(token, options={"verify_signature": False})
    assert set(payload) == {"sub", "role", "jti", "iat", "exp", "name"}


def test_a_token_expires_at_its_expiry() -> None:
    token = sign(keys(), claims())

    assert read(keys(), token, NOW + DAY - 1).role is Role.VOLUNTEER
    with pytest.raises(Expired):
        read(keys(), token, NOW + DAY)


def test_an_issue_time_ahead_of_the_clock_beyond_the_skew_is_not_valid() -> None:
    ahead = sign(keys(), claims(issued_at=int(NOW) + 121))
    slightly = sign(keys(), claims(issued_at=int(NOW) + 100))

    assert read(keys(), slightly, NOW).issued_at == int(NOW) + 100
    with pytest.raises(Invalid):
        read(keys(), ahead, NOW)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged(header: dict[str, object], payload: dict[str, object], key: bytes) -> str:
    """A token signed by hand, with whatever header it is given."""
    signed = f"{_b64(header)}.{_b64(payload)}"
    mac = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def resigned(payload: dict[str, object], **changes: object) -> str:
    """The payload changed (None: that claim left out), signed with the right key."""
    changed = {k: v for k, v in {**payload, **changes}.items() if v is not None}
    secret = Key("k1", "first-secret").hmac_key
    return jwt.encode(changed, secret, "HS256", headers={"kid": "k1"})


def malformed() -> dict[str, str]:
    """Tokens a client might send, none of them good; the last part varies most."""
    good = sign(keys(), claims())
    head, body, signature = good.split(".")
    secret = Key("k1", "first-secret").hmac_key
    payload = jwt.decode(good, options={"verify_signature": False})
    return {
        "empty": "",
        "one part": "abc",
        "non-ASCII signature": f"{head}.{body}.{signature[:-1]}é",
        "non-ASCII payload": f"{head}.{body}é.{signature}",
        "bad base64": f"{head}.{body}.***",
        "not JSON": f"{_b64({'alg': 'HS256'})[:-2]}.e30.{signature}",
        "signature of another": f"{head}.{body}.{sign(keys(), claims()).split('.')[2]}",
        "alg none": f"{_b64({'alg': 'none', 'kid': 'k1'})}.{body}.",
        "HS512": jwt.encode(payload, secret * 2, "HS512", headers={"kid": "k1"}),
        "unknown kid": jwt.encode(payload, secret, "HS256", headers={"kid": "k9"}),
        "no kid": jwt.encode(payload, secret, "HS256"),
        "kid not text": forged({"alg": "HS256", "kid": 7}, payload, secret),
        "no jti": resigned(payload, jti=None),
        "jti not a uuid": resigned(payload, jti="x"),
        "unknown role": resigned(payload, role="owner-of-everything"),
        "iat as text": resigned(payload, iat="now"),
        "exp true": resigned(payload, exp=True),
        "sub a number": resigned(payload, sub=5),
        "the old hand-made format": "eyJyIjoiY29tbWFuZGVyIn0.c2lnbmF0dXJl",
        "too long": f"{head}.{body}.{'A' * 5000}",
    }


def test_a_token_forged_by_hand_with_the_right_key_reads() -> None:
    # The control for the cases below: the hand-made ones fail for what they change.
    payload = jwt.decode(sign(keys(), claims()), options={"verify_signature": False})
    secret = Key("k1", "first-secret").hmac_key
    token = forged({"alg": "HS256", "kid": "k1"}, payload, secret)

    assert str(read(keys(), token, NOW).token_id) == payload["jti"]


@pytest.mark.parametrize("case", list(malformed()))
def test_anything_but_a_token_this_ring_signed_is_invalid(case: str) -> None:
    with pytest.raises(Invalid):
        read(keys(), malformed()[case], NOW)


def test_rotation_overlaps_until_the_old_key_is_retired() -> None:
    # Given a token signed with the only key
    old = keys("old:old-secret")
    token = sign(old, claims())

    # When a new key is put first: it signs, the old one still verifies
    rotated = keys("new:new-secret", "old:old-secret")
    fresh = sign(rotated, claims())
    assert jwt.get_unverified_header(fresh)["kid"] == "new"
    assert read(rotated, token, NOW).role is Role.VOLUNTEER
    with pytest.raises(Invalid):
        read(old, fresh, NOW)  # a gateway not yet given the new key

    # Then once the old key is retired its tokens stop working, the new ones do not
    retired = keys("new:new-secret")
    with pytest.raises(Invalid):
        read(retired, token, NOW)
    assert read(retired, fresh, NOW).role is Role.VOLUNTEER


def test_brigade_secret_is_one_key_or_several_newest_first() -> None:
    one = KeyRing.of(Settings(secret="a-single-secret"))
    several = KeyRing.of(Settings(secret="k2:second, k1:first ,plain"))

    assert [k.id for k in one.keys] == [ring.key_id("a-single-secret")]
    assert [k.id for k in several.keys] == ["k2", "k1", ring.key_id("plain")]
    assert several.signer.id == "k2"
    # A bare secret's id is stable, so every gateway given it agrees
    assert ring.key_id("plain") == ring.key_id("plain") != ring.key_id("plain2")
    with pytest.raises(ConfigurationError, match="same id"):
        parse(["k1:a", "k1:b"])
