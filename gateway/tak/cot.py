"""Cursor on Target documents: cut from a stream, read safely, and written.

A TAK stream is a run of `<event>` documents, each perhaps behind its own XML
declaration. `Framer` cuts one document at a time from the bytes and refuses a
stream that holds more than `MAX_DOCUMENT` bytes without ending one (a huge
document, or an element never closed). No document may declare a DTD, entities
or external references: one that could (it holds a `<!`) is read by defusedxml
with them forbidden, so an entity-expansion bomb is refused before anything is
expanded and nothing is ever fetched; one that cannot, by the C parser (`_root`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError, XMLParser
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# The most a document may take, declaration and all (ATAK's are 0.3 to 3 KB).
MAX_DOCUMENT = 32 * 1024
_END = b"</event>"
# CoT's way of saying "unknown" for ce, le and hae.
UNKNOWN = 9_999_999.0


class Refused(Exception):
    """A stream or document brigade will not read; `reason` is the metric's label."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Framer:
    """Cuts whole `<event>` documents from a byte stream, within MAX_DOCUMENT."""

    __slots__ = ("_buffer", "limit")

    def __init__(self, limit: int = MAX_DOCUMENT) -> None:
        self._buffer = bytearray()
        self.limit = limit

    @property
    def pending(self) -> int:
        """Bytes held of a document not yet ended."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        buffer = self._buffer
        buffer += data
        documents = []
        start = 0
        while True:
            end = buffer.find(_END, start)
            if end < 0:
                break
            end += len(_END)
            if end - start > self.limit:
                raise Refused("too_large", f"a document over {self.limit} bytes")
            documents.append(bytes(buffer[start:end]).strip())
            start = end
        if start:
            del buffer[:start]
        if len(buffer) > self.limit:
            raise Refused(
                "too_large", f"over {self.limit} bytes without the end of a document"
            )
        if not buffer.strip():  # what is left between documents
            buffer.clear()
        return documents


@dataclass(frozen=True, slots=True)
class Chat:
    """A GeoChat message's own fields (`b-t-f`)."""

    room: str
    room_name: str
    sender: str
    text: str


@dataclass(frozen=True, slots=True)
class Cot:
    """What brigade reads of one CoT event."""

    uid: str
    type: str
    how: str
    time: datetime
    stale: datetime | None
    lat: float | None
    lon: float | None
    ce: float | None
    callsign: str
    course: float | None
    speed: float | None
    remarks: str
    chat: Chat | None
    detail: Element | None


def parse(document: bytes) -> Cot:
    """One CoT event, or Refused: `hostile` for DTDs and entities, else `malformed`."""
    return _read(_root(document))


def _root(document: bytes) -> Element:
    """The document's root element, read safely.

    A DTD, and with it any entity, can only be declared behind `<!`. A document
    with none, no NUL byte (every UTF-16 or UTF-32 document has one: expat would
    detect those whatever it is told) and valid UTF-8 is read by the C parser
    told it is UTF-8, so the `<!` it would see is the one looked for here; an
    entity reference in it is undeclared, so malformed. Every CoT event is such a
    document. Any other (a DTD, a comment, CDATA, another encoding) is read by
    defusedxml, DTDs forbidden: refused as hostile before anything expands. The
    C parser takes under half defusedxml's time (whose parser is Python's).
    """
    try:
        if b"<!" not in document and b"\0" not in document and _utf8(document):
            parser = XMLParser(encoding="utf-8")
            parser.feed(document)
            root: Element = parser.close()
            return root
        return fromstring(document, forbid_dtd=True)
    except DefusedXmlException as error:
        raise Refused("hostile", f"refused XML: {type(error).__name__}") from None
    except (ParseError, ValueError) as error:
        raise Refused("malformed", f"not XML: {error}") from None


def _utf8(document: bytes) -> bool:
    try:
        document.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read(root: Element) -> Cot:
    if root.tag != "event":
        raise Refused("malformed", f"a <{root.tag}> where an <event> belongs")
    uid, kind = root.get("uid", ""), root.get("type", "")
    if not uid or not kind or len(uid) > 200 or len(kind) > 100:
        raise Refused("malformed", "an event needs a uid and a type")
    time = _time(root.get("time"))
    if time is None:
        raise Refused("malformed", "an event needs its time")
    point = root.find("point")
    lat = lon = ce = None
    if point is not None:
        lat, lon = _number(point.get("lat")), _number(point.get("lon"))
        ce = _number(point.get("ce"))
        if ce is not None and ce >= UNKNOWN:
            ce = None
    detail = root.find("detail")
    callsign, course, speed, remarks, chat = "", None, None, "", None
    if detail is not None:
        contact = detail.find("contact")
        if contact is not None:
            callsign = contact.get("callsign", "")
        track = detail.find("track")
        if track is not None:
            course, speed = _number(track.get("course")), _number(track.get("speed"))
        found = detail.find("remarks")
        remarks = "" if found is None else "".join(found.itertext())
        chat = _chat(detail, remarks)
    return Cot(
        uid=uid,
        type=kind,
        how=root.get("how", ""),
        time=time,
        stale=_time(root.get("stale")),
        lat=lat,
        lon=lon,
        ce=ce,
        callsign=callsign,
        course=course,
        speed=speed,
        remarks=remarks.strip(),
        chat=chat,
        detail=detail,
    )


def _chat(detail: Element, remarks: str) -> Chat | None:
    chat = detail.find("__chat")
    if chat is None:
        return None
    group = chat.find("chatgrp")
    room = chat.get("id") or ("" if group is None else group.get("id")) or ""
    # The sender's uid: ATAK's <link relation="p-p">, else the group's first uid.
    link = detail.find("link")
    sender = "" if link is None else link.get("uid", "")
    if not sender and group is not None:
        sender = group.get("uid0", "")
    return Chat(
        room=room, room_name=chat.get("chatroom", ""), sender=sender, text=remarks
    )


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:  # CoT's times are UTC, 'Z' or not
        moment = moment.replace(tzinfo=UTC)
    return moment


def stamp(moment: datetime) -> str:
    """A CoT time: UTC, milliseconds, 'Z'."""
    # isoformat ends in "+00:00" in UTC; strftime took twice as long.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def event(
    *,
    uid: str,
    type: str,
    time: datetime,
    stale: datetime,
    lat: float,
    lon: float,
    detail: str = "",
    how: str = "h-g-i-g-o",
    ce: float = UNKNOWN,
) -> bytes:
    """One CoT event; `detail` is the inner XML of <detail>, already escaped.

    Without an XML declaration, as TAK servers send them: a client that splits
    the stream at each `</event>` parses each piece as it is.
    """
    at = stamp(time)
    return (
        f"<event version='2.0' uid={quoteattr(uid)} type={quoteattr(type)} "
        f"how={quoteattr(how)} time='{at}' start='{at}' stale='{stamp(stale)}'>"
        f"<point lat='{lat:.7f}' lon='{lon:.7f}' hae='{UNKNOWN:.1f}' "
        f"ce='{ce:.1f}' le='{UNKNOWN:.1f}'/>"
        f"<detail>{detail}</detail></event>"
    ).encode()


def text(value: str) -> str:
    """Character data for a detail element, escaped."""
    return escape(value)


def attr(value: object) -> str:
    """An attribute value, quoted and escaped."""
    return quoteattr(str(value))
