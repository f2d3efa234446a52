"""Frames and bodies read within bounds: 32 levels deep, 20,000 values, and no more."""

from __future__ import annotations

import json
from typing import Any

import msgpack
import pytest

from gateway.frames import MAX_DEPTH, MAX_VALUES, Unreadable, read_json, read_msgpack


def nested(levels: int) -> Any:
    value: Any = 0
    for level in range(levels):
        value = [value] if level % 2 else {"a": value}
    return value


def both(value: Any) -> list[Any]:
    """The value read back from JSON text, JSON bytes and msgpack."""
    text = json.dumps(value)
    return [
        read_json(text),
        read_json(text.encode()),
        read_msgpack(msgpack.packb(value)),
    ]


def test_a_frame_as_deep_and_as_full_as_allowed_is_read() -> None:
    for value in (nested(MAX_DEPTH), {"values": [0] * (MAX_VALUES - 2)}):
        assert both(value) == [value] * 3


@pytest.mark.parametrize(
    "value",
    [nested(MAX_DEPTH + 1), nested(900), {"values": [0] * MAX_VALUES}],
    ids=["one-level-too-deep", "900-deep", "too-many-values"],
)
def test_one_level_or_one_value_more_is_unreadable(value: Any) -> None:
    text = json.dumps(value)
    with pytest.raises(Unreadable):
        read_json(text)
    with pytest.raises(Unreadable):
        read_json(text.encode())
    with pytest.raises(Unreadable):
        read_msgpack(msgpack.packb(value))


@pytest.mark.parametrize(
    "data",
    [b"[" * 100_000, b"{" * 100_000, b'{"a": [' + b"{}," * 30_000 + b"{}]}"],
    ids=["brackets", "braces", "small-objects"],
)
def test_what_would_recurse_or_swell_is_refused_before_parsing(data: bytes) -> None:
    with pytest.raises(Unreadable):
        read_json(data)


def test_msgpack_that_swells_is_refused_while_parsing() -> None:
    # Two arrays of 15,000 maps: neither array is over the cap, their sum is.
    with pytest.raises(Unreadable, match="more than 20000 values"):
        read_msgpack(msgpack.packb([[{}] * 15_000] * 2))
    with pytest.raises(Unreadable, match="nested more than 32"):
        read_msgpack(b"\x91" * 100_000)


@pytest.mark.parametrize(
    "data", [b"\xc1", b"\x82\xa2id", b"\xa2\xff\xfe", msgpack.packb({1: 2}), b""]
)
def test_what_is_not_msgpack_is_unreadable(data: bytes) -> None:
    with pytest.raises(Unreadable, match="not msgpack"):
        read_msgpack(data)
