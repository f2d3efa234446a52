"""MsgpackTranscoder passes eventsourcing's transcoder suite and round-trips all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgpack
import pytest
from eventsourcing.persistence import Transcoding
from eventsourcing.tests import persistence as es_tests
from eventsourcing.tests.persistence import (
    CustomType1,
    CustomType1AsDict,
    CustomType2,
    CustomType2AsDict,
    MyClass,
    Mydict,
    MyInt,
    MyList,
    MyStr,
)
from hypothesis import given
from hypothesis import strategies as st

from domain.store.transcoder import MsgpackTranscoder


class MydictAsDict(Transcoding):
    type = Mydict
    name = "mydict"

    def encode(self, obj: Mydict[Any, Any]) -> dict[Any, Any]:
        return dict(obj)

    def decode(self, data: dict[Any, Any]) -> Mydict[Any, Any]:
        return Mydict(data)


class MyListAsList(Transcoding):
    type = MyList
    name = "mylist"

    def encode(self, obj: MyList[Any]) -> list[Any]:
        return list(obj)

    def decode(self, data: list[Any]) -> MyList[Any]:
        return MyList(data)


class MyStrAsStr(Transcoding):
    type = MyStr
    name = "mystr"

    def encode(self, obj: MyStr) -> str:
        return str(obj)

    def decode(self, data: str) -> MyStr:
        return MyStr(data)


class MyIntAsInt(Transcoding):
    type = MyInt
    name = "myint"

    def encode(self, obj: MyInt) -> int:
        return int(obj)

    def decode(self, data: int) -> MyInt:
        return MyInt(data)


def new_transcoder() -> MsgpackTranscoder:
    transcoder = MsgpackTranscoder()
    for transcoding in (
        CustomType1AsDict(),
        CustomType2AsDict(),
        MydictAsDict(),
        MyListAsList(),
        MyStrAsStr(),
        MyIntAsInt(),
    ):
        transcoder.register(transcoding)
    return transcoder


# The base is reached through its module so pytest doesn't collect it too.
class TestMsgpackTranscoder(es_tests.TranscoderTestCase):
    """eventsourcing's transcoder suite, run against MsgpackTranscoder.

    Overridden, because the base asserts exact JSON bytes or decodes JSON bytes,
    each replaced by the same round-trips plus the exact msgpack bytes:
    test_str, test_dict, test_dict_subclass, test_tuple, test_nested_custom_type,
    test_custom_type_error.
    """

    transcoder: MsgpackTranscoder

    def construct_transcoder(self) -> MsgpackTranscoder:
        return new_transcoder()

    def assert_encodes_as(self, obj: object, expected: bytes) -> None:
        data = self.transcoder.encode(obj)
        self.assertEqual(data, expected)
        self.assertEqual(self.transcoder.decode(data), obj)

    def test_str(self) -> None:
        self.assert_encodes_as("a", b"\xa1a")
        self.assert_encodes_as("abc", b"\xa3abc")
        self.assert_encodes_as("a'b", b"\xa3a'b")
        self.assert_encodes_as('a"b', b'\xa3a"b')
        # UTF-8 as is (no escaping): 11 bytes, so a fixstr header of 0xa0 + 11.
        self.assert_encodes_as(
            "🐈 哈哈", b"\xab\xf0\x9f\x90\x88 \xe5\x93\x88\xe5\x93\x88"
        )

    def test_dict(self) -> None:
        self.assert_encodes_as({}, b"\x80")
        self.assert_encodes_as({"a": 1}, b"\x81\xa1a\x01")
        self.assert_encodes_as({"a": 1, "b": 2}, b"\x82\xa1a\x01\xa1b\x02")
        self.assert_encodes_as({"a": {}}, b"\x81\xa1a\x80")
        self.assert_encodes_as({"a": {}, "b": {}}, b"\x82\xa1a\x80\xa1b\x80")
        self.assert_encodes_as({"a": {"b": {}}}, b"\x81\xa1a\x81\xa1b\x80")
        self.assert_encodes_as(
            {"a": {"b": {"c": 1}}}, b"\x81\xa1a\x81\xa1b\x81\xa1c\x01"
        )
        # Unlike JSON, int keys stay ints.
        self.assert_encodes_as({1: "a"}, b"\x81\x01\xa1a")

    def test_dict_subclass(self) -> None:
        # ext8, 12 bytes, code 7 (registered): ["mydict", {"a": 1}].
        expected = b"\xc7\x0c\x07\x92\xa6mydict\x81\xa1a\x01"
        self.assert_encodes_as(Mydict({"a": 1}), expected)
        self.assertIs(type(self.transcoder.decode(expected)), Mydict)

    def test_tuple(self) -> None:
        # fixext1, code 5 (tuple), payload an empty array.
        self.assert_encodes_as((), b"\xd4\x05\x90")
        for obj in [((),), ((1, 2),), (("a", "b"),), ((1, "a"),)]:
            copy = self.transcoder.decode(self.transcoder.encode(obj))
            self.assertEqual(copy, obj)
            self.assertIs(type(copy[0]), tuple)

    def test_nested_custom_type(self) -> None:
        obj = CustomType2(CustomType1(UUID("b2723fe2c01a40d2875ea3aac6a09ff5")))
        data = self.transcoder.encode(obj)
        # Read the layout with plain msgpack, which leaves ext values as ExtType.
        outer = msgpack.unpackb(data)
        self.assertEqual(outer.code, 7)
        name2, inner = msgpack.unpackb(outer.data)
        self.assertEqual(name2, "custom_type2_as_dict")
        self.assertEqual(inner.code, 7)
        name1, uuid_ext = msgpack.unpackb(inner.data)
        self.assertEqual(name1, "custom_type1_as_dict")
        self.assertEqual(uuid_ext, msgpack.ExtType(1, obj.value.value.bytes))
        self.assertEqual(
            data,
            b"\xc7\x41\x07\x92\xb4custom_type2_as_dict"
            b"\xc7\x28\x07\x92\xb4custom_type1_as_dict"
            b"\xd8\x01\xb2\x72\x3f\xe2\xc0\x1a\x40\xd2\x87\x5e\xa3\xaa\xc6\xa0\x9f\xf5",
        )
        copy = self.transcoder.decode(data)
        self.assertIsInstance(copy, CustomType2)
        self.assertIsInstance(copy.value, CustomType1)
        self.assertIsInstance(copy.value.value, UUID)
        self.assertEqual(copy.value.value, obj.value.value)

    def test_custom_type_error(self) -> None:
        expected = (
            "Object of type <class 'eventsourcing.tests.persistence."
            "MyClass'> is not serializable. Please define "
            "and register a custom transcoding for this type."
        )
        for obj in [MyClass(), {"a": MyClass()}, [(1, MyClass())]]:
            with self.assertRaises(TypeError) as cm:
                self.transcoder.encode(obj)
            self.assertEqual(cm.exception.args[0], expected)

        data = msgpack.packb(
            msgpack.ExtType(7, msgpack.packb(["custom_type3_as_dict", ""]))
        )
        with self.assertRaises(TypeError) as cm:
            self.transcoder.decode(data)
        self.assertEqual(
            cm.exception.args[0],
            "Data serialized with name 'custom_type3_as_dict' is not "
            "deserializable. Please register a custom transcoding for this type.",
        )

    def test_datetimes_keep_their_offset(self) -> None:
        naive = datetime(2024, 3, 31, 1, 30, 15, 123456)
        plus_0545 = datetime(
            2024, 3, 31, 7, 15, tzinfo=timezone(timedelta(hours=5, minutes=45))
        )
        for obj in [naive, naive.replace(tzinfo=UTC), plus_0545]:
            copy = self.transcoder.decode(self.transcoder.encode(obj))
            self.assertEqual(copy, obj)
            self.assertEqual(copy.utcoffset(), obj.utcoffset())
            self.assertEqual(copy.isoformat(), obj.isoformat())

    def test_scalars_that_json_loses(self) -> None:
        for obj in [
            b"\x00\xff",
            date(1969, 7, 20),
            Decimal("-0.00"),
            Decimal("1E+3"),
            2**64,
            -(2**100),
        ]:
            copy = self.transcoder.decode(self.transcoder.encode(obj))
            self.assertIs(type(copy), type(obj))
            self.assertEqual(str(copy), str(obj))

    def test_unknown_ext_code_is_an_error(self) -> None:
        with self.assertRaisesRegex(ValueError, "ext type code 99"):
            self.transcoder.decode(msgpack.packb(msgpack.ExtType(99, b"")))

    def test_usable_after_an_encode_error(self) -> None:
        with self.assertRaises(TypeError):
            self.transcoder.encode({"a": [1, 2, MyClass()]})
        self.assert_encodes_as({"a": 1}, b"\x81\xa1a\x01")


def assert_identical(copy: object, original: object) -> None:
    """Equal, and of exactly the same types all the way down (1 == 1.0 == True)."""
    assert type(copy) is type(original), (copy, original)
    if isinstance(original, dict):
        assert isinstance(copy, dict)
        assert list(copy) == list(original)
        for key, value in original.items():
            assert_identical(copy[key], value)
    elif isinstance(original, list | tuple):
        assert isinstance(copy, list | tuple)
        assert len(copy) == len(original)
        for item_copy, item in zip(copy, original, strict=True):
            assert_identical(item_copy, item)
    elif isinstance(original, datetime):
        assert isinstance(copy, datetime)
        assert copy.isoformat() == original.isoformat()
    elif isinstance(original, float | Decimal):
        # repr tells -0.0 from 0.0 and Decimal("1E+3") from Decimal("1000").
        assert repr(copy) == repr(original)
    else:
        assert copy == original


offsets = st.timedeltas(
    min_value=timedelta(hours=-24) + timedelta(microseconds=1),
    max_value=timedelta(hours=24) - timedelta(microseconds=1),
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.uuids()
    | st.dates()
    | st.datetimes(timezones=st.none() | st.builds(timezone, offsets))
    | st.decimals(allow_nan=False)
    | st.text().map(MyStr)
    | st.integers().map(MyInt)
    | st.builds(CustomType1, st.uuids())
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children)
        | st.lists(children).map(tuple)
        | st.lists(children).map(MyList)
        | st.dictionaries(st.text() | st.integers(), children)
        | st.dictionaries(st.text(), children).map(Mydict)
        | st.builds(CustomType2, st.builds(CustomType1, st.uuids()))
    ),
    max_leaves=20,
)


@given(values)
def test_round_trips_nested_values(obj: object) -> None:
    transcoder = new_transcoder()
    assert_identical(transcoder.decode(transcoder.encode(obj)), obj)


@pytest.mark.parametrize(
    "offset",
    [
        timedelta(microseconds=1),
        timedelta(microseconds=-1),
        timedelta(microseconds=999_999),
        timedelta(hours=5, seconds=30, microseconds=7),
    ],
)
def test_an_offset_with_a_fraction_of_a_second_round_trips(offset: timedelta) -> None:
    # Python 3.11's fromisoformat reads "+00:00:00.000001" as UTC (hypothesis found it)
    transcoder = new_transcoder()
    moment = datetime(2000, 1, 1, tzinfo=timezone(offset))
    copy = transcoder.decode(transcoder.encode(moment))
    assert copy.utcoffset() == offset
    assert copy.isoformat() == moment.isoformat()
