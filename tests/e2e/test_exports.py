"""The operation's map for GIS tools: the Doksuri morning with two warnings, as
RFC 7946 GeoJSON (checked by geojson-pydantic and shapely) and as KML read back by
fastkml with the same content, now and at a moment before the warnings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from conftest import serving
from fastkml import kml
from fastkml.containers import Document, Folder
from fastkml.features import Placemark
from geojson_pydantic import FeatureCollection
from shapely.geometry import Polygon, shape

from domain import commands as c
from domain.types import Role
from gateway.bootstrap import Runtime
from gateway.settings import Settings
from replay.sim.morning import COMMANDER, morning, uid

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Api

SQUARE = [[118.55, 24.9], [118.7, 24.9], [118.7, 25.0], [118.55, 25.0], [118.55, 24.9]]


def warned_morning(settings: Settings) -> tuple[str, int, datetime]:
    """The scripted morning, then a polygon and a circle warning: the operation, the
    position and field time before the warnings."""
    with Runtime.open(settings) as runtime:
        steps = list(morning())
        for step in steps:  # a refused dispatch among them, as scripted
            runtime.writer.execute(step.command)
        operation = steps[0].command.operation_id  # type: ignore[attr-defined]
        last = steps[-1].command.occurred_at
        for n in range(3):  # Chen Wei walks east: a track
            runtime.writer.execute(
                c.ReportPosition(
                    command_id=UUID(int=100 + n), actor=COMMANDER,
                    occurred_at=last + timedelta(minutes=n),
                    volunteer_id=uid("Chen Wei"), lat=24.95, lon=118.60 + n / 100,
                )
            )  # fmt: skip
        last += timedelta(minutes=2)
        before = runtime.brigade.recorder.max_notification_id() or 0
        areas: list[dict[str, Any]] = [
            {"polygon": SQUARE},
            {"circle": [118.61, 24.95, 3.0]},
        ]
        for n, area in enumerate(areas):
            warning = c.IssueWarning(
                command_id=UUID(int=n + 1), actor=COMMANDER,
                occurred_at=last + timedelta(minutes=5 + n), operation_id=operation,
                event="Flood", category="Met", urgency="Immediate", severity="Severe",
                certainty="Observed", area_desc="Shuangyang", **area,
                headline={"zh": "内涝橙色预警", "en": "Flood orange warning"},
                instruction={"en": "Keep off low roads"},
                expiry=last + timedelta(hours=6),
            )  # fmt: skip
            assert runtime.writer.execute(warning).rejection is None
    return str(operation), before, last


@pytest.fixture
def warned(tmp_path: Path) -> Any:
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    operation, before, last = warned_morning(settings)
    with serving(settings) as api:
        api.position()
        yield api, operation, before, last


def fetch(api: Api, operation: str, suffix: str, **query: Any) -> Any:
    answer = api.http.get(
        f"/operations/{operation}/map.{suffix}",
        params=query,
        headers=api.token(Role.OBSERVER),
    )
    assert answer.status_code == 200, answer.text
    return answer


def placemarks(document: bytes) -> dict[str, Placemark]:
    """Every placemark of a KML file, by its id, as fastkml reads it."""
    (root,) = kml.KML.from_string(document).features  # type: ignore[arg-type]
    assert isinstance(root, Document)
    found = {}
    for folder in root.features:
        assert isinstance(folder, Folder)
        for placemark in folder.features:
            assert isinstance(placemark, Placemark)
            found[str(placemark.id)] = placemark
    return found


def test_geojson_and_kml_carry_the_same_map(warned: Any) -> None:
    api, operation, _, _ = warned
    answer = fetch(api, operation, "geojson")
    assert answer.headers["content-type"].startswith("application/geo+json")
    collection = answer.json()
    FeatureCollection.model_validate(collection)
    layers = [f["properties"]["layer"] for f in collection["features"]]
    assert layers.count("incident") == 3 and layers.count("warning") == 2
    assert {"route", "road", "track"} <= set(layers)
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid, feature["id"]
        if isinstance(geometry, Polygon):  # RFC 7946: exterior counterclockwise
            assert geometry.exterior.is_ccw, feature["id"]
    circle = next(
        shape(f["geometry"]) for f in collection["features"]
        if f["properties"]["layer"] == "warning" and f["properties"]["area_desc"]
        and len(f["geometry"]["coordinates"][0]) > 5
    )  # fmt: skip
    # 3 km around Shuangyang: about 28 km² (a 64-gon of the circle).
    assert circle.centroid.x == pytest.approx(118.61, abs=1e-3)

    answer = fetch(api, operation, "kml")
    assert answer.headers["content-type"].startswith(
        "application/vnd.google-earth.kml+xml"
    )
    marks = placemarks(answer.content)
    assert len(marks) == len(collection["features"])
    for feature in collection["features"]:
        mark = marks[feature["id"].replace(":", "-")]
        ours = shape(feature["geometry"])
        theirs = shape(mark.geometry.__geo_interface__)  # type: ignore[union-attr,arg-type]
        assert theirs.equals_exact(ours, 1e-9), feature["id"]
        assert mark.style_url is not None
    warning = next(m for key, m in marks.items() if key.startswith("warning-"))
    assert warning.name == "内涝橙色预警 / Flood orange warning"
    assert str(warning.style_url.url) == "#warning-orange"  # type: ignore[union-attr]


def test_at_a_moment_before_the_warnings_neither_has_them(warned: Any) -> None:
    api, operation, before, last = warned
    by_position = fetch(api, operation, "geojson", at=str(before)).json()
    by_time = fetch(api, operation, "geojson", at=last.isoformat()).json()
    for collection in (by_position, by_time):
        layers = [f["properties"]["layer"] for f in collection["features"]]
        assert "warning" not in layers and layers.count("incident") == 3
    assert by_position["position"] == by_time["position"] == before
    marks = placemarks(fetch(api, operation, "kml", at=str(before)).content)
    assert not [m for m in marks if m.startswith("warning-")]
    assert len(marks) == len(by_position["features"])


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("map.geojson?at=yesterday", 422, "invalid_value"),
        ("map.kml?at=2023-07-28T10:00", 422, "invalid_value"),
        ("map.kml?at=99999999", 422, "invalid_value"),
    ],
)
def test_a_moment_that_cannot_be_is_refused(
    warned: Any, path: str, status: int, code: str
) -> None:
    api, operation, _, _ = warned
    answer = api.http.get(
        f"/operations/{operation}/{path}", headers=api.token(Role.OBSERVER)
    )
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_an_unknown_operation_has_no_map(warned: Any) -> None:
    api, _, _, _ = warned
    answer = api.http.get(
        "/operations/nothing/map.kml", headers=api.token(Role.OBSERVER)
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "operation_not_found")
