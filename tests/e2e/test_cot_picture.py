"""Brigade's live picture as a TAK client sees it: markers, volunteers, routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from badinput import ready_volunteer
from conftest import Api, free_port, serving
from cotkit import Device, by_uid, report_position, sample

from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from xml.etree.ElementTree import Element

UID = "ANDROID-5f3c2a9be1d07c44"


@pytest.fixture
def tak(store_url: str, tmp_path: Path) -> Iterator[tuple[Api, int]]:
    port = free_port()
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test", cot_port=port
    )
    with serving(settings) as api:
        yield api, port


def when(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def stale(event: Element) -> bool:
    """Whether a TAK client drops this marker as soon as it reads it."""
    return when(event.get("stale")) <= when(event.get("time"))


def test_an_incident_is_a_marker_until_it_is_resolved(tak: tuple[Api, int]) -> None:
    api, port = tak
    operation_id = api.commander("OpenOperation", name="Doksuri", kind="typhoon")[
        "result"
    ]["operation_id"]
    incident_id = api.commander(
        "ReportIncident",
        operation_id=operation_id,
        kind="trapped_persons",
        lat=24.962,
        lon=118.635,
        severity=5,
        address="Heshi village",
    )["result"]["incident_id"]
    uid = f"brigade.incident.{incident_id}"
    with Device(port) as device:
        marker = device.read_until(lambda events: by_uid(events, uid))[-1]
        assert marker.get("type") == "a-h-G"
        assert not stale(marker)
        remarks = marker.findtext("detail/remarks") or ""
        assert "trapped_persons" in remarks and "severity 5" in remarks
        contact = marker.find("detail/contact")
        assert contact is not None
        assert contact.get("callsign") == "trapped persons 5 Heshi village"
        api.commander(
            "AssessIncident", incident_id=incident_id, summary="less", severity=3
        )
        events = device.read_until(lambda events: len(by_uid(events, uid)) >= 2)
        assert by_uid(events, uid)[-1].get("type") == "a-u-G"
        api.commander("ResolveIncident", incident_id=incident_id, outcome="safe")
        events = device.read_until(lambda events: len(by_uid(events, uid)) >= 3)
        assert stale(by_uid(events, uid)[-1])
    # A device joining later is not told of what is over.
    with Device(port) as late:
        late.send(sample("atak_ping", datetime.now(UTC)))
        events = late.read_until(lambda events: by_uid(events, "takPong"))
        assert not by_uid(events, uid)


def test_volunteers_on_shift_and_their_routes(tak: tuple[Api, int]) -> None:
    api, port = tak
    operation_id = api.commander("OpenOperation", name="Doksuri", kind="typhoon")[
        "result"
    ]["operation_id"]
    incident_id = api.commander(
        "ReportIncident",
        operation_id=operation_id,
        kind="flood",
        lat=24.91,
        lon=118.6,
        severity=3,
    )["result"]["incident_id"]
    vid = ready_volunteer(api, "Xu Ming")
    api.commander("LinkDevice", device_uid=UID, volunteer_id=vid)
    api.position()  # the link in the views the bridge reads
    api.commander("DispatchVolunteer", incident_id=incident_id, volunteer_id=vid)
    path = [[118.59, 24.913], [118.595, 24.911], [118.6, 24.91]]
    api.commander("GuideRoute", incident_id=incident_id, path=path, note="via bridge")
    me = f"brigade.volunteer.{vid}"
    route = f"brigade.route.{incident_id}.1"
    with Device(port) as device, Device(port) as tablet:
        device.send(sample("atak_position", datetime.now(UTC)))
        # Another TAK client (the fire brigade's tablet) sees the volunteer.
        events = tablet.read_until(
            lambda events: by_uid(events, me) and by_uid(events, route)
        )
        person = by_uid(events, me)[-1]
        assert person.get("type") == "a-f-G-U-C"
        contact = person.find("detail/contact")
        assert contact is not None and contact.get("callsign") == "Xu Ming"
        assert "dispatched" in (person.findtext("detail/remarks") or "")
        track = person.find("detail/track")
        assert track is not None and float(track.get("course", 0)) == 131.4
        line = by_uid(events, route)[-1]
        assert line.get("type") == "u-d-f"
        points = [link.get("point") for link in line.findall("detail/link")]
        assert points == [f"{lat:.7f},{lon:.7f}" for lon, lat in path]
        # The volunteer's own ATAK draws itself: brigade's marker of them is
        # withdrawn there, and their position changes are not sent to it.
        mine = device.read_until(lambda events: by_uid(events, f"{me}.delete"))
        withdrawn = by_uid(mine, f"{me}.delete")[-1]
        assert withdrawn.get("type") == "t-x-d-d"
        link = withdrawn.find("detail/link")
        assert link is not None and link.get("uid") == me
        heard = len(mine)
        device.send(sample("atak_position", datetime.now(UTC)))
        api.commander(
            "ReleaseVolunteer", incident_id=incident_id, volunteer_id=vid, reason="x"
        )
        api.commander("EndShift", volunteer_id=vid)
        events = tablet.read_until(lambda events: stale(by_uid(events, me)[-1]))
        # The tablet has seen the end of the shift; the device saw none of it.
        device.send(sample("atak_ping", datetime.now(UTC)))
        mine = device.read_until(lambda events: by_uid(events[heard:], "takPong"))
        assert not by_uid(mine[heard:], me)


def test_a_device_joining_sees_every_volunteer_but_its_own(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    ids = [ready_volunteer(api, name) for name in ("Xu Ming", "Lin Hui")]
    api.commander("LinkDevice", device_uid=UID, volunteer_id=ids[0])
    for vid in ids:
        report_position(api, vid, 24.9, 118.6)
    api.position()
    others = [f"brigade.volunteer.{vid}" for vid in ids]
    with Device(port) as device:
        # Joining, it is sent the picture as it stands: it has not yet said who it is.
        device.read_until(lambda events: all(by_uid(events, uid) for uid in others))
        device.send(sample("atak_position", datetime.now(UTC)))
        device.read_until(lambda events: by_uid(events, f"{others[0]}.delete"))
        heard = len(device.events)
        for vid in ids:
            report_position(api, vid, 24.8, 118.7)
        events = device.read_until(lambda events: by_uid(events[heard:], others[1]))
        assert not by_uid(events[heard:], others[0])
