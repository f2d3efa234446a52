"""Where brigade is wired: settings -> store -> the parts a process runs.

`Runtime.open` makes every part at once and starts the store's side (the
writer, the views, the Redis relay, seek points); a server then starts the
live fan-out on its event loop. A command-line tool opens one too, with no
server, and closes it when done.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.application import Brigade
from domain.store.config import StoreLimits, describe_store, store_env
from domain.write import CommandWriter

if TYPE_CHECKING:
    from gateway.auth import Gate
    from gateway.blobs import BlobStore
    from gateway.keys import KeyRing
    from gateway.metrics import Metrics
    from gateway.reached import Reached
    from gateway.report_cache import ReportCache
    from gateway.settings import Settings
    from gateway.tak.bridge import TakBridge
    from gateway.ws.fanout import Fanout
    from projections.follower import Follower
    from projections.stream import StreamRelay
    from replay.seekpoints import SeekKeeper
    from replay.timetravel import TimeTravel


class ConfigurationError(Exception):
    """The settings name a store brigade cannot use; the message says why."""


def _env(settings: Settings) -> dict[str, str]:
    try:
        # Read here, so that a bad BRIGADE_STORE_* stops the process at once.
        limits = StoreLimits.from_env(os.environ)
        return store_env(settings.database_url, settings.data_dir, limits)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def open_store(settings: Settings) -> Brigade:
    """The store alone (default: SQLite in the data dir), for tools that only read it.

    Anything that writes opens a `Runtime`, so that its views, seek points and
    checkpoints follow what it writes as a server's would.
    """
    return Brigade(env=_env(settings))


def describe(settings: Settings) -> str:
    return describe_store(_env(settings))


@dataclass(eq=False)
class Runtime:
    """The parts one brigade process runs, made together and closed together."""

    settings: Settings
    brigade: Brigade
    writer: CommandWriter
    keys: KeyRing
    gate: Gate
    blobs: BlobStore
    metrics: Metrics
    follower: Follower
    relay: StreamRelay | None
    time_travel: TimeTravel
    seek_keeper: SeekKeeper
    fanout: Fanout
    reports: ReportCache
    reached: Reached
    # The TAK bridge, when BRIGADE_COT_PORT or BRIGADE_TAK_SERVER is set; the
    # server's lifespan starts it on its event loop.
    tak: TakBridge | None = None

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """Every part made, and the store's side started: writer, views, relay."""
        # Imported here: the command line's other tools need none of it.
        from gateway.auth import Gate
        from gateway.blobs import DiskBlobs
        from gateway.keys import KeyRing
        from gateway.metrics import Metrics
        from gateway.reached import Reached
        from gateway.report_cache import ReportCache
        from gateway.tak.bridge import TakBridge
        from gateway.ws.fanout import Fanout
        from projections.follower import Follower
        from projections.stream import StreamRelay
        from replay.seekpoints import SeekKeeper
        from replay.timetravel import TimeTravel

        keys = KeyRing.of(settings)  # before anything starts: it may be refused
        brigade = open_store(settings)
        writer = CommandWriter(brigade)
        follower = Follower(brigade, checkpoints=brigade.checkpoints)
        relay = None
        if settings.redis_url:
            relay = StreamRelay(
                follower, settings.redis_url, stream=settings.redis_stream
            ).start()
        follower.start()
        writer.on_events(follower.offer)
        metrics = Metrics()
        metrics.watch(brigade, follower)
        time_travel = TimeTravel(brigade)
        # Replay's seek points are made as the log grows, not at the first look.
        seek_keeper = SeekKeeper(time_travel.index).follow(follower).start()
        runtime = cls(
            settings=settings,
            brigade=brigade,
            writer=writer,
            keys=keys,
            gate=Gate(keys, brigade, follower),
            blobs=DiskBlobs(settings.data_dir / "blobs"),
            metrics=metrics,
            follower=follower,
            relay=relay,
            time_travel=time_travel,
            seek_keeper=seek_keeper,
            fanout=Fanout(follower.deltas),
            reports=ReportCache(brigade),
            reached=Reached(follower),
        )
        if TakBridge.wanted(settings):
            runtime.tak = TakBridge(settings, writer, follower, metrics)
        return runtime

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every part, the commands already sent stored first."""
        if self.tak is not None:
            self.tak.stop()
        self.gate.stop()
        self.fanout.stop()
        self.seek_keeper.stop()
        self.writer.close()
        self.follower.stop()
        if self.relay is not None:
            self.relay.stop()
        self.brigade.close()
