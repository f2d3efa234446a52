"""What a linked ATAK device sends, as brigade takes it: chat and spot reports.

The samples are shaped as ATAK 4.10 sends them (tests/cot_samples): GeoChat in
the chat room of an incident's marker becomes a message on the incident, and a
spot marker dropped by a volunteer on shift reports an incident, once however
often the marker is sent again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from badinput import ready_volunteer
from conftest import Api, free_port, serving
from cotkit import Device, by_uid, metric, sample, stamp
from support import eventually

from domain.model.incident import Incident
from domain.types import Role
from gateway.settings import Settings
from gateway.tak.inbound import command_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

UID = "ANDROID-5f3c2a9be1d07c44"


@pytest.fixture
def tak(store_url: str, tmp_path: Path) -> Iterator[tuple[Api, int]]:
    port = free_port()
    settings = Settings(
        database_url=store_url, data_dir=tmp_path / "data", secret="test", cot_port=port
    )
    with serving(settings) as api:
        yield api, port


def messages(api: Api, incident_id: str) -> list[str]:
    assert api.app is not None
    store = api.app.state.runtime.brigade.repository.event_store
    return [
        e.text
        for e in store.get(UUID(incident_id))
        if isinstance(e, Incident.MessagePosted)
    ]


def board(api: Api) -> dict[str, Any]:
    rows: dict[str, Any] = api.http.get(
        "/views/board", headers=api.token(Role.COMMANDER)
    ).json()["rows"]
    return rows


def on_shift(api: Api, operation_id: str, name: str) -> str:
    """A volunteer fit for duty, on shift in this operation."""
    vid = ready_volunteer(api, name)
    api.commander("EndShift", volunteer_id=vid)
    api.commander("StartShift", volunteer_id=vid, operation_id=operation_id)
    return vid


def linked_on_shift(api: Api) -> str:
    """An operation (its id), and Xu Ming on shift in it, her device (UID) linked."""
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = str(operation["result"]["operation_id"])
    vid = on_shift(api, operation_id, "Xu Ming")
    api.commander("LinkDevice", device_uid=UID, volunteer_id=vid)
    return operation_id


def test_geochat_in_an_incidents_room_is_a_message_on_it(tak: tuple[Api, int]) -> None:
    api, port = tak
    operation = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    operation_id = operation["result"]["operation_id"]
    incident_id = api.commander(
        "ReportIncident",
        operation_id=operation_id,
        kind="flood",
        lat=24.91,
        lon=118.59,
        severity=4,
        address="Jiangnan St",
    )["result"]["incident_id"]
    vid = ready_volunteer(api, "Xu Ming")
    api.commander("DispatchVolunteer", incident_id=incident_id, volunteer_id=vid)
    api.commander("LinkDevice", device_uid=UID, volunteer_id=vid)
    api.position()  # the link in the views the bridge reads
    room = f"brigade.incident.{incident_id}"
    with Device(port) as device:
        # The incident's marker names the chat room a device answers in.
        marker = device.read_until(lambda events: by_uid(events, room))[-1]
        chat = marker.find("detail/__chat")
        assert chat is not None and chat.get("id") == room
        now = datetime.now(UTC)
        device.send(sample("atak_geochat", now, room=room))
        device.send(sample("atak_geochat", now, room=room))  # a resend: once
        device.send(sample("atak_geochat", now, room="All Chat Rooms"))
        eventually(lambda: len(messages(api, incident_id)) == 1)
    text = messages(api, incident_id)[0]
    assert text == "Water at knee height, two elderly residents on the second floor"


def test_a_spot_marker_from_a_volunteer_on_shift_reports_an_incident(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    operation_id = linked_on_shift(api)
    api.position()  # the link in the views the bridge reads
    incident_id = str(command_id("incident", "9a0b6c0e-54f1-4a0f-8c1b-2f3e4d5c6b7a"))
    with Device(port) as device:
        now = datetime.now(UTC)
        device.send(sample("atak_spot", now))
        # Moved on the map a minute later: the same marker, not a new incident.
        device.send(sample("atak_spot", now + timedelta(seconds=60)))
        marker = f"brigade.incident.{incident_id}"
        events = device.read_until(lambda events: by_uid(events, marker))
        assert by_uid(events, marker)[-1].get("type") == "a-h-G"  # severity 4
    rows = board(api)
    assert list(rows) == [incident_id]
    row = rows[incident_id]
    assert (row["kind"], row["severity"], row["address"]) == (
        "flood",
        4,
        "Xiamen Rd underpass",
    )
    assert row["operation_id"] == operation_id


def test_the_emergency_button_puts_an_sos_on_top_of_the_board_once(
    tak: tuple[Api, int],
) -> None:
    """ATAK's 911 Alert, sent again while it lasts, is one SOS incident; the
    cancel is said on it and leaves it to the duty officer; a later alert, once
    that one is resolved, is a new one."""
    api, port = tak
    operation_id = linked_on_shift(api)
    api.position()  # the link in the views the bridge reads
    pressed = datetime.now(UTC) - timedelta(seconds=30)
    with Device(port) as device:
        device.send(sample("atak_emergency", pressed, start=stamp(pressed)))
        eventually(lambda: len(board(api)) == 1)
        # ATAK sends it again every few seconds, and one version restarts the
        # start time; and the same message heard again through a TAK server.
        later = pressed + timedelta(seconds=10)
        device.send(sample("atak_emergency", later, start=stamp(pressed)))
        device.send(sample("atak_emergency", later, start=stamp(later)))
        device.send(sample("atak_emergency", pressed, start=stamp(pressed)))
        eventually(lambda: metric(api, "brigade_cot_messages_total", "sos_open") == 3)
        (incident_id, row), *others = board(api).items()
        assert others == []
        assert (row["kind"], row["severity"], row["status"]) == ("other", 5, "reported")
        assert row["description"] == (
            f"SOS: 911 Alert from a volunteer's TAK device [{UID}]"
        )
        assert (row["lat"], row["lon"]) == (24.906153, 118.5902114)
        assert row["operation_id"] == operation_id
        # Every TAK client sees it, at the top severity's type.
        marker = f"brigade.incident.{incident_id}"
        events = device.read_until(lambda events: by_uid(events, marker))
        assert by_uid(events, marker)[-1].get("type") == "a-h-G"

        cancelled = pressed + timedelta(seconds=20)
        device.send(sample("atak_emergency_cancel", cancelled))
        device.send(sample("atak_emergency_cancel", cancelled))  # heard twice
        eventually(lambda: len(messages(api, incident_id)) == 1)
        assert messages(api, incident_id) == [
            "SOS cancelled on the device / 已在设备上取消求救"
        ]
        assert board(api)[incident_id]["status"] == "reported"  # still theirs to judge

        api.commander("ResolveIncident", incident_id=incident_id, outcome="safe")
        api.position()
        again = pressed + timedelta(seconds=25)
        device.send(sample("atak_emergency", again, start=stamp(again)))
        eventually(lambda: len(board(api)) == 2)
    # Two alerts and a cancel taken; the cancel heard twice took effect once.
    assert metric(api, "brigade_cot_messages_total", "accepted") == 3
    assert metric(api, "brigade_cot_messages_total", "replayed") == 1


def test_an_sos_from_a_device_nobody_linked_is_counted_and_not_stored(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    before = api.position()
    with Device(port) as device:
        device.send(sample("atak_emergency", start=stamp(datetime.now(UTC))))
        eventually(lambda: metric(api, "brigade_cot_messages_total", "unlinked") == 1)
    assert api.position() == before


def test_a_report_worded_as_someones_sos_does_not_swallow_their_alert(
    tak: tuple[Api, int],
) -> None:
    api, port = tak
    operation_id = linked_on_shift(api)
    # Another volunteer's report, worded as Xu Ming's device's SOS: the board
    # marks it SOS (a volunteer's, "SOS:"), but it is not hers.
    lin = on_shift(api, operation_id, "Lin Hui")
    answer = api.send(
        "ReportIncident",
        api.token(Role.VOLUNTEER, lin),
        operation_id=operation_id,
        kind="other",
        lat=24.9,
        lon=118.6,
        severity=1,
        description=f"SOS: 911 Alert from a volunteer's TAK device [{UID}]",
    )
    assert answer.status_code == 200, answer.text
    forged = answer.json()["result"]["incident_id"]
    api.position()
    assert board(api)[forged]["sos"] is True
    with Device(port) as device:
        device.send(sample("atak_emergency", start=stamp(datetime.now(UTC))))
        eventually(lambda: len(board(api)) == 2)
    (sos,) = [row for key, row in board(api).items() if key != forged]
    assert (sos["severity"], sos["lat"]) == (5, 24.906153)
