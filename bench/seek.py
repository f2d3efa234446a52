"""`brigade bench seek`: the views at 50 random moments, beside a full rebuild.

Fills a fresh store with a realistic operation (bench/workload.py, as `bench
rebuild` does), rebuilds every view from the whole log once (the baseline: what
a moment would cost without seek points), makes the seek points, then times the
reconstruction of all six views at 50 random positions, each from the nearest
earlier seek point. Two of the moments, and the head, are checked against folds
from the start of the log, so a fast wrong answer cannot pass. Beside wall time it
reports each one's thread CPU time, which other work on a shared machine does not
inflate.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.rebuild import fill
from domain.application import Brigade
from domain.store.config import store_env
from projections.catalog import all_views
from projections.rebuild import fold_log, no_cyclic_gc, rebuild
from projections.stats import percentile
from replay.seekpoints import EVERY
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from projections.base import View

MOMENTS = 50


def snapshot(views: dict[str, View]) -> dict[str, object]:
    return {
        name: (view.position, view.as_of, view.rows) for name, view in views.items()
    }


def measure(
    brigade: Brigade, *, every: int = EVERY, seed: int = 5
) -> dict[str, object]:
    """Time the baseline, the seek points and the seeks on a filled store."""
    events = brigade.recorder.max_notification_id() or 0
    started, cpu = time.perf_counter(), time.thread_time()
    full = rebuild(brigade)
    full_ms = (time.perf_counter() - started) * 1000
    full_cpu_ms = (time.thread_time() - cpu) * 1000
    print(
        f"full rebuild of {events} events: {full_ms:,.0f} ms ({full_cpu_ms:,.0f} CPU)"
    )

    travel = TimeTravel(brigade, every=every)
    travel.index.drop()
    started = time.perf_counter()
    made = travel.index.extend()
    index_ms = (time.perf_counter() - started) * 1000
    print(f"{made} seek points (every {every} positions) made in {index_ms:,.0f} ms")

    rng = random.Random(seed)
    moments = [rng.randint(1, events) for _ in range(MOMENTS)]
    times, cpu_times, checked = [], [], 0
    for i, position in enumerate(moments):
        started, cpu = time.perf_counter(), time.thread_time()
        moment = travel.at_position(position)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.thread_time() - cpu) * 1000)
        if i < 2:  # the same moment folded from the start of the log
            expected = all_views()
            with no_cyclic_gc():
                fold_log(brigade, expected.values(), position)
            assert snapshot(moment.views) == snapshot(expected), position
            checked += 1
    assert snapshot(travel.at_position(events).views) == snapshot(full)
    times.sort()
    cpu_times.sort()
    print("seeks (ms):", " ".join(f"{t:.0f}" for t in times))
    print("their CPU (ms):", " ".join(f"{t:.0f}" for t in cpu_times))
    return {
        "events": events,
        "seek_p50_ms": round(percentile(times, 0.5) or 0.0, 1),
        "seek_p99_ms": round(percentile(times, 0.99) or 0.0, 1),
        "seek_max_ms": round(times[-1], 1),
        "full_rebuild_ms": round(full_ms),
        # Thread CPU time: what a shared machine's other work does not inflate.
        "seek_cpu_p50_ms": round(percentile(cpu_times, 0.5) or 0.0, 1),
        "seek_cpu_p99_ms": round(percentile(cpu_times, 0.99) or 0.0, 1),
        "full_rebuild_cpu_ms": round(full_cpu_ms),
        "index_build_ms": round(index_ms),
        "seek_points": len(travel.index.points),
        "seek_points_mb": round(travel.index.saved_bytes / 1e6, 1),
        "every": every,
        "checked_against_full_fold": checked + 1,
    }


def run(*, quick: bool) -> int:
    target = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        brigade = Brigade(env=store_env(None, Path(tmp)))
        try:
            started = time.perf_counter()
            fill(brigade, target)
            print(
                f"filled {brigade.recorder.max_notification_id()} events "
                f"in {time.perf_counter() - started:.1f} s"
            )
            result = measure(brigade)
        finally:
            brigade.close()
    target_ms = 200
    print(f"seek p99 {result['seek_p99_ms']} ms (target <= {target_ms} ms)")
    print(json.dumps({**result, "quick": quick}))
    return 0
