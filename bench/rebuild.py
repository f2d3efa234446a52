"""`brigade bench rebuild`: how fast the views rebuild, beside eventsourcing's raw read.

Fills a fresh store with a realistic operation (bench/workload.py) through the
write path, then, in one run, measures the raw catch-up read rate (notifications
selected and decoded to events, as eventsourcing's followers do) and the rate at
which all views rebuild from the same store (read, decode and fold).
"""

from __future__ import annotations

import json
import tempfile
import time
from concurrent.futures import wait
from pathlib import Path

from bench.workload import operation
from domain.application import Brigade
from domain.store.config import store_env
from domain.write import CommandWriter
from projections.rebuild import PAGE, rebuild


def fill(brigade: Brigade, events: int) -> None:
    writer = CommandWriter(brigade)
    try:
        chunk = []
        for command in operation(events):
            chunk.append(writer.submit(command))
            if len(chunk) == 2000:
                wait(chunk)
                chunk = []
        wait(chunk)
    finally:
        writer.close()


def raw_read(brigade: Brigade) -> int:
    """Read and decode every event, as a catch-up subscription does."""
    count, position = 0, 0
    while True:
        notifications = brigade.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False
        )
        if not notifications:
            return count
        for n in notifications:
            brigade.mapper.to_domain_event(n)
        count += len(notifications)
        position = notifications[-1].id


def run(*, quick: bool) -> int:
    target = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        brigade = Brigade(env=store_env(None, Path(tmp)))
        started = time.perf_counter()
        fill(brigade, target)
        events = brigade.recorder.max_notification_id() or 0
        print(f"filled {events} events in {time.perf_counter() - started:.1f} s")
        # Alternate the two, three times each, and keep each one's best: this
        # machine is noisy, and a pair measured side by side shares its noise.
        raw_times, rebuild_times = [], []
        for _ in range(3):
            t = time.perf_counter()
            read = raw_read(brigade)
            raw_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            views = rebuild(brigade)
            rebuild_times.append(time.perf_counter() - t)
        brigade.close()
    raw_seconds, rebuild_seconds = min(raw_times), min(rebuild_times)
    print("raw read runs (s):", " ".join(f"{x:.2f}" for x in raw_times))
    print("rebuild runs (s): ", " ".join(f"{x:.2f}" for x in rebuild_times))
    assert read == events and all(v.position == events for v in views.values())
    raw_eps, rebuild_eps = events / raw_seconds, events / rebuild_seconds
    print(
        f"{'raw read and decode':<24}{raw_seconds:>8.2f} s {raw_eps:>12,.0f} events/s"
    )
    name = "rebuild all six views"
    print(f"{name:<24}{rebuild_seconds:>8.2f} s {rebuild_eps:>12,.0f} events/s")
    ratio = rebuild_eps / raw_eps
    print(f"ratio {ratio:.2f} (target >= 0.5)")
    print(
        json.dumps(
            {
                "events": events,
                "raw_read_eps": round(raw_eps),
                "rebuild_eps": round(rebuild_eps),
                "ratio": round(ratio, 3),
                "quick": quick,
            }
        )
    )
    return 0
