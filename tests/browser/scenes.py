"""Stories for the browser tests: stores filled before a server starts, and commands
sent to a running one as the command centre's people would."""

from __future__ import annotations

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import commands as c
from domain.ids import uuid7
from domain.types import Role
from gateway.bootstrap import Runtime
from projections.rebuild import rebuild
from replay.sim import Params, Simulation
from replay.sim.drive import WriterSink, play
from replay.sim.morning import CST, morning

if TYPE_CHECKING:
    from conftest import Api

    from gateway.settings import Settings

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SOON = 1_000  # ms: "within a second"
# ms: a position report is held for the views' one-second window, then goes out
# within a second like any change.
HELD = SOON + 1_000


def play_morning(settings: Settings) -> tuple[str, dict[str, tuple[int, datetime]]]:
    """The scripted Doksuri morning, written to the store: its operation's id and
    the position and field time each step reached, by what the step says."""
    runtime = Runtime.open(settings)
    try:
        steps = list(morning())
        reached = {}
        for step in steps:
            outcome = runtime.writer.execute(step.command)
            position = outcome.positions[-1] if outcome.positions else -1
            reached[step.says] = (position, step.command.occurred_at)
    finally:
        runtime.close()
    operation = steps[0].command.operation_id  # type: ignore[attr-defined]
    return str(operation), reached


def open_operation(api: Api) -> str:
    result = api.commander("OpenOperation", name="Doksuri", kind="typhoon")
    return str(result["result"]["operation_id"])


def report(api: Api, operation: str, kind: str = "flood", **fields: Any) -> str:
    fields = {"lat": 24.95, "lon": 118.61, "severity": 4, **fields}
    result = api.commander(
        "ReportIncident", operation_id=operation, kind=kind, **fields
    )
    return str(result["result"]["incident_id"])


def volunteer(
    api: Api, operation: str, name: str, courses: list[str], lat: float, lon: float
) -> str:
    """A vetted, insured volunteer on shift at a place, with these courses passed."""
    vid = api.commander(
        "RegisterVolunteer", name=name, contact="+86 595 0000", domains=["water_rescue"]
    )["result"]["volunteer_id"]
    api.commander("DecideVetting", volunteer_id=vid, approved=True)
    for course in courses:
        api.commander(
            "RecordCourse", volunteer_id=vid, course=course, passed=True, score=90
        )
    until = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    api.commander("RecordInsurance", volunteer_id=vid, policy="PICC", valid_until=until)
    me = api.token(Role.VOLUNTEER, vid)
    for command, body in (
        ("StartShift", {"operation_id": operation}),
        ("ReportPosition", {"lat": lat, "lon": lon}),
    ):
        response = api.send(command, me, volunteer_id=vid, **body)
        assert response.status_code == 200, response.text
    return str(vid)


def written_while_down(
    settings: Settings, operation: str, n: int, *, checkpoint: bool = False
) -> list[str]:
    """Incidents reported straight into the store while no server runs.

    With `checkpoint`, the views are then rebuilt and saved at the new head, so a
    restarted server keeps no history from before it: a client must start afresh.
    """
    runtime = Runtime.open(settings)
    try:
        outcomes = [
            runtime.writer.execute(
                c.ReportIncident(
                    command_id=uuid7(),
                    actor=c.Actor(Role.COMMANDER, "duty-officer"),
                    occurred_at=datetime.now(UTC),
                    operation_id=UUID(operation),
                    kind="flood",
                    lat=24.95,
                    lon=118.61,
                    severity=3,
                    address=f"while down {i}",
                )
            )
            for i in range(n)
        ]
        if checkpoint:
            rebuild(runtime.brigade, runtime.brigade.checkpoints)
    finally:
        runtime.close()
    return [str(outcome.result["incident_id"]) for outcome in outcomes]


LANDFALL_EVENING = datetime(2023, 7, 28, 18, 40, tzinfo=CST)
NOON = datetime(2023, 7, 28, 12, 0, tzinfo=CST)


def simulate_doksuri(settings: Settings, until: datetime) -> tuple[str, list[datetime]]:
    """The simulated operation written to the store up to a field time: its id and
    when each of its incidents was reported."""
    simulation = Simulation(Params(volunteers=60).scaled(0.1).quick())
    stream = list(
        itertools.takewhile(lambda p: p.command.occurred_at < until, simulation)
    )
    reported = [
        p.command.occurred_at
        for p in stream
        if isinstance(p.command, c.ReportIncident)
        and p.command.operation_id == simulation.doksuri
    ]
    runtime = Runtime.open(settings)
    try:
        sink = WriterSink(runtime.writer, runtime.blobs.put)
        # Playwright's own event loop runs in this thread: the simulation gets one.
        with ThreadPoolExecutor(1) as thread:
            tally = thread.submit(asyncio.run, play(stream, sink)).result()
        assert tally.ok, tally.examples
    finally:
        runtime.close()
    return str(simulation.doksuri), reported
