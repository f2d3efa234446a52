"""Two real processes on one PostgreSQL: each change one writes reaches the other."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import textwrap
import threading
from typing import TYPE_CHECKING

import pytest
from support import Scenario

from domain.application import Brigade
from domain.store.config import store_env
from domain.write import CommandWriter
from projections.catalog import all_views, fold

if TYPE_CHECKING:
    from pathlib import Path

# The other gateway process: follows the store and prints every change it publishes.
WATCHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from domain.application import Brigade
    from domain.store.config import store_env
    from projections.follower import Follower

    brigade = Brigade(env=store_env(sys.argv[1], Path(sys.argv[2])))
    follower = Follower(brigade, poll=30, window=3600)  # LISTEN/NOTIFY, not the poll
    follower.deltas.listen(
        lambda changes: [print(c.position, c.view, c.key, flush=True) for c in changes]
    )
    follower.start()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our input
    follower.stop()
    """
)


@pytest.mark.postgres
def test_a_second_process_publishes_every_change_once(
    postgres_url: str, tmp_path: Path
) -> None:
    brigade = Brigade(env=store_env(postgres_url, tmp_path))  # creates the tables
    watcher = subprocess.Popen(
        [sys.executable, "-c", WATCHER, postgres_url, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert watcher.stdout is not None
    assert watcher.stdout.readline().strip() == "ready"

    writer = CommandWriter(brigade)
    story = Scenario(writer)
    operation = story.operation()
    for kind in ("flood", "medical", "fire"):
        incident = story.incident(operation, kind=kind)
    story.ready_volunteer()
    writer.close()
    last = str(brigade.recorder.max_notification_id())

    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    output = watcher.stdout

    def read() -> None:
        for line in output:
            lines.put(line)

    reader = threading.Thread(target=read)
    reader.start()
    seen: list[tuple[str, ...]] = []
    while not seen or seen[-1][0] != last:  # until the last fact reached the other side
        seen.append(tuple(lines.get(timeout=20).split()))
    assert watcher.stdin is not None
    watcher.stdin.close()  # the watcher stops and exits
    watcher.wait(timeout=30)
    reader.join(timeout=30)
    while not lines.empty():
        seen.append(tuple(lines.get().split()))
    watcher.stdout.close()
    # What this process computes from the same log is what the other one published:
    # every change, once each, in order.
    views = all_views()
    notifications = brigade.recorder.select_notifications(None, limit=10_000)
    expected = [
        (str(c.position), c.view, c.key)
        for c in fold(
            views, [(n.id, brigade.mapper.to_domain_event(n)) for n in notifications]
        )
        if not (c.view == "map" and c.key.startswith(("volunteer:", "track:")))
    ]
    brigade.close()
    assert str(incident) in {key for _, _, key in seen}
    assert sorted(seen) == sorted(expected)
    assert len(set(seen)) == len(seen)
    assert [int(p) for p, _, _ in seen] == sorted(int(p) for p, _, _ in seen)
