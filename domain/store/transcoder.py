"""A msgpack transcoder for event state, faster and smaller than JSON.

Types msgpack lacks travel as ExtType values with these application codes, which
are part of the stored format and must never be renumbered or reused:

==== ============ ==================================================
code type         payload
==== ============ ==================================================
1    UUID         the 16 raw bytes
2    datetime     ``isoformat()`` in ASCII (naive, or with its exact offset)
3    date         ``isoformat()`` in ASCII
4    Decimal      ``str()`` in ASCII (keeps exponent, sign, NaN)
5    tuple        the items, packed as a msgpack array
6    int          decimal digits, only for ints beyond 64 bits
7    registered   ``[name, encoded]`` packed, for a registered Transcoding
==== ============ ==================================================

Unlike JSONTranscoder's ``{"_type_", "_data_"}`` dicts, an ext value cannot be
confused with user data, so any dict round-trips.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgpack
from eventsourcing.persistence import Transcoder, TranscodingNotRegisteredError

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.persistence import Transcoding

EXT_UUID = 1
EXT_DATETIME = 2
EXT_DATE = 3
EXT_DECIMAL = 4
EXT_TUPLE = 5
EXT_BIGINT = 6
EXT_REGISTERED = 7


class MsgpackTranscoder(Transcoder):
    """Encodes event state as msgpack, with ext types for richer Python values.

    UUID, datetime, date, Decimal, tuple and big ints always use the ext types
    above, even if a Transcoding is registered for one of them. Other types,
    including subclasses of dict, list, str and int (so StrEnum members too), are
    looked up by exact type among the registered transcodings, as JSONTranscoder
    does, and raise TypeError if none is registered.
    """

    def __init__(self) -> None:
        self.types: dict[type, Transcoding] = {}
        self.names: dict[str, Transcoding] = {}
        # Packers are not thread-safe nor re-entrant (default() packs nested
        # values), so each encode() borrows one; list pop/append are atomic.
        self._spare_packers: list[msgpack.Packer] = []
        self._native: dict[type, Callable[[Any], msgpack.ExtType]] = {
            UUID: _encode_uuid,
            datetime: _encode_isoformat_datetime,
            date: _encode_isoformat_date,
            Decimal: _encode_decimal,
            tuple: self._encode_tuple,
            int: _encode_bigint,
        }
        self._ext_decoders: dict[int, Callable[[bytes], Any]] = {
            EXT_UUID: _decode_uuid,
            EXT_DATETIME: _decode_datetime,
            EXT_DATE: _decode_date,
            EXT_DECIMAL: _decode_decimal,
            EXT_TUPLE: self._decode_tuple,
            EXT_BIGINT: int,
            EXT_REGISTERED: self._decode_registered,
        }

    def register(self, transcoding: Transcoding) -> None:
        """Registers given transcoding with the transcoder."""
        self.types[transcoding.type] = transcoding
        self.names[transcoding.name] = transcoding

    def encode(self, obj: Any) -> bytes:
        """Encodes given object as msgpack bytes."""
        try:
            packer = self._spare_packers.pop()
        except IndexError:
            packer = msgpack.Packer(
                default=self._default,
                use_bin_type=True,
                # Exact types only: tuples and subclasses of builtins reach
                # _default, so they come back as what they were.
                strict_types=True,
            )
        data = packer.pack(obj)
        # A packer that raised is dropped rather than trusted again.
        self._spare_packers.append(packer)
        return data

    def decode(self, data: bytes) -> Any:
        """Decodes msgpack bytes as previously encoded object."""
        # strict_map_key=False lets dicts keyed by int (or UUID) round-trip.
        return msgpack.unpackb(
            data, ext_hook=self._ext_hook, raw=False, strict_map_key=False
        )

    def _default(self, obj: Any) -> msgpack.ExtType:
        native = self._native.get(type(obj))
        if native is not None:
            return native(obj)
        try:
            transcoding = self.types[type(obj)]
        except KeyError:
            msg = (
                f"Object of type {type(obj)} is not "
                "serializable. Please define and register "
                "a custom transcoding for this type."
            )
            raise TranscodingNotRegisteredError(msg) from None
        payload = self.encode([transcoding.name, transcoding.encode(obj)])
        return msgpack.ExtType(EXT_REGISTERED, payload)

    def _ext_hook(self, code: int, data: bytes) -> Any:
        try:
            decoder = self._ext_decoders[code]
        except KeyError:
            msg = f"Unknown msgpack ext type code {code} (written by a newer version?)"
            raise ValueError(msg) from None
        return decoder(data)

    def _encode_tuple(self, obj: tuple[Any, ...]) -> msgpack.ExtType:
        return msgpack.ExtType(EXT_TUPLE, self.encode(list(obj)))

    def _decode_tuple(self, data: bytes) -> tuple[Any, ...]:
        return tuple(self.decode(data))

    def _decode_registered(self, data: bytes) -> Any:
        name, payload = self.decode(data)
        try:
            transcoding = self.names[name]
        except KeyError:
            msg = (
                f"Data serialized with name '{name}' is not "
                "deserializable. Please register a "
                "custom transcoding for this type."
            )
            raise TranscodingNotRegisteredError(msg) from None
        return transcoding.decode(payload)


def _ext(code: int, data: bytes) -> msgpack.ExtType:
    # ExtType's own constructor re-checks types we already know; every event
    # carries a UUID and two datetimes, so skip it on this hot path.
    return tuple.__new__(msgpack.ExtType, (code, data))


def _encode_uuid(obj: UUID) -> msgpack.ExtType:
    return _ext(EXT_UUID, obj.bytes)


def _encode_isoformat_datetime(obj: datetime) -> msgpack.ExtType:
    return _ext(EXT_DATETIME, obj.isoformat().encode("ascii"))


def _encode_isoformat_date(obj: date) -> msgpack.ExtType:
    return msgpack.ExtType(EXT_DATE, obj.isoformat().encode("ascii"))


def _encode_decimal(obj: Decimal) -> msgpack.ExtType:
    return msgpack.ExtType(EXT_DECIMAL, str(obj).encode("ascii"))


def _encode_bigint(obj: int) -> msgpack.ExtType:
    # Only reached for ints msgpack can't hold in 64 bits.
    return msgpack.ExtType(EXT_BIGINT, str(obj).encode("ascii"))


def _decode_uuid(data: bytes) -> UUID:
    return UUID(bytes=data)


def _decode_datetime(data: bytes) -> datetime:
    text = data.decode("ascii")
    moment = datetime.fromisoformat(text)
    # Python 3.11 reads an offset of under a second ("+00:00:00.000001") as
    # UTC; isoformat() writes a fractional offset as the last 16 characters.
    if moment.utcoffset() == timedelta(0) and text[-16:-15] in ("+", "-"):
        sign, offset = text[-16], text[-15:]  # "+HH:MM:SS.ffffff"
        exact = timedelta(
            hours=int(offset[0:2]),
            minutes=int(offset[3:5]),
            seconds=int(offset[6:8]),
            microseconds=int(offset[9:]),
        )
        moment = moment.replace(tzinfo=timezone(-exact if sign == "-" else exact))
    return moment


def _decode_date(data: bytes) -> date:
    return date.fromisoformat(data.decode("ascii"))


def _decode_decimal(data: bytes) -> Decimal:
    return Decimal(data.decode("ascii"))
