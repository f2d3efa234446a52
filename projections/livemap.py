"""Live map: RFC 7946 GeoJSON of incidents, volunteers, routes, roads, hazards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.incident import Incident
from domain.model.premises import Premises
from domain.model.volunteer import Volunteer
from domain.privacy import ERASED
from domain.types import HazardState, IncidentStatus
from projections.base import Row, View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

TRACK_POINTS = 10


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def feature(key: str, geometry: dict[str, Any], **properties: Any) -> Row:
    return {
        "type": "Feature",
        "id": key,
        "geometry": geometry,
        "properties": properties,
    }


class LiveMap(View):
    """Features by id; `collection(operation_id)` is the map of one operation.

    Volunteers belong to the operation of their current shift; a volunteer's track
    tail is a LineString of their last positions (`track:<id>`).
    """

    name = "map"

    def __init__(self) -> None:
        super().__init__()
        self._incident_operation: dict[str, str] = {}
        self._volunteer_operation: dict[str, str | None] = {}
        self._volunteers: dict[str, dict[str, Any]] = {}
        self._tracks: dict[str, list[list[float]]] = {}
        self._premises: dict[str, tuple[float, float, str]] = {}
        self._counts: dict[str, int] = {}

    def collection(self, operation_id: str) -> dict[str, Any]:
        features = [
            row
            for row in self.rows.values()
            if row["properties"].get("operation_id") == operation_id
        ]
        return {"type": "FeatureCollection", "features": features}

    @handles(Incident.Reported)
    def _reported(self, e: Incident.Reported) -> Iterable[str]:
        key = f"incident:{e.originator_id}"
        self._incident_operation[str(e.originator_id)] = str(e.operation_id)
        self.rows[key] = feature(
            key,
            point(e.lon, e.lat),
            layer="incident",
            operation_id=str(e.operation_id),
            kind=e.kind,
            severity=e.severity,
            status=IncidentStatus.REPORTED.value,
            address=e.address,
            images=[],
        )
        return [key]

    def _incident(self, e: Any) -> Row:
        return self.rows[f"incident:{e.originator_id}"]

    @handles(Incident.Assessed)
    def _assessed(self, e: Incident.Assessed) -> Iterable[str]:
        if e.severity is None:
            return []
        self._incident(e)["properties"]["severity"] = e.severity
        return [f"incident:{e.originator_id}"]

    @handles(Incident.Resolved, Incident.Closed)
    def _ended(self, e: Incident.Event) -> Iterable[str]:
        status = (
            IncidentStatus.CLOSED
            if isinstance(e, Incident.Closed)
            else IncidentStatus.RESOLVED
        )
        self._incident(e)["properties"]["status"] = status.value
        return [f"incident:{e.originator_id}"]

    @handles(Incident.RouteGuided, Incident.RoadCleared)
    def _line(self, e: Incident.RouteGuided | Incident.RoadCleared) -> Iterable[str]:
        layer = "route" if isinstance(e, Incident.RouteGuided) else "road"
        base = f"{layer}:{e.originator_id}"
        n = self._counts[base] = self._counts.get(base, 0) + 1
        key = f"{base}:{n}"
        self.rows[key] = feature(
            key,
            {"type": "LineString", "coordinates": [list(p) for p in e.path]},
            layer=layer,
            operation_id=self._incident_operation[str(e.originator_id)],
            incident_id=str(e.originator_id),
            note=e.note,
            at=iso(e.occurred_at),
        )
        return [key]

    @handles(Incident.ImageUploaded)
    def _image(self, e: Incident.ImageUploaded) -> Iterable[str]:
        keys = [f"incident:{e.originator_id}"]
        self._incident(e)["properties"]["images"].append(e.sha256)
        if e.lat is not None and e.lon is not None:
            key = f"image:{e.sha256}"
            self.rows[key] = feature(
                key,
                point(e.lon, e.lat),
                layer="image",
                operation_id=self._incident_operation[str(e.originator_id)],
                incident_id=str(e.originator_id),
                media_type=e.media_type,
                caption=e.caption,
            )
            keys.append(key)
        return keys

    @handles(Volunteer.Registered)
    def _registered(self, e: Volunteer.Registered) -> Iterable[str]:
        self._volunteers[str(e.originator_id)] = {
            "layer": "volunteer",
            "name": e.name,
            "status": "off_duty",
            "operation_id": None,
            "incident_id": None,
        }
        return []

    @handles(Volunteer.ShiftStarted, Volunteer.ShiftEnded)
    def _shift(self, e: Volunteer.ShiftStarted | Volunteer.ShiftEnded) -> Iterable[str]:
        if isinstance(e, Volunteer.ShiftStarted):
            operation = None if e.operation_id is None else str(e.operation_id)
            return self._volunteer(
                e.originator_id, status="available", operation_id=operation
            )
        return self._volunteer(e.originator_id, status="off_duty", operation_id=None)

    @handles(Volunteer.Assigned)
    def _assigned(self, e: Volunteer.Assigned) -> Iterable[str]:
        return self._volunteer(
            e.originator_id, status="dispatched", incident_id=str(e.incident_id)
        )

    @handles(Volunteer.Released)
    def _released(self, e: Volunteer.Released) -> Iterable[str]:
        props = self._volunteers[str(e.originator_id)]
        status = "off_duty" if props["operation_id"] is None else "available"
        return self._volunteer(e.originator_id, status=status, incident_id=None)

    @handles(Incident.VolunteerArrived)
    def _arrived(self, e: Incident.VolunteerArrived) -> Iterable[str]:
        keys = self._volunteer(e.volunteer_id, status="on_scene")
        self._incident(e)["properties"]["status"] = IncidentStatus.ON_SCENE.value
        return [*keys, f"incident:{e.originator_id}"]

    @handles(Incident.VolunteerDispatched)
    def _dispatched(self, e: Incident.VolunteerDispatched) -> Iterable[str]:
        incident = self._incident(e)["properties"]
        if incident["status"] == IncidentStatus.REPORTED:
            incident["status"] = IncidentStatus.DISPATCHED.value
            return [f"incident:{e.originator_id}"]
        return []

    @handles(Volunteer.PersonErased)
    def _erased(self, e: Volunteer.PersonErased) -> Iterable[str]:
        if key(e.originator_id) not in self._volunteers:
            return []
        return self._volunteer(e.originator_id, name=ERASED)

    @handles(Volunteer.PositionReported)
    def _position(self, e: Volunteer.PositionReported) -> Iterable[str]:
        vid = key(e.originator_id)
        props = self._volunteers[vid]
        props["at"] = iso(e.occurred_at)
        props["heading"] = e.heading
        props["speed"] = e.speed
        coordinates = self._tracks.setdefault(vid, [])
        coordinates.append([e.lon, e.lat])
        if len(coordinates) > TRACK_POINTS:
            del coordinates[0]
        return self._volunteer(e.originator_id)

    def _volunteer(self, volunteer_id: UUID, **changes: Any) -> list[str]:
        """Update a volunteer's properties; redraw their point and track if placed.

        The rows share the properties and the track's coordinates with this view's
        own state, so a position report touches two lists, not two new features.
        """
        vid = key(volunteer_id)
        props = self._volunteers.get(vid)
        if props is None:
            return []
        props.update(changes)
        coordinates = self._tracks.get(vid)
        if not coordinates:
            return []
        point_key, track_key = f"volunteer:{vid}", f"track:{vid}"
        row = self.rows.get(point_key)
        if row is None:
            self.rows[point_key] = {
                "type": "Feature",
                "id": point_key,
                "geometry": point(*coordinates[-1]),
                "properties": props,
            }
        else:
            row["geometry"]["coordinates"] = list(coordinates[-1])
        if len(coordinates) < 2:  # RFC 7946: a LineString has two positions or more
            return [point_key]
        track = self.rows.get(track_key)
        if track is None:
            self.rows[track_key] = feature(
                track_key,
                {"type": "LineString", "coordinates": coordinates},
                layer="track",
                operation_id=props["operation_id"],
                volunteer_id=vid,
            )
        else:
            track["properties"]["operation_id"] = props["operation_id"]
        return [point_key, track_key]

    @handles(Premises.Registered)
    def _premises_registered(self, e: Premises.Registered) -> Iterable[str]:
        self._premises[str(e.originator_id)] = (e.lon, e.lat, e.name)
        return []

    @handles(Premises.HazardFound)
    def _hazard(self, e: Premises.HazardFound) -> Iterable[str]:
        lon, lat, name = self._premises[str(e.originator_id)]
        key = f"hazard:{e.hazard_id}"
        self.rows[key] = feature(
            key,
            point(lon, lat),
            layer="hazard",
            operation_id=str(e.operation_id),
            premises=name,
            kind=e.kind,
            severity=e.severity,
            state=HazardState.FOUND.value,
        )
        return [key]

    @handles(
        Premises.RectificationOrdered,
        Premises.SelfCheckSubmitted,
        Premises.Rectified,
        Premises.Reinspected,
    )
    def _hazard_step(self, e: Any) -> Iterable[str]:
        key = f"hazard:{e.hazard_id}"
        state = {
            Premises.RectificationOrdered: HazardState.ORDERED,
            Premises.SelfCheckSubmitted: HazardState.SELF_CHECKED,
            Premises.Rectified: HazardState.RECTIFIED,
        }.get(type(e))
        if state is None:
            state = (
                HazardState.VERIFIED if e.passed else HazardState.REINSPECTION_FAILED
            )
        self.rows[key]["properties"]["state"] = state.value
        return [key]

    @handles(Premises.HazardClosed)
    def _hazard_closed(self, e: Premises.HazardClosed) -> Iterable[str]:
        # The map shows open hazards only.
        key = f"hazard:{e.hazard_id}"
        self.rows.pop(key, None)
        return [key]
