"""Warnings as CAP 1.2 alerts (one `<info>` per language) and an Atom feed of them.

Written from the warnings view's rows (`projections/warnings.py`): a row as it
stood at a revision is that revision's alert, so an alert reads the same later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from projections.warnings import SENDER

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.base import Row

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"
ATOM_TYPE = "application/atom+xml"
# RFC 5646 tags of the languages a warning is written in.
TAGS = {"zh": "zh-CN", "en": "en-US"}
SENDER_NAME = {
    "zh": "泉州市洛江区消防安全志愿服务队",
    "en": "Luojiang fire safety volunteer brigade, Quanzhou",
}

# In the feed Atom is the default namespace and alerts are `cap:`; an alert on
# its own is written with CAP as the default namespace.
ET.register_namespace("cap", CAP)
ET.register_namespace("", ATOM)


def cap_time(text: str) -> str:
    """An ISO time as CAP writes it: seconds, no fraction, a numeric offset."""
    moment = datetime.fromisoformat(text).replace(microsecond=0)
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    child = ET.SubElement(parent, f"{{{CAP}}}{tag}")
    if text is not None:
        child.text = text
    return child


def alert_element(row: Row, *, sender: str = SENDER) -> ET.Element:
    """The alert a row's latest revision is (msgType Alert, Update or Cancel)."""
    *earlier, this = row["alerts"]
    root = ET.Element(f"{{{CAP}}}alert")
    _add(root, "identifier", this["identifier"])
    _add(root, "sender", sender)
    _add(root, "sent", cap_time(this["sent"]))
    _add(root, "status", "Actual")
    _add(root, "msgType", this["msg_type"])
    _add(root, "scope", "Public")
    note = _note(row, this["msg_type"])
    if note:
        _add(root, "note", note)
    if earlier:
        _add(
            root,
            "references",
            " ".join(
                f"{sender},{a['identifier']},{cap_time(a['sent'])}" for a in earlier
            ),
        )
    _add(root, "incidents", row["id"])
    for language in TAGS:
        if any(row[field].get(language) for field in ("headline", "instruction")):
            _info(root, row, language)
    return root


def _note(row: Row, msg_type: str) -> str:
    parts = []
    if msg_type == "Cancel":
        parts.append(row["reason"] or "warning lifted")
    source = row.get("source")
    if source:
        parts.append(
            f"taken in from {source['sender']}: {source['identifier']} "
            f"sent {source['sent']}"
        )
    return "; ".join(parts)


def _said(texts: dict[str, str], language: str) -> str:
    """The text in this language, else in the other (a block is never left bare)."""
    other = "en" if language == "zh" else "zh"
    return texts.get(language) or texts.get(other) or ""


def _info(root: ET.Element, row: Row, language: str) -> None:
    info = _add(root, "info")
    _add(info, "language", TAGS[language])
    _add(info, "category", row["category"])
    _add(info, "event", row["event"])
    for field in ("urgency", "severity", "certainty"):
        _add(info, field, row[field])
    _add(info, "effective", cap_time(row["alerts"][0]["sent"]))
    if row["onset"]:
        _add(info, "onset", cap_time(row["onset"]))
    _add(info, "expires", cap_time(row["expiry"]))
    _add(info, "senderName", SENDER_NAME[language])
    _add(info, "headline", _said(row["headline"], language))
    for field in ("description", "instruction"):
        text = _said(row[field], language)
        if text:
            _add(info, field, text)
    for name, value in (("level", row["level"]), ("warning_id", row["id"])):
        parameter = _add(info, "parameter")
        _add(parameter, "valueName", name)
        _add(parameter, "value", value)
    area = _add(info, "area")
    _add(area, "areaDesc", row["area_desc"])
    if row["polygon"]:
        # CAP writes "lat,lon" pairs, the first repeated last.
        _add(area, "polygon", " ".join(f"{lat},{lon}" for lon, lat in row["polygon"]))
    if row["circle"]:
        lon, lat, radius = row["circle"]
        _add(area, "circle", f"{lat},{lon} {radius}")


def alert_xml(row: Row, *, sender: str = SENDER) -> bytes:
    """The alert as a UTF-8 document."""
    return _document(alert_element(row, sender=sender), CAP)


def _document(root: ET.Element, namespace: str | None = None) -> bytes:
    ET.indent(root)
    written: bytes = ET.tostring(
        root, encoding="utf-8", xml_declaration=True, default_namespace=namespace
    )
    return written


def feed_xml(rows: Iterable[Row], *, base: str, sender: str = SENDER) -> bytes:
    """An Atom feed of these warnings' latest alerts, each embedded whole."""
    entries = list(rows)
    atom = f"{{{ATOM}}}"
    feed = ET.Element(f"{atom}feed")
    ET.SubElement(feed, f"{atom}id").text = f"{base}/cap/feed.atom"
    ET.SubElement(feed, f"{atom}title").text = "brigade: risk warnings 风险预警"
    latest = max((r["alerts"][-1]["sent"] for r in entries), default=None)
    updated = cap_time(latest) if latest else "2000-01-01T00:00:00+00:00"
    ET.SubElement(feed, f"{atom}updated").text = updated
    ET.SubElement(
        feed, f"{atom}link", rel="self", href=f"{base}/cap/feed.atom", type=ATOM_TYPE
    )
    ET.SubElement(ET.SubElement(feed, f"{atom}author"), f"{atom}name").text = sender
    for row in entries:
        this = row["alerts"][-1]
        entry = ET.SubElement(feed, f"{atom}entry")
        href = f"{base}/cap/{this['identifier']}.xml"
        ET.SubElement(entry, f"{atom}id").text = href
        ET.SubElement(entry, f"{atom}title").text = " / ".join(
            row["headline"][lang] for lang in TAGS if row["headline"].get(lang)
        )
        ET.SubElement(entry, f"{atom}updated").text = cap_time(this["sent"])
        ET.SubElement(entry, f"{atom}link", rel="alternate", href=href, type=CAP_TYPE)
        ET.SubElement(entry, f"{atom}summary").text = _summary(row)
        content = ET.SubElement(entry, f"{atom}content", type="text/xml")
        content.append(alert_element(row, sender=sender))
    return _document(feed)


def _summary(row: Row) -> str:
    return (
        f"{row['event']} · {row['severity']} ({row['level']}) · {row['area_desc']} "
        f"· until {cap_time(row['expiry'])}"
    )


def references(row: Row, *, sender: str = SENDER) -> list[dict[str, Any]]:
    """The alerts a row's latest alert replaces, as CAP names them."""
    return [
        {"sender": sender, "identifier": a["identifier"], "sent": cap_time(a["sent"])}
        for a in row["alerts"][:-1]
    ]
