"""`brigade bench latency`: from a command's call to its delta reaching a consumer.

Sends 1,000 commands a second (incident updates from the field, which the views
publish at once; volunteers' positions are coalesced by design and left out)
through the write path, with a follower woken on commit and a consumer listening
to the deltas. Every latency is measured from just before the send to the moment
the consumer holds the first change stamped with that command's position. The
baseline, from the same sends: the moment the sender holds its durable ack, the
write path alone, which a view's delta cannot much beat.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from bench.workload import COMMANDER
from domain import commands as c
from domain.application import Brigade
from domain.ids import uuid7
from domain.store.config import store_env
from domain.write import CommandWriter
from projections.follower import Follower
from projections.stream import StreamRelay

if TYPE_CHECKING:
    from projections.base import Change

RATE = 1_000


def run(
    *, quick: bool, database_url: str | None = None, redis_url: str | None = None
) -> int:
    seconds = 5.0 if quick else 20.0
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        brigade = Brigade(env=store_env(database_url, Path(tmp)))
        mode = "embedded" if database_url is None else "postgres"
        writer = CommandWriter(brigade)
        follower = Follower(brigade)
        relay = None
        if redis_url is not None:
            mode += "+redis"
            relay = StreamRelay(follower, redis_url, stream=f"brigade:bench:{uuid7()}")
            relay.start()
        follower.start()
        writer.on_events(follower.offer)
        arrived: dict[int, float] = {}
        lock = threading.Lock()

        def consumer(changes: list[Change]) -> None:
            now = time.perf_counter()
            with lock:
                for change in changes:
                    arrived.setdefault(change.position, now)

        follower.deltas.listen(consumer)
        try:
            incidents = setup(writer)
            sent = asyncio.run(drive(writer, incidents, seconds))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with lock:
                    if all(p in arrived for _, _, p in sent):
                        break
                time.sleep(0.05)
        finally:
            follower.stop()
            writer.close()
            if relay is not None:
                print(f"redis: {relay.published} entries published")
                relay.client.delete(relay.stream)
                relay.stop()
            brigade.close()
    latencies = sorted((arrived[p] - t0) * 1000 for t0, _, p in sent if p in arrived)
    acks = sorted((acked - t0) * 1000 for t0, acked, _ in sent)
    missing = len(sent) - len(latencies)
    p50, p99 = statistics.median(latencies), _p99(latencies)
    ack_p50, ack_p99 = statistics.median(acks), _p99(acks)
    print(
        f"{len(sent)} commands at {RATE}/s for {seconds:g} s ({mode}); "
        f"{missing} deltas never arrived"
    )
    worst = latencies[-1]
    print(
        f"baseline, command to durable ack: p50 {ack_p50:.2f} ms, "
        f"p99 {ack_p99:.2f} ms, max {acks[-1]:.2f} ms"
    )
    print(f"command to delta: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms")
    target = 20 if mode == "embedded" else 50
    print(f"target: p99 <= {target} ms")
    print(
        json.dumps(
            {
                "p50_ms": round(p50, 2),
                "p99_ms": round(p99, 2),
                "ack_p50_ms": round(ack_p50, 2),
                "ack_p99_ms": round(ack_p99, 2),
                "mode": mode,
                "commands": len(sent),
                "missing": missing,
                "quick": quick,
            }
        )
    )
    return 0 if missing == 0 else 1


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def setup(writer: CommandWriter) -> list[UUID]:
    now = datetime.now(UTC)
    operation = writer.execute(
        c.OpenOperation(
            command_id=uuid7(),
            actor=COMMANDER,
            occurred_at=now,
            name="latency",
            kind="drill",
        )
    ).result["operation_id"]
    incidents = []
    for n in range(20):
        outcome = writer.execute(
            c.ReportIncident(
                command_id=uuid7(),
                actor=COMMANDER,
                occurred_at=now,
                operation_id=UUID(operation),
                kind="other",
                lat=24.9 + n / 1000,
                lon=118.6,
                severity=2,
            )
        )
        incidents.append(UUID(outcome.result["incident_id"]))
    return incidents


async def drive(
    writer: CommandWriter, incidents: list[UUID], seconds: float
) -> list[tuple[float, float, int]]:
    """Send RATE commands a second; (send time, ack time, position) per command."""
    sent: list[tuple[float, float, int]] = []
    tasks: set[asyncio.Task[None]] = set()

    async def one(n: int) -> None:
        command = c.PostMessage(
            command_id=uuid7(),
            actor=COMMANDER,
            occurred_at=datetime.now(UTC) - timedelta(seconds=1),
            incident_id=incidents[n % len(incidents)],
            text=f"update {n}",
        )
        t0 = time.perf_counter()
        outcome = await writer.send(command)
        acked = time.perf_counter()
        assert outcome.position is not None, outcome
        sent.append((t0, acked, outcome.position))

    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < seconds:
        due = int((time.perf_counter() - start) * RATE)
        while n < due:
            task = asyncio.create_task(one(n))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            n += 1
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks)
    return sent
