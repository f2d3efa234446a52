"""Playing a simulation: into a CommandWriter here, or (sim.remote) into a server.

`play` is the one loop both drivers share: it hands each planned command to a
sink in stream order, as fast as the sink takes them or at a time scale (field
seconds per wall second), keeps at most `window` outcomes outstanding, and checks
each outcome against the plan: a command the plan expects accepted must be, and a
dispatch it expects refused must be refused with that code.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable
    from datetime import datetime

    from domain.outcome import Outcome
    from domain.write import CommandWriter
    from replay.sim import Planned

# Mismatches kept word for word; the rest are only counted.
KEEP = 20


@dataclass(frozen=True, slots=True)
class Result:
    """What the store said: accepted (code None) or refused, and the position."""

    code: str | None
    message: str = ""
    position: int | None = None
    replayed: bool = False


@dataclass
class Tally:
    """What a run did, and where it departed from the plan."""

    total: int = 0
    sent: int = 0
    accepted: int = 0
    replayed: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    mismatches: int = 0
    examples: list[str] = field(default_factory=list)
    last_position: int = 0
    started: float = field(default_factory=time.monotonic)
    field_time: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.mismatches == 0

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def record(self, planned: Planned, result: Result) -> None:
        if result.code is None:
            self.accepted += 1
        else:
            self.refused[result.code] += 1
        self.replayed += result.replayed
        if result.position is not None:
            self.last_position = max(self.last_position, result.position)
        if result.code != planned.expect:
            self.mismatches += 1
            if len(self.examples) < KEEP:
                command = planned.command
                self.examples.append(
                    f"{type(command).__name__} at {command.occurred_at.isoformat()}: "
                    f"expected {planned.expect or 'accepted'}, got "
                    f"{result.code or 'accepted'} {result.message}".rstrip()
                )


class Sink(Protocol):
    """Where commands go. `send` must take the command in order before returning."""

    def send(self, planned: Planned) -> Awaitable[Result]: ...


class WriterSink:
    """Into a CommandWriter in this process; image bytes into `blobs` if given."""

    def __init__(
        self, writer: CommandWriter, blobs: Callable[[bytes], object] | None = None
    ) -> None:
        self.writer = writer
        self.blobs = blobs

    def send(self, planned: Planned) -> Awaitable[Result]:
        if planned.blob is not None and self.blobs is not None:
            self.blobs(planned.blob)
        # A task starts at once, in creation order: the writer's queue keeps ours.
        return asyncio.ensure_future(self._send(planned))

    async def _send(self, planned: Planned) -> Result:
        return result_of(await self.writer.send(planned.command))


def result_of(outcome: Outcome) -> Result:
    why = outcome.rejection
    return Result(
        code=None if why is None else why.code,
        message="" if why is None else why.message,
        position=outcome.position,
        replayed=outcome.replayed,
    )


async def play(
    stream: Iterable[Planned],
    sink: Sink,
    *,
    total: int = 0,
    speed: float | None = None,
    paced_from: datetime | None = None,
    max_pause: float = 2.0,
    window: int = 2000,
    progress: Callable[[Tally], None] | None = None,
    every: int = 2000,
) -> Tally:
    """Send every planned command to `sink`; returns the tally once all are answered.

    With `speed`, a command is sent when `speed` times the wall time elapsed has
    passed in field time since the first one paced; quiet stretches longer than
    `max_pause` wall seconds are cut short. Commands before `paced_from` (field
    time) go as fast as the sink takes them: the year's run-up, then the storm live.
    """
    tally = Tally(total=total)
    waiting: deque[tuple[Planned, Awaitable[Result]]] = deque()
    origin: datetime | None = None
    wall = time.monotonic()
    skipped = 0.0
    shown = time.monotonic()
    for planned in stream:
        at = planned.command.occurred_at
        if speed is not None and (paced_from is None or at >= paced_from):
            if origin is None:
                origin, wall = at, time.monotonic()
            due = wall + ((at - origin).total_seconds() - skipped) / speed
            pause = due - time.monotonic()
            if pause > max_pause:
                skipped += (pause - max_pause) * speed
                pause = max_pause
            if pause > 0:
                await asyncio.sleep(pause)
        waiting.append((planned, sink.send(planned)))
        tally.sent += 1
        tally.field_time = at
        while len(waiting) > window or (waiting and _done(waiting[0][1])):
            done, answer = waiting.popleft()
            tally.record(done, await answer)
        if progress is not None and (
            tally.sent % every == 0 or time.monotonic() - shown > 0.5
        ):
            progress(tally)
            shown = time.monotonic()
        if speed is None and tally.sent % 256 == 0:
            await asyncio.sleep(0)  # let answers in
    while waiting:
        done, answer = waiting.popleft()
        tally.record(done, await answer)
    if progress is not None:
        progress(tally)
    return tally


def _done(answer: Awaitable[Result]) -> bool:
    return isinstance(answer, asyncio.Future) and answer.done()
