"""Outside CAP alerts in: read within bounds, without entities, as a warning's command.

A weather service's alert (a file, or fetched from a URL) becomes `IssueWarning`
(msgType Alert), `UpdateWarning` or `CancelWarning` (Update and Cancel, of the
warning taken in from an alert they reference) in one operation, its source
(sender, identifier, sent) kept. The command's id is derived from the alert, so
the same alert taken in twice takes effect once; its field time is the alert's
`sent`. Hostile XML is refused before anything is built from it: no DTD, no
entity, no external reference (defusedxml), at most MAX_BYTES and MAX_ELEMENTS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from domain import commands as c

if TYPE_CHECKING:
    from collections.abc import Callable
    from xml.etree.ElementTree import Element

    from domain.types import LonLat

MAX_BYTES = 512 * 1024
MAX_ELEMENTS = 5_000
FETCH_SECONDS = 10.0
NAMESPACES = (
    "urn:oasis:names:tc:emergency:cap:1.2",
    "urn:oasis:names:tc:emergency:cap:1.1",
)
_IDS = uuid5(NAMESPACE_URL, "https://brigade.invalid/cap")


class Refused(Exception):
    """An alert brigade will not take in: an HTTP status, a stable code, and why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Alert:
    """What an outside alert says, as a warning's fields."""

    sender: str
    identifier: str
    sent: datetime
    msg_type: str
    references: list[tuple[str, str]]  # (sender, identifier) of earlier alerts
    note: str
    fields: dict[str, Any]

    @property
    def source(self) -> dict[str, str]:
        return {
            "sender": self.sender,
            "identifier": self.identifier,
            "sent": self.sent.isoformat(),
        }

    @property
    def command_id(self) -> UUID:
        return uuid5(_IDS, f"{self.sender}\n{self.identifier}\n{self.sent}")


def read(data: bytes) -> Alert:
    """The alert in a document, or Refused saying why not."""
    if len(data) > MAX_BYTES:
        raise Refused(413, "cap_too_large", f"an alert is at most {MAX_BYTES} bytes")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as hostile:
        raise Refused(
            422,
            "cap_forbidden_xml",
            "no DTD, entity or external reference is taken in "
            f"({type(hostile).__name__})",
        ) from None
    except ParseError as error:
        raise Refused(422, "cap_malformed", f"not well-formed XML: {error}") from None
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise Refused(
            413, "cap_too_large", f"an alert has at most {MAX_ELEMENTS} elements"
        )
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in NAMESPACES or root.tag != f"{{{namespace}}}alert":
        raise Refused(422, "cap_not_alert", "the document is not a CAP 1.2 <alert>")
    try:
        return _alert(root, namespace)
    except (ValueError, IndexError) as error:
        raise Refused(422, "cap_not_alert", f"not a usable alert: {error}") from None


def _alert(root: Element, ns: str) -> Alert:
    def text(parent: Element, tag: str, required: bool = True) -> str:
        found = parent.findtext(f"{{{ns}}}{tag}")
        if found is None or not found.strip():
            if required:
                raise ValueError(f"<{tag}> is missing")
            return ""
        return found.strip()

    status = text(root, "status")
    if status != "Actual":
        raise Refused(
            422, "cap_not_actual", f"only Actual alerts are taken in: {status}"
        )
    msg_type = text(root, "msgType")
    if msg_type not in ("Alert", "Update", "Cancel"):
        raise Refused(422, "cap_not_alert", f"msgType {msg_type} is not a warning")
    references = [
        (sender, identifier)
        for sender, identifier, *_ in (
            item.split(",") for item in text(root, "references", False).split()
        )
    ]
    infos: dict[str, Element] = {}
    for info in root.findall(f"{{{ns}}}info"):
        language = (text(info, "language", False) or "en-US").lower()
        key = "zh" if language.startswith("zh") else "en"
        if language.startswith(("zh", "en")):
            infos.setdefault(key, info)
    if not infos and msg_type != "Cancel":
        raise ValueError("no <info> in Chinese or English")
    return Alert(
        sender=text(root, "sender"),
        identifier=text(root, "identifier"),
        sent=datetime.fromisoformat(text(root, "sent")),
        msg_type=msg_type,
        references=references,
        note=text(root, "note", False),
        fields=_fields(infos, text, ns) if infos else {},
    )


def _fields(infos: dict[str, Element], text: Any, ns: str) -> dict[str, Any]:
    main = infos.get("zh", infos.get("en"))
    assert main is not None
    onset = text(main, "onset", False) or text(main, "effective", False)
    expires = text(main, "expires", False)
    if not expires:
        raise ValueError("<expires> is missing: brigade's warnings end")
    areas = main.findall(f"{{{ns}}}area")
    polygon: list[LonLat] | None = None
    circle: list[float] | None = None
    for area in areas:
        shape = text(area, "polygon", False)
        if shape and polygon is None and circle is None:
            polygon = [_lon_lat(pair) for pair in shape.split()]
        disc = text(area, "circle", False)
        if disc and polygon is None and circle is None:
            centre, radius = disc.split()
            circle = [*_lon_lat(centre), float(radius)]
    return {
        "event": text(main, "event"),
        "category": text(main, "category"),
        "urgency": text(main, "urgency"),
        "severity": text(main, "severity"),
        "certainty": text(main, "certainty"),
        "area_desc": "; ".join(text(a, "areaDesc") for a in areas) or "",
        "polygon": polygon,
        "circle": circle,
        "headline": _by_language(infos, "headline", text),
        "description": _by_language(infos, "description", text),
        "instruction": _by_language(infos, "instruction", text),
        "onset": datetime.fromisoformat(onset) if onset else None,
        "expiry": datetime.fromisoformat(expires),
    }


def _by_language(infos: dict[str, Element], tag: str, text: Any) -> dict[str, str]:
    found = {lang: text(info, tag, False) for lang, info in infos.items()}
    return {lang: words for lang, words in found.items() if words}


def _lon_lat(pair: str) -> LonLat:
    """CAP's "lat,lon" as GeoJSON's [lon, lat]."""
    lat, lon = pair.split(",")
    return [float(lon), float(lat)]


def command(
    alert: Alert,
    operation_id: UUID,
    *,
    actor: c.Actor,
    known: Callable[[str, str], str | None],
    area: list[float] | None,
) -> c.Command:
    """The command that takes the alert in as a warning of the operation.

    `known(sender, identifier)` names the warning an earlier alert was taken in as;
    `area` is the operation's [west, south, east, north], the warning's area when
    the alert names its area by codes alone.
    """
    envelope: dict[str, Any] = {
        "command_id": alert.command_id,
        "actor": actor,
        "occurred_at": alert.sent,
        "source": alert.source,
    }
    earlier = next(
        (found for s, i in alert.references if (found := known(s, i)) is not None),
        None,
    )
    if alert.msg_type == "Cancel":
        if earlier is None:
            raise Refused(
                404,
                "cap_unknown_reference",
                "this Cancel names no alert taken in here",
            )
        return c.CancelWarning(warning_id=UUID(earlier), reason=alert.note, **envelope)
    fields: dict[str, Any] = dict(alert.fields)
    if fields["polygon"] is None and fields["circle"] is None:
        if area is None:
            raise Refused(
                422,
                "cap_no_area",
                "the alert has no polygon or circle and the operation no area",
            )
        west, south, east, north = area
        fields["polygon"] = [
            [west, south], [east, south], [east, north], [west, north], [west, south]
        ]  # fmt: skip
    if earlier is not None:
        # An outside update says it all again: a language it leaves out goes.
        for name in ("headline", "description", "instruction"):
            fields[name] = {"zh": "", "en": "", **fields[name]}
        return c.UpdateWarning(warning_id=UUID(earlier), **fields, **envelope)
    # An Update whose original never reached us is taken in as a new warning.
    return c.IssueWarning(operation_id=operation_id, **fields, **envelope)


def fetch(url: str) -> bytes:
    """An alert's document from an http(s) URL, within MAX_BYTES and FETCH_SECONDS."""
    if not url.startswith(("http://", "https://")):
        raise Refused(422, "cap_fetch_failed", "an alert's URL is http:// or https://")
    try:
        with (
            httpx.Client(timeout=FETCH_SECONDS, follow_redirects=True) as client,
            client.stream("GET", url) as answer,
        ):
            if answer.status_code != 200:
                raise Refused(
                    502, "cap_fetch_failed", f"{url} answered {answer.status_code}"
                )
            chunks, size = [], 0
            for chunk in answer.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise Refused(
                        413, "cap_too_large", f"an alert is at most {MAX_BYTES} bytes"
                    )
                chunks.append(chunk)
    except httpx.HTTPError as error:
        raise Refused(502, "cap_fetch_failed", f"{url}: {error}") from None
    return b"".join(chunks)
