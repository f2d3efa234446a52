"""`brigade bench ingest`: durable events/s of three write paths, side by side.

1. raw sqlite3 `executemany` of rows of the same size, 500 per commit (the limit);
2. eventsourcing's plain save-per-command (one commit, one fsync, per command),
   with the same concurrent submitters as brigade (`naive_eps`, the like-for-like
   baseline) and, for context, from a single thread (`naive_single_eps`);
3. brigade's write path with concurrent submitters (group commit).

All three write a file on the same disk, in WAL mode with synchronous=FULL, and
the last line is one JSON object. Every acknowledged brigade event is checked
in the file after the writer has closed.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from eventsourcing.application import Application

from domain import commands as c
from domain.application import Brigade
from domain.ids import uuid7
from domain.model.base import Provenance
from domain.model.volunteer import Volunteer
from domain.store.config import store_env
from domain.types import Role
from domain.write import CommandWriter

ROWS_PER_COMMIT = 500


@dataclass
class Result:
    name: str
    events: int
    seconds: float

    @property
    def eps(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def run(*, quick: bool, submitters: int) -> int:
    seconds = 4.0 if quick else 20.0
    with tempfile.TemporaryDirectory(prefix="brigade-bench-", dir=Path.cwd()) as tmp:
        root = Path(tmp)
        sample = _sample_row(root / "sample")
        print(
            f"row: {len(sample[3])} bytes of state; {submitters} submitters; "
            f"{seconds:g} s per path; files in {root}"
        )
        raw = _raw_sqlite(root / "raw.sqlite3", sample, seconds)
        naive = _naive(root / "naive.sqlite3", submitters, seconds)
        single = _naive(root / "single.sqlite3", 1, seconds)
        ours, durable, batches = _brigade(root / "brigade", submitters, seconds)
    results = [raw, naive, single, ours]
    print(f"\n{'write path':<44}{'events':>10}{'seconds':>10}{'events/s':>12}")
    for r in results:
        print(f"{r.name:<44}{r.events:>10}{r.seconds:>10.2f}{r.eps:>12,.0f}")
    ratio = ours.eps / naive.eps if naive.eps else 0.0
    print(
        f"\nbrigade vs eventsourcing save-per-command: {ratio:.1f}x "
        f"(target >= 5); mean batch {ours.events / max(batches, 1):.1f} commands; "
        f"every acknowledged event durable: {durable}"
    )
    print(
        json.dumps(
            {
                "raw_sqlite_eps": round(raw.eps),
                "naive_eps": round(naive.eps),
                "naive_single_eps": round(single.eps),
                "brigade_eps": round(ours.eps),
                "ratio_vs_naive": round(ratio, 2),
                "submitters": submitters,
                "durable": durable,
                "synchronous": "FULL",
                "quick": quick,
            }
        )
    )
    return 0 if durable else 1


def _provenance() -> Provenance:
    return Provenance(occurred_at=datetime.now(UTC), actor="bench", command_id=uuid4())


def _sample_row(path: Path) -> tuple[str, int, str, bytes]:
    """A stored position report as brigade writes it, to size the raw rows."""
    path.mkdir()
    brigade = Brigade(env=store_env(None, path))
    volunteer = Volunteer.register(
        uuid4(), name="Sample", contact="x", community="", domains=[], p=_provenance()
    )
    volunteer.report_position(
        lat=24.9, lon=118.6, accuracy=8.0, heading=90.0, speed=1.2, p=_provenance()
    )
    stored = brigade.mapper.to_stored_event(volunteer.collect_events()[-1])
    brigade.close()
    return (
        str(stored.originator_id),
        stored.originator_version,
        stored.topic,
        stored.state,
    )


def _raw_sqlite(
    path: Path, sample: tuple[str, int, str, bytes], seconds: float
) -> Result:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    _, _, topic, state = sample
    written = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        originator = uuid4().hex
        rows = [(originator, v, topic, state) for v in range(1, ROWS_PER_COMMIT + 1)]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows)
        conn.execute("COMMIT")
        written += len(rows)
    elapsed = time.perf_counter() - started
    conn.close()
    return Result("raw sqlite3 executemany (500 rows/commit)", written, elapsed)


def _naive(path: Path, submitters: int, seconds: float) -> Result:
    env = store_env(f"sqlite:///{path}", path.parent)
    # eventsourcing's own SQLite module and recorder, with brigade's transcoder so
    # rows are the same size; one save (one commit) per command.
    env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    env["TRANSCODER_TOPIC"] = "domain.store.transcoder:MsgpackTranscoder"
    application: Application[UUID] = Application(env=env)
    synchronous = _pragma(application, "synchronous")
    count = [0] * submitters
    barrier = threading.Barrier(submitters + 1)
    deadline = [0.0]

    def submit(i: int) -> None:
        volunteer = Volunteer.register(
            uuid4(),
            name=f"V{i}",
            contact="x",
            community="",
            domains=[],
            p=_provenance(),
        )
        application.save(volunteer)
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            volunteer.report_position(
                lat=24.9,
                lon=118.6,
                accuracy=8.0,
                heading=90.0,
                speed=1.2,
                p=_provenance(),
            )
            application.save(volunteer)
            count[i] += 1

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(submitters)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds + 0.05
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    application.close()
    assert synchronous == 2, (
        f"eventsourcing's SQLite ran with synchronous={synchronous}"
    )
    how = "1 thread" if submitters == 1 else f"{submitters} threads"
    return Result(f"eventsourcing save per command ({how})", sum(count), elapsed)


def _pragma(application: Application[UUID], name: str) -> int:
    with application.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


def _brigade(path: Path, submitters: int, seconds: float) -> tuple[Result, bool, int]:
    path.mkdir()
    brigade = Brigade(env=store_env(None, path))
    writer = CommandWriter(brigade)
    actors = []
    for i in range(submitters):
        outcome = writer.execute(
            c.RegisterVolunteer(
                command_id=uuid7(),
                actor=c.Actor(Role.COMMANDER, "bench"),
                occurred_at=datetime.now(UTC),
                name=f"V{i}",
                contact="x",
            )
        )
        actors.append(UUID(outcome.result["volunteer_id"]))
    batches_before = writer.batches
    acked: list[int] = []

    async def phone(vid: UUID, deadline: float) -> None:
        me = c.Actor(Role.VOLUNTEER, str(vid))
        while time.perf_counter() < deadline:
            outcome = await writer.send(
                c.ReportPosition(
                    command_id=uuid7(),
                    actor=me,
                    occurred_at=datetime.now(UTC),
                    volunteer_id=vid,
                    lat=24.9,
                    lon=118.6,
                    accuracy=8.0,
                    heading=90.0,
                    speed=1.2,
                )
            )
            assert outcome.position is not None, outcome
            acked.append(outcome.position)

    async def all_phones() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(phone(vid, deadline) for vid in actors))
        return time.perf_counter() - started

    elapsed = asyncio.run(all_phones())
    batches = writer.batches - batches_before
    writer.close()
    brigade.close()
    durable = _all_present(path / "brigade.sqlite3", acked)
    return (
        Result(f"brigade write path ({submitters} submitters)", len(acked), elapsed),
        durable,
        batches,
    )


def _all_present(path: Path, positions: list[int]) -> bool:
    """Whether every acknowledged position is in the file, read afresh."""
    conn = sqlite3.connect(path)
    try:
        present = {row[0] for row in conn.execute("SELECT rowid FROM stored_events")}
    finally:
        conn.close()
    return len(set(positions)) == len(positions) and set(positions) <= present
