"""What clients send, read within bounds: JSON or msgpack frames and bodies.

Python's JSON parser recurses once per level: `[` x 100,000 raised RecursionError
on every socket, and the connection dropped without a close frame. And a frame of
small values grows in memory: 16 MiB of `[{},{},...]` is 360 MB of dicts. So a
frame or body is refused when it nests deeper than MAX_DEPTH or holds more than
MAX_VALUES values, before or while it is parsed, never after the harm. Both caps
are far beyond any command's shape (a 2,000-point route is 4,001 values, 3 deep).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import msgpack

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_DEPTH = 32
MAX_VALUES = 20_000

# Bytes that may start a msgpack array or map: fixmap, fixarray, map/array 16/32.
_OPENERS = bytes([*range(0x80, 0xA0), 0xDC, 0xDD, 0xDE, 0xDF])
_NOT_OPENERS = bytes(sorted(set(range(256)) - set(_OPENERS)))


_MARKS = ("[", "{", ",")
_BYTE_MARKS = (b"[", b"{", b",")


class Unreadable(ValueError):
    """A frame or body that is not JSON (or msgpack) within the bounds; says why."""


def read_json(text: str | bytes) -> Any:
    """A JSON document, within MAX_DEPTH and MAX_VALUES."""
    marks: Any = _MARKS if isinstance(text, str) else _BYTE_MARKS  # [ { ,
    brackets = text.count(marks[0]) + text.count(marks[1])
    # A value is a container or follows a comma: a count the parse cannot exceed.
    if len(text) > MAX_VALUES and brackets + text.count(marks[2]) > MAX_VALUES:
        raise Unreadable(f"more than {MAX_VALUES} values")
    try:
        found = json.loads(text)
    except RecursionError:
        raise Unreadable(f"nested more than {MAX_DEPTH} deep") from None
    except ValueError as error:  # not JSON, not UTF-8, or a number too long
        raise Unreadable(f"not JSON: {error}") from None
    if brackets > MAX_DEPTH:
        _check_depth(found)
    return found


def read_msgpack(data: bytes) -> Any:
    """A msgpack document, within MAX_DEPTH and MAX_VALUES."""
    seen = [0]

    def counted(container: Any) -> Any:
        seen[0] += len(container)
        if seen[0] > MAX_VALUES:
            raise Unreadable(f"more than {MAX_VALUES} values")
        return container

    # Each value takes a byte at least: a short frame cannot hold too many.
    hooks: dict[str, Any] = (
        {"list_hook": counted, "object_hook": counted} if len(data) > MAX_VALUES else {}
    )
    try:
        found = msgpack.unpackb(
            data,
            max_array_len=MAX_VALUES,
            max_map_len=MAX_VALUES,
            **hooks,
        )
    except Unreadable:
        raise
    except msgpack.StackError:
        raise Unreadable(f"nested more than {MAX_DEPTH} deep") from None
    except (ValueError, TypeError, msgpack.UnpackException) as error:
        raise Unreadable(f"not msgpack: {error or type(error).__name__}") from None
    # Too few bytes that may open a container to nest too deep: no need to look.
    if len(data.translate(None, _NOT_OPENERS)) > MAX_DEPTH:
        _check_depth(found)
    return found


def read_message(message: Mapping[str, Any], binary: bool) -> Any:
    """A WebSocket message's document: msgpack bytes if `binary`, else JSON text."""
    if binary and message.get("bytes") is not None:
        return read_msgpack(message["bytes"])
    if message.get("text") is not None:
        return read_json(message["text"])
    raise Unreadable("frames are JSON text" + (" or msgpack" if binary else ""))


def _check_depth(found: Any) -> None:
    """Walk the parsed document without recursing; Unreadable past MAX_DEPTH."""
    level: list[Any] = [found]
    for _ in range(MAX_DEPTH):
        inner: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                inner.extend(v for v in value.values() if isinstance(v, dict | list))
            elif isinstance(value, list):
                inner.extend(v for v in value if isinstance(v, dict | list))
        if not inner:
            return
        level = inner
    raise Unreadable(f"nested more than {MAX_DEPTH} deep")
