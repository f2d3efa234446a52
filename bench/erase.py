"""`brigade bench erase`: erasing one person in a 100,000-event log, and after.

Fills a fresh store with a realistic operation (bench/workload.py: 150
volunteers, mostly positions) through the write path, saves the views'
checkpoint, then in one run, alternating:

- erase one volunteer (`ErasePerson`: the fact, the key's tombstone and the
  saved views dropped in one transaction, then the key table scrubbed), beside
  a baseline command of one event through the same path (`ChangeGrade`);
- rebuild every view after the erasure (the checkpoint is gone, so this is what
  the next start pays), beside a rebuild of the same log before it;
- read and decode the whole log with the sealing mapper, beside eventsourcing's
  plain mapper on the same rows (what sealing costs every read).

Crypto-shredding touches one row whatever the log's length; rewriting the log
would touch every event of the person and every copy of the views.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid5

from eventsourcing.persistence import Mapper

from bench.rebuild import fill
from bench.workload import COMMANDER, NS, START
from domain import commands as c
from domain.application import Brigade
from domain.ids import uuid7
from domain.privacy import ERASED
from domain.store.config import store_env
from domain.write import CommandWriter
from projections import checkpoint
from projections.rebuild import PAGE, rebuild

ROUNDS = 5


def _timed(writer: CommandWriter, command: c.Command) -> float:
    started = time.perf_counter()
    outcome = writer.execute(command)
    took = time.perf_counter() - started
    assert outcome.accepted, outcome.rejection
    return took


def _command(kind: type[c.Command], at: int, **fields: Any) -> c.Command:
    return kind(
        command_id=uuid7(),
        actor=COMMANDER,
        occurred_at=START + timedelta(days=2, seconds=at),
        **fields,
    )


def _read(brigade: Brigade, mapper: Mapper[Any]) -> int:
    count, position = 0, 0
    while True:
        notifications = brigade.recorder.select_notifications(
            start=position, limit=PAGE, inclusive_of_start=False
        )
        if not notifications:
            return count
        for n in notifications:
            mapper.to_domain_event(n)
        count += len(notifications)
        position = notifications[-1].id


def run(*, quick: bool, database_url: str | None = None) -> int:
    target = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        brigade = Brigade(env=store_env(database_url, Path(tmp)))
        started = time.perf_counter()
        fill(brigade, target)
        events = brigade.recorder.max_notification_id() or 0
        print(f"filled {events} events in {time.perf_counter() - started:.1f} s")
        plain = Mapper[Any](brigade.mapper.transcoder)
        erase_s, baseline_s, rebuild_after_s, rebuild_before_s = [], [], [], []
        sealed_read_s: list[float] = []
        plain_read_s: list[float] = []
        writer = CommandWriter(brigade)
        try:
            for n in range(ROUNDS):
                # Volunteers of bench/workload.py's operation (seed 7).
                vid = uuid5(NS, f"volunteer-7-{n}")
                other = uuid5(NS, f"volunteer-7-{100 + n}")
                t = time.perf_counter()
                before = rebuild(brigade, brigade.checkpoints)
                rebuild_before_s.append(time.perf_counter() - t)
                assert brigade.checkpoints.select_checkpoint(checkpoint.NAME)
                baseline_s.append(
                    _timed(writer, _command(c.ChangeGrade, n, volunteer_id=other,
                                            grade="level_2"))
                )  # fmt: skip
                erase_s.append(
                    _timed(writer, _command(c.ErasePerson, n, person_id=vid))
                )
                t = time.perf_counter()
                after = rebuild(brigade, brigade.checkpoints)
                rebuild_after_s.append(time.perf_counter() - t)
                assert before["roster"].rows[str(vid)]["name"] != ERASED
                assert after["roster"].rows[str(vid)]["name"] == ERASED
                assert len(after["roster"].rows) == len(before["roster"].rows)
                # Each first in turn, so neither always reads a warmer cache.
                for mapper, times in sorted(
                    [(brigade.mapper, sealed_read_s), (plain, plain_read_s)],
                    key=lambda pair: (pair[0] is plain) == (n % 2 == 0),
                ):
                    t = time.perf_counter()
                    read = _read(brigade, mapper)
                    times.append(time.perf_counter() - t)
        finally:
            writer.close()
            brigade.close()
    return _print(
        events=events,
        read=read,
        erase_s=erase_s,
        baseline_s=baseline_s,
        rebuild_before_s=rebuild_before_s,
        rebuild_after_s=rebuild_after_s,
        sealed_read_s=sealed_read_s,
        plain_read_s=plain_read_s,
        quick=quick,
        store="sqlite" if database_url is None else "postgresql",
    )


def _print(**m: Any) -> int:
    # The best of each: this machine is shared, and noise only ever adds time.
    def best_ms(name: str) -> float:
        return float(min(m[name])) * 1000

    erase, baseline = best_ms("erase_s"), best_ms("baseline_s")
    after, before = best_ms("rebuild_after_s"), best_ms("rebuild_before_s")
    sealed, plain = min(m["sealed_read_s"]), min(m["plain_read_s"])
    print(f"erase one person      {erase:>9.1f} ms  (best of {ROUNDS})")
    print("runs (ms):", " ".join(f"{x * 1000:.1f}" for x in m["erase_s"]))
    print(f"baseline ChangeGrade  {baseline:>9.1f} ms  ratio {erase / baseline:.2f}")
    print(f"rebuild after erasure {after:>9.0f} ms")
    print(f"rebuild before        {before:>9.0f} ms  ratio {after / before:.2f}")
    print(
        f"read {m['read']} events: sealing mapper {sealed:.2f} s, plain {plain:.2f} s, "
        f"ratio {sealed / plain:.2f}"
    )
    print(
        json.dumps(
            {
                "store": m["store"],
                "events": m["events"],
                "erase_ms": round(erase, 2),
                "baseline_command_ms": round(baseline, 2),
                "erase_vs_baseline": round(erase / baseline, 2),
                "rebuild_after_ms": round(after),
                "rebuild_before_ms": round(before),
                "rebuild_after_vs_before": round(after / before, 3),
                "read_sealing_vs_plain": round(sealed / plain, 3),
                "quick": m["quick"],
            }
        )
    )
    return 0
