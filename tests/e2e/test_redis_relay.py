"""Two real processes, one PostgreSQL, one Redis that restarts: nothing lost or doubled.

Each process serves its subscribers from the store; the Redis stream holds every
event's changes once, as history to resume from, and a gap in it (Redis restarted
and lost everything) is answered with a reset, never with silence.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import textwrap
import threading
import time
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
import redis
from conftest import free_port
from support import Scenario, eventually

from domain.application import Brigade
from domain.store.config import store_env
from domain.write import CommandWriter
from projections.catalog import all_views, fold
from projections.deltas import Reset, coalesced
from projections.follower import Follower
from projections.stream import StreamRelay

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

WATCHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from domain.application import Brigade
    from domain.store.config import store_env
    from projections.follower import Follower
    from projections.stream import StreamRelay

    url, data, redis_url, stream = sys.argv[1:5]
    brigade = Brigade(env=store_env(url, Path(data)))
    follower = Follower(brigade, poll=0.2, window=3600)
    relay = StreamRelay(follower, redis_url, stream=stream).start()
    follower.deltas.listen(
        lambda changes: [print(c.position, c.view, c.key, flush=True) for c in changes]
    )
    follower.start()
    print("ready", flush=True)
    sys.stdin.read()
    follower.stop()
    relay.stop()
    """
)


RedisServer = tuple[str, "Callable[[], None]", "Callable[[], None]"]


@pytest.fixture
def redis_server(
    tmp_path: Path,
) -> Iterator[RedisServer]:
    """A Redis of the test's own, keeping nothing on disk, to stop and start."""
    port = free_port()
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    server: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        server.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def stop() -> None:
        server[-1].terminate()
        server[-1].wait(timeout=10)

    start()
    yield f"redis://127.0.0.1:{port}/0", stop, start
    if server[-1].poll() is None:
        stop()


def expected_changes(brigade: Brigade) -> list[tuple[str, str, str]]:
    notifications = brigade.recorder.select_notifications(None, limit=10_000)
    changes = fold(
        all_views(), [(n.id, brigade.mapper.to_domain_event(n)) for n in notifications]
    )
    return [(str(c.position), c.view, c.key) for c in changes if not coalesced(c)]


@pytest.mark.postgres
def test_two_processes_deliver_everything_across_a_redis_restart(
    postgres_url: str,
    tmp_path: Path,
    redis_server: RedisServer,
) -> None:
    redis_url, stop_redis, start_redis = redis_server
    stream = f"brigade:test:{uuid4().hex}"
    brigade = Brigade(env=store_env(postgres_url, tmp_path))
    follower = Follower(brigade, poll=0.2, window=3600, history=3)
    relay = StreamRelay(follower, redis_url, stream=stream).start()
    follower.start()
    writer = CommandWriter(brigade)
    writer.on_commit(follower.wake)
    other = subprocess.Popen(
        [sys.executable, "-c", WATCHER, postgres_url, str(tmp_path), redis_url, stream],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert other.stdin is not None and other.stdout is not None
    output = other.stdout
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    seen: list[tuple[str, ...]] = []

    def read() -> None:
        for line in output:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    assert lines.get(timeout=20).strip() == "ready"

    def other_reaches(position: int) -> None:
        while not seen or int(seen[-1][0]) < position:
            seen.append(tuple(lines.get(timeout=20).split()))

    story = Scenario(writer)
    client = redis.Redis.from_url(redis_url)
    try:
        # 1. Redis up: both processes publish; the stream holds each event once.
        operation = story.operation()
        for kind in ("flood", "medical"):
            story.incident(operation, kind=kind)
        first = brigade.recorder.max_notification_id() or 0
        other_reaches(first)
        eventually(lambda: client.xlen(stream) == first)

        # 2. Redis stops: everyone still serves their own subscribers from the store.
        stop_redis()
        story.incident(operation, kind="fire")
        down = brigade.recorder.max_notification_id() or 0
        other_reaches(down)

        # 3. Redis is back, empty: publishing resumes by itself.
        start_redis()
        client = redis.Redis.from_url(redis_url)
        for kind in ("flood", "other", "medical"):
            story.incident(operation, kind=kind)
        last = brigade.recorder.max_notification_id() or 0
        other_reaches(last)
        eventually(lambda: client.xlen(stream) == last - down)
    finally:
        writer.close()
        other.stdin.close()
        other.wait(timeout=30)
        follower.stop()
        relay.stop()
    while not lines.empty():
        seen.append(tuple(lines.get().split()))
    output.close()

    # The other process delivered every change, once each, in order.
    assert sorted(seen) == sorted(expected_changes(brigade))
    assert len(set(seen)) == len(seen)
    # Resuming from before the restart, through history this process no longer
    # keeps, meets the gap Redis lost: a reset, never silence.
    assert isinstance(follower.deltas.since(first - 1, ["board"]), Reset)
    # Resuming from after it is served from Redis, exactly.
    resumed = follower.deltas.since(down, ["board"])
    assert not isinstance(resumed, Reset)
    expected = [
        (p, v, k)
        for p, v, k in expected_changes(brigade)
        if int(p) > down and v == "board"
    ]
    assert [(str(c.position), c.view, c.key) for c in resumed] == expected
    client.close()
    brigade.close()


def test_redis_away_is_logged_once_and_once_back_with_what_it_missed(
    brigade: Brigade,
    writer: CommandWriter,
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not a line per event (348 lines in 3 s before): one each way, with a count."""
    redis_url, stop_redis, start_redis = redis_server
    follower = Follower(brigade, poll=0.05, window=3600)
    relay = StreamRelay(follower, redis_url, stream=f"test:{uuid4().hex}").start()
    follower.start()
    writer.on_events(follower.offer)
    story = Scenario(writer)
    caplog.set_level(logging.INFO, "projections.stream")
    try:
        operation = story.operation()
        eventually(lambda: relay.published == 1)
        stop_redis()
        for _ in range(30):
            story.incident(operation)
        eventually(lambda: relay.missed == 30)
        start_redis()
        story.incident(operation)
        eventually(lambda: relay.published == 2)
    finally:
        follower.stop()
        relay.stop()
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 2, said
    assert said[0].startswith("Redis unavailable (")
    assert said[1].startswith("Redis is back after ")
    assert said[1].endswith(": 30 entries were not published")
