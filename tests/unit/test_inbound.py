"""What the bridge makes of CoT on its own: which command, with which id, or none."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from cotkit import position, sample, stamp

from domain import commands as c
from gateway.tak.cot import parse
from gateway.tak.inbound import Inbound

AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
UID = "ANDROID-5f3c2a9be1d07c44"


class Rows:
    def __init__(self, rows: dict[str, Any]) -> None:
        self.rows = rows


def inbound(
    volunteer: str,
    operation: str | None = None,
    incidents: dict[str, tuple[str, str, str]] | None = None,
) -> Inbound:
    """A bridge's reading of the views; `incidents`: id → (status, description,
    reporter) of rows the board marked SOS."""
    incidents = incidents or {}
    return Inbound(
        {
            "devices": Rows({UID: {"uid": UID, "volunteer_id": volunteer}}),
            "roster": Rows({volunteer: {"operation_id": operation}}),
            "board": Rows(
                {
                    key: {"id": key, "status": status, "description": text, "sos": True}
                    for key, (status, text, _) in incidents.items()
                }
            ),
            "timeline": Rows(
                {
                    key: {"entries": [{"what": "reported", "actor": who}]}
                    for key, (_, _, who) in incidents.items()
                }
            ),
        }
    )


def test_a_position_is_the_linked_volunteers_with_an_id_of_uid_and_time() -> None:
    volunteer = str(uuid4())
    hear = inbound(volunteer).command
    first = hear(parse(sample("atak_position", AT)))
    assert isinstance(first, c.ReportPosition)
    assert str(first.volunteer_id) == volunteer
    assert first.actor.name == f"volunteer:{volunteer}"
    assert (first.lat, first.lon, first.heading, first.speed) == (
        24.9134021,
        118.5893387,
        131.4,
        1.38,
    )
    assert first.accuracy is None
    again = hear(parse(sample("atak_position", AT)))
    assert isinstance(again, c.ReportPosition)
    assert again.command_id == first.command_id
    later = hear(parse(sample("atak_position", AT.replace(second=1))))
    assert isinstance(later, c.ReportPosition)
    assert later.command_id != first.command_id


def test_what_brigade_does_not_take_says_why() -> None:
    hear = inbound(str(uuid4())).command
    assert hear(parse(position("ANDROID-unknown", AT))) == "unlinked"
    assert hear(parse(sample("atak_ping", AT))) == "ignored"
    assert hear(parse(sample("atak_geochat", AT, room="All Chat Rooms"))) == "ignored"
    assert hear(parse(sample("atak_spot", AT))) == "off_shift"


def test_a_spot_marker_reads_kind_and_severity_from_its_remarks() -> None:
    operation = str(uuid4())
    found = inbound(str(uuid4()), operation).command(parse(sample("atak_spot", AT)))
    assert isinstance(found, c.ReportIncident)
    assert (found.kind, found.severity, str(found.operation_id)) == (
        "flood",
        4,
        operation,
    )
    assert found.address == "Xiamen Rd underpass"


def test_an_sos_is_one_incident_while_it_is_open() -> None:
    volunteer, operation = str(uuid4()), str(uuid4())
    alert = parse(sample("atak_emergency", AT, start=stamp(AT)))
    sos = inbound(volunteer, operation).command(alert)
    assert isinstance(sos, c.ReportIncident)
    assert (sos.kind, sos.severity, sos.address) == ("other", 5, "LJ-Rescue-07-Alert")
    assert sos.actor.name == f"volunteer:{volunteer}"
    assert sos.description == f"SOS: 911 Alert from a volunteer's TAK device [{UID}]"
    key = str(sos.incident_id)
    mine = f"volunteer:{volunteer}"
    for status, answer in [
        ("reported", "sos_open"),
        ("on_scene", "sos_open"),
        ("resolved", None),
    ]:
        found = inbound(
            volunteer, operation, {key: (status, sos.description, mine)}
        ).command(alert)
        if answer is None:  # resolved: a new alert is a new SOS
            assert isinstance(found, c.ReportIncident)
        else:
            assert found == answer
    cancel = parse(sample("atak_emergency_cancel", AT))
    said = inbound(
        volunteer, operation, {key: ("dispatched", sos.description, mine)}
    ).command(cancel)
    assert isinstance(said, c.PostMessage) and str(said.incident_id) == key
    assert inbound(volunteer, operation).command(cancel) == "ignored"
    someone_else = inbound(
        volunteer, operation, {key: ("reported", sos.description, "commander:x")}
    )
    assert isinstance(someone_else.command(alert), c.ReportIncident)
    assert inbound(volunteer).command(alert) == "off_shift"


def test_an_sos_without_a_link_element_is_its_uids_device() -> None:
    volunteer, operation = str(uuid4()), str(uuid4())
    bare = sample("atak_emergency", AT, start=stamp(AT)).replace(
        b"<link uid='ANDROID-5f3c2a9be1d07c44' type='a-f-G-U-C' relation='p-p'/>", b""
    )
    assert b"<link" not in bare
    found = inbound(volunteer, operation).command(parse(bare))
    assert isinstance(found, c.ReportIncident)
    assert str(found.actor.name) == f"volunteer:{volunteer}"
