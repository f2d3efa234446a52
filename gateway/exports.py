"""An operation's map for GIS tools: RFC 7946 GeoJSON and KML 2.2, the same content.

Incidents (points), volunteers' tracks, guided routes and cleared roads (lines)
from the live map view, and the warnings standing (polygons) from the warnings
view, as they stood at a moment or now. Both are made from the same `Picture`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from projections.base import copy_row
from projections.catalog import belongs
from projections.warnings import current

if TYPE_CHECKING:
    from collections.abc import Mapping

    from projections.base import Row

KML = "http://www.opengis.net/kml/2.2"
KML_TYPE = "application/vnd.google-earth.kml+xml"
GEOJSON_TYPE = "application/geo+json"
LAYERS = ("incident", "track", "route", "road")
ET.register_namespace("", KML)

# KML colours are aabbggrr. Severity 1 to 5 as on the command centre's map.
SEVERITY = {1: "5fb35f", 2: "b6c93a", 3: "f5c242", 4: "f08a24", 5: "e5393b"}
LEVEL = {"blue": "3d7bff", "yellow": "f5c242", "orange": "f08a24", "red": "e5393b"}
LINES = {"track": "cfd8e3", "route": "4fb3ff", "road": "3ecf6a"}
FOLDERS = {
    "incident": "Incidents 警情",
    "track": "Tracks 轨迹",
    "route": "Routes 引导路线",
    "road": "Roads cleared 已清障道路",
    "warning": "Warnings 预警",
}


@dataclass(frozen=True)
class Picture:
    """One operation's map at a moment: features by layer, and the warnings."""

    operation_id: str
    name: str
    position: int
    as_of: str | None
    features: list[Row]
    warnings: list[Row]

    @classmethod
    def of(
        cls,
        operation_id: str,
        views: Mapping[str, Mapping[str, Row]],
        position: int,
        as_of: str | None,
    ) -> Picture:
        """From the rows of the map, warnings and operations views."""
        names = {
            key: row["properties"].get("name")
            for key, row in views["map"].items()
            if row["properties"].get("layer") == "volunteer"
        }
        features = []
        for row in views["map"].values():
            props = row["properties"]
            if props.get("layer") not in LAYERS or not belongs(row, operation_id):
                continue
            if props.get("operation_id") != operation_id:
                continue  # an off-duty volunteer's track is in no operation's map
            feature = copy_row(row)
            if props["layer"] == "track":
                who = names.get(f"volunteer:{props.get('volunteer_id')}")
                feature["properties"]["name"] = who
            features.append(feature)
        features.sort(key=lambda f: (LAYERS.index(f["properties"]["layer"]), f["id"]))
        operation = views["operations"].get(operation_id) or {}
        warnings = [
            copy_row(r) for r in current(views["warnings"].values(), operation_id)
        ]
        return cls(
            operation_id,
            operation.get("name") or operation_id,
            position,
            as_of,
            features,
            warnings,
        )


def geojson(picture: Picture) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection; the moment as foreign members."""
    features = list(picture.features)
    for row in picture.warnings:
        features.append(
            {
                "type": "Feature",
                "id": f"warning:{row['id']}",
                "geometry": row["geometry"],
                "properties": {
                    "layer": "warning",
                    "operation_id": row["operation_id"],
                    **{k: row[k] for k in _WARNING_FIELDS},
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "operation_id": picture.operation_id,
        "name": picture.name,
        "position": picture.position,
        "as_of": picture.as_of,
    }


_WARNING_FIELDS = (
    "event", "severity", "urgency", "certainty", "level", "area_desc", "headline",
    "instruction", "onset", "expiry", "status",
)  # fmt: skip


def _add(
    parent: ET.Element, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    child = ET.SubElement(parent, f"{{{KML}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def _colour(rgb: str, alpha: str = "ff") -> str:
    return f"{alpha}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _styles(document: ET.Element) -> None:
    for severity, rgb in SEVERITY.items():
        style = _add(document, "Style", id=f"incident-{severity}")
        icon = _add(style, "IconStyle")
        _add(icon, "color", _colour(rgb))
        _add(icon, "scale", str(0.8 + 0.1 * severity))
    for layer, rgb in LINES.items():
        line = _add(_add(document, "Style", id=layer), "LineStyle")
        _add(line, "color", _colour(rgb, "cc"))
        _add(line, "width", {"track": "2", "route": "4", "road": "5"}[layer])
    for level, rgb in LEVEL.items():
        style = _add(document, "Style", id=f"warning-{level}")
        line = _add(style, "LineStyle")
        _add(line, "color", _colour(rgb))
        _add(line, "width", "2")
        _add(_add(style, "PolyStyle"), "color", _colour(rgb, "33"))


def _coordinates(points: list[list[float]]) -> str:
    return " ".join(f"{lon},{lat}" for lon, lat, *_ in points)


def _data(placemark: ET.Element, values: dict[str, Any]) -> None:
    extended = _add(placemark, "ExtendedData")
    for name, value in values.items():
        if value is None or isinstance(value, dict | list):
            continue
        _add(_add(extended, "Data", name=name), "value", str(value))


def _feature(folder: ET.Element, row: Row) -> None:
    props = row["properties"]
    layer = props["layer"]
    placemark = _add(folder, "Placemark", id=row["id"].replace(":", "-"))
    if layer == "incident":
        name = f"{props['kind']} · {props.get('address') or ''}".strip(" ·")
        _add(placemark, "name", name)
        _add(
            placemark, "description", f"severity {props['severity']}, {props['status']}"
        )
        _add(placemark, "styleUrl", f"#incident-{props['severity']}")
    else:
        _add(placemark, "name", props.get("note") or props.get("name") or layer)
        _add(placemark, "styleUrl", f"#{layer}")
    _data(placemark, props)
    geometry = row["geometry"]
    if geometry["type"] == "Point":
        _add(
            _add(placemark, "Point"),
            "coordinates",
            _coordinates([geometry["coordinates"]]),
        )
    else:
        line = _add(placemark, "LineString")
        _add(line, "tessellate", "1")
        _add(line, "coordinates", _coordinates(geometry["coordinates"]))


def _warning(folder: ET.Element, row: Row) -> None:
    placemark = _add(folder, "Placemark", id=f"warning-{row['id']}")
    headline = row["headline"]
    _add(
        placemark,
        "name",
        " / ".join(headline[k] for k in ("zh", "en") if k in headline),
    )
    words = [row["instruction"].get(k) for k in ("zh", "en")]
    _add(placemark, "description", "\n".join(w for w in words if w))
    span = _add(placemark, "TimeSpan")
    if row["onset"]:
        _add(span, "begin", row["onset"])
    _add(span, "end", row["expiry"])
    _add(placemark, "styleUrl", f"#warning-{row['level']}")
    _data(placemark, {"layer": "warning", **{k: row[k] for k in _WARNING_FIELDS}})
    polygon = _add(placemark, "Polygon")
    _add(polygon, "tessellate", "1")
    outer = _add(_add(polygon, "outerBoundaryIs"), "LinearRing")
    _add(outer, "coordinates", _coordinates(row["geometry"]["coordinates"][0]))


def kml(picture: Picture) -> bytes:
    """A KML 2.2 document: a style per severity, line and warning level; a folder
    per layer."""
    root = ET.Element(f"{{{KML}}}kml")
    document = _add(root, "Document", id=f"operation-{picture.operation_id}")
    _add(document, "name", picture.name)
    moment = f"position {picture.position}" + (
        f", field time {picture.as_of}" if picture.as_of else ""
    )
    _add(document, "description", f"brigade: the operation's map at {moment}")
    _styles(document)
    folders: dict[str, ET.Element] = {}
    for layer, title in FOLDERS.items():
        folders[layer] = _add(document, "Folder", id=f"folder-{layer}")
        _add(folders[layer], "name", title)
    for row in picture.features:
        _feature(folders[row["properties"]["layer"]], row)
    for row in picture.warnings:
        _warning(folders["warning"], row)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written
