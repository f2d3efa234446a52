"""A writer killed mid-stream loses no acknowledged event; a retry after it is safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING
from uuid import UUID

from support import Scenario

from domain.application import Brigade
from domain.store.config import store_env
from domain.write import CommandWriter

if TYPE_CHECKING:
    from pathlib import Path

# A child process that streams position reports from 20 phones and prints each
# acknowledgement (command id and position) as soon as the write path gives it.
CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from uuid import UUID
    from domain import commands as c
    from domain.application import Brigade
    from domain.ids import uuid7
    from domain.store.config import store_env
    from domain.types import Role
    from domain.write import CommandWriter

    brigade = Brigade(env=store_env(None, Path(sys.argv[1])))
    writer = CommandWriter(brigade)
    vids = [UUID(v) for v in sys.argv[2:]]

    async def phone(vid):
        me = c.Actor(Role.VOLUNTEER, str(vid))
        while True:
            command = c.ReportPosition(
                command_id=uuid7(), actor=me, occurred_at=datetime.now(UTC),
                volunteer_id=vid, lat=24.9, lon=118.6,
            )
            outcome = await writer.send(command)
            print(command.command_id, outcome.position, flush=True)

    async def main():
        await asyncio.gather(*(phone(v) for v in vids))

    asyncio.run(main())
    """
)


def test_every_acknowledged_event_survives_a_kill(tmp_path: Path) -> None:
    """An ack is sent only after its transaction committed: SIGKILL loses none.

    A killed process leaves the operating system's page cache behind, so this
    cannot tell an fsync at commit (`synchronous=FULL`) from none (`NORMAL`):
    it proves "acknowledged only after commit", not that the commit reached
    the disk.
    """
    data = tmp_path / "data"
    brigade = Brigade(env=store_env(None, data))
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    vids = [story.registered(f"V{i}") for i in range(20)]
    writer.close()
    brigade.close()

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), *map(str, vids)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    acked: dict[UUID, int] = {}
    deadline = time.monotonic() + 30
    while len(acked) < 2000 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        command_id, position = line.split()
        acked[UUID(command_id)] = int(position)
    # Kill it hard, in the middle of writing: no chance to flush or close anything.
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    assert len(acked) >= 2000, "the child did not stream"

    reopened = Brigade(env=store_env(None, data))
    try:
        stored = {
            n.id
            for n in reopened.recorder.select_notifications(start=None, limit=10**7)
        }
        assert set(acked.values()) <= stored
        # and the command records came through with their events: a phone that
        # missed an ack and retries is answered from the record.
        sample = list(acked)[-50:]
        recorded = reopened.recorded_outcomes(sample)
        assert {k: o.position for k, o in recorded.items()} == {
            k: acked[k] for k in sample
        }
    finally:
        reopened.close()
