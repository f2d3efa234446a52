"""Range and shape checks on command values; each failure is an InvalidCommand."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from domain.errors import Code, InvalidCommand
from domain.types import DispatchAnswer

if TYPE_CHECKING:
    from domain.types import LonLat

E = TypeVar("E", bound=StrEnum)

MAX_TEXT = 4000
MAX_NAME = 200
MAX_PATH_POINTS = 2000
MAX_EVACUATED = 10_000
MAX_RESCUED = 1_000
# The gateway takes no bigger upload (gateway/blobs.py): one cap, here.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
# What text may not hold: lone surrogates (half a UTF-16 pair: no UTF-8 spells
# them, so the store cannot either), and control characters but tab and line
# breaks (NUL, and the escapes a terminal or a CSV reader would act on).
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def invalid(message: str) -> InvalidCommand:
    return InvalidCommand(Code.INVALID_VALUE, message)


def number(name: str, value: object, low: float, high: float) -> float:
    """A finite real number within [low, high]."""
    if type(value) is float and low <= value <= high:  # the common case, quickly
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{name} must be a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise invalid(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return float(value)


def whole(name: str, value: object, low: int, high: int) -> int:
    """An integer within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{name} must be a whole number")
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}, got {value}")
    return value


def latitude(value: object) -> float:
    return number("latitude", value, -90.0, 90.0)


def longitude(value: object) -> float:
    return number("longitude", value, -180.0, 180.0)


def text(
    name: str, value: object, *, limit: int = MAX_TEXT, required: bool = True
) -> str:
    """A string of at most `limit` characters, stripped; non-empty when required.

    Only text UTF-8 can spell, without control characters but tab, CR and LF.
    """
    if not isinstance(value, str):
        raise invalid(f"{name} must be text")
    bad = _UNWRITABLE.search(value)
    if bad is not None:
        raise invalid(
            f"{name} holds {bad.group()!a} at {bad.start()}: no control "
            "characters (tab and line breaks aside) and no lone surrogates"
        )
    value = value.strip()
    if required and not value:
        raise invalid(f"{name} must not be empty")
    if len(value) > limit:
        raise invalid(f"{name} must be at most {limit} characters")
    return value


def choice(name: str, value: object, allowed: type[E]) -> E:
    """One of an enumeration's values."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return allowed(value)
    except ValueError:
        options = ", ".join(m.value for m in allowed)
        raise invalid(f"{name} must be one of: {options}; got {value!r}") from None


def path(name: str, points: object) -> list[LonLat]:
    """A polyline of at least two [lon, lat] points."""
    if not isinstance(points, Sequence) or isinstance(points, str):
        raise invalid(f"{name} must be a list of [longitude, latitude] points")
    if not 2 <= len(points) <= MAX_PATH_POINTS:
        raise invalid(f"{name} must have between 2 and {MAX_PATH_POINTS} points")
    checked: list[LonLat] = []
    for point in points:
        if not isinstance(point, Sequence) or len(point) != 2:
            raise invalid(f"{name} points must be [longitude, latitude] pairs")
        checked.append([longitude(point[0]), latitude(point[1])])
    return checked


def sha256(name: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise invalid(f"{name} must be a lowercase hex SHA-256 digest")
    return value


def aware(name: str, value: object) -> datetime:
    """A datetime that says which time zone it is in."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise invalid(f"{name} must be a date and time with a time zone")
    if value.utcoffset() is None:
        raise invalid(f"{name} must be a date and time with a time zone")
    return value


# The longest ETA a volunteer may give: ten hours is "not today" in a storm.
MAX_ETA_MINUTES = 600


def dispatch_answer(
    answer: str, eta_minutes: int | None, reason: str
) -> tuple[DispatchAnswer, int | None, str]:
    """A dispatch answer: `coming` with minutes away, or `not_coming` with why."""
    given = choice("answer", answer, DispatchAnswer)
    coming = given is DispatchAnswer.COMING
    if coming and eta_minutes is None:
        raise invalid("an answer 'coming' needs eta_minutes")
    if not coming and eta_minutes is not None:
        raise invalid("an answer 'not_coming' has no eta_minutes")
    reason = text("reason", reason, limit=MAX_NAME, required=False)
    if not coming and not reason:
        raise invalid("an answer 'not_coming' needs a reason")
    if eta_minutes is not None:
        eta_minutes = whole("eta_minutes", eta_minutes, 0, MAX_ETA_MINUTES)
    return given, eta_minutes, reason
