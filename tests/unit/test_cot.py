"""CoT read and written on its own: a stream cut into events, hostile XML refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cotkit import sample

from gateway.tak import cot
from gateway.tak.cot import MAX_DOCUMENT, Framer, Refused, parse

AT = datetime(2026, 12, 4, 6, 0, 0, 123000, tzinfo=UTC)


def test_a_stream_is_cut_into_events_whatever_the_chunks() -> None:
    one, two = sample("atak_position", AT), sample("atak_ping", AT)
    stream = one + b"\n" + two + b"\n" + one
    for size in (1, 7, 100, len(stream)):
        framer = Framer()
        documents = []
        for start in range(0, len(stream), size):
            documents += framer.feed(stream[start : start + size])
        kinds = [parse(d).type for d in documents]
        assert kinds == ["a-f-G-U-C", "t-x-c-t", "a-f-G-U-C"]
        assert framer.pending == 0


def test_an_atak_position_reads_as_what_it_says() -> None:
    event = parse(Framer().feed(sample("atak_position", AT))[0])
    assert event.uid == "ANDROID-5f3c2a9be1d07c44"
    assert event.time == AT
    assert (event.lat, event.lon) == (24.9134021, 118.5893387)
    assert event.ce is None  # 9999999: unknown
    assert event.callsign == "LJ-Rescue-07"
    assert (event.course, event.speed) == (131.4, 1.38)


def test_geochat_names_its_room_its_sender_and_its_text() -> None:
    event = parse(sample("atak_geochat", AT, room="brigade.incident.x"))
    assert event.chat is not None
    assert event.chat.room == "brigade.incident.x"
    assert event.chat.sender == "ANDROID-5f3c2a9be1d07c44"
    assert event.chat.text.startswith("Water at knee height")


@pytest.mark.parametrize("name", ["billion_laughs", "external_entity"])
def test_entities_are_refused_before_anything_expands(name: str) -> None:
    with pytest.raises(Refused) as refused:
        parse(Framer().feed(sample(name, AT))[0])
    assert refused.value.reason == "hostile"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_an_entity_bomb_in_another_encoding_is_refused_too(encoding: str) -> None:
    # UTF-16 without a byte-order mark is valid UTF-8 (ASCII and NULs) and holds
    # no b"<!": expat would still read it as UTF-16, DTD and all.
    bomb = sample("billion_laughs", AT).decode()
    bomb = bomb.replace("encoding='UTF-8'", "").replace('encoding="UTF-8"', "")
    with pytest.raises(Refused) as refused:
        parse(bomb.encode(encoding))
    assert refused.value.reason == "hostile"


@pytest.mark.parametrize(
    "extra",
    ["<!-- from ATAK -->", "<![CDATA[Water at knee height]]>", ""],
)
def test_comments_and_cdata_read_as_any_event(extra: str) -> None:
    document = (
        "<?xml version='1.0' encoding='UTF-8'?><event version='2.0' uid='u'"
        " type='a-f-G-U-C' time='2026-12-04T06:00:00Z'><point lat='24.9' lon='118.6'"
        f" ce='5'/><detail><remarks>{extra}水 &amp; 泥</remarks></detail></event>"
    )
    event = parse(document.encode())
    assert (event.uid, event.lat, event.lon) == ("u", 24.9, 118.6)
    assert event.remarks.endswith("水 & 泥")


def test_a_huge_document_is_refused_before_it_ends() -> None:
    framer = Framer()
    framer.feed(b"<event uid='x' type='a-f-G' time='2026-12-04T06:00:00Z'><detail>")
    with pytest.raises(Refused) as refused:
        for _ in range(MAX_DOCUMENT // 1000 + 1):
            framer.feed(b"<remarks>" + b"x" * 1000 + b"</remarks>")
    assert refused.value.reason == "too_large"


def test_an_element_never_closed_is_refused_at_the_cap() -> None:
    framer = Framer()
    with pytest.raises(Refused):
        for _ in range(MAX_DOCUMENT // 9 + 1):
            framer.feed(b"<a><a><a>")


def test_a_huge_document_arriving_whole_is_refused_too() -> None:
    body = b"<remarks>" + b"x" * (MAX_DOCUMENT + 10) + b"</remarks>"
    document = b"<event uid='x' type='a' time='2026-12-04T06:00:00Z'>" + body
    with pytest.raises(Refused):
        Framer().feed(document + b"</event>")


@pytest.mark.parametrize(
    "document",
    [
        b"<event></event>",
        b"<foo>bar</event>",
        b"<notevent uid='a' type='b' time='2026-12-04T06:00:00Z'></notevent></event>",
        b"<event uid='a' type='b' time='yesterday'></event>",
        b"\xff\xfe<event></event>",
        b"<event uid='a' type='b' time='2026-12-04T06:00:00Z'>&nbsp;</event>",
        b"<event uid='a\0' type='b' time='2026-12-04T06:00:00Z'></event>",
    ],
)
def test_malformed_documents_are_refused(document: bytes) -> None:
    with pytest.raises(Refused) as refused:
        parse(document)
    assert refused.value.reason == "malformed"


def test_what_brigade_writes_reads_back() -> None:
    written = cot.event(
        uid="brigade.incident.1",
        type="a-h-G",
        time=AT,
        stale=AT,
        lat=24.9,
        lon=118.6,
        detail=f"<remarks>{cot.text('<water> & mud')}</remarks>",
    )
    event = parse(written)
    assert (event.uid, event.type, event.time, event.stale) == (
        "brigade.incident.1",
        "a-h-G",
        AT,
        AT,
    )
    assert event.remarks == "<water> & mud"
