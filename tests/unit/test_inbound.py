"""What the bridge makes of CoT on its own: which command, with which id, or none."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from cotkit import position, sample

from domain import commands as c
from gateway.tak.cot import parse
from gateway.tak.inbound import Inbound

AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
UID = "ANDROID-5f3c2a9be1d07c44"


class Rows:
    def __init__(self, rows: dict[str, Any]) -> None:
        self.rows = rows


def inbound(volunteer: str, operation: str | None = None) -> Inbound:
    return Inbound(
        {
            "devices": Rows({UID: {"uid": UID, "volunteer_id": volunteer}}),
            "roster": Rows({volunteer: {"operation_id": operation}}),
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
