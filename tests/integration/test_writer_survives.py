"""The writer thread outlives whatever a batch meets: failures fail commands only.

A dead writer thread answers nothing again until the process restarts: every
command after it would hang. The store's failures here are made by hand (a
recorder method replaced) because they must come at one exact moment.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from eventsourcing.persistence import IntegrityError

from domain import commands as c
from domain.store.outage import StoreUnavailable
from domain.write.batch import BatchCommitter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from uuid import UUID

    from support import Scenario

    from domain.application import Brigade
    from domain.outcome import Outcome


GONE = StoreUnavailable("the server closed the connection", first=True)
STILL = StoreUnavailable("no connection within 0.25 s")


def failing(
    real: Callable[..., Any], plan: Sequence[Exception | None]
) -> Callable[..., Any]:
    """`real`, but raising the planned exception at each call (None: the real call)."""
    calls = iter(plan)

    def call(*args: Any, **kwargs: Any) -> Any:
        error = next(calls, None)
        if error is not None:
            raise error
        return real(*args, **kwargs)

    return call


def test_command_records_unreadable_inside_a_conflict_retry_fail_that_command_only(
    story: Scenario, brigade: Brigade, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch refused by the records' key, then the same command alone again
    # refused: a conflict retry, whose look at the records fails.
    conflict = IntegrityError("duplicate key")
    recorder: Any = brigade.recorder
    monkeypatch.setattr(
        recorder, "insert_events", failing(recorder.insert_events, [conflict] * 2)
    )
    monkeypatch.setattr(
        brigade,
        "recorded_outcomes",
        failing(brigade.recorded_outcomes, [None, RuntimeError("records unreadable")]),
    )
    with pytest.raises(RuntimeError, match="records unreadable"):
        story.writer.execute(
            story.command(c.OpenOperation, name="A", kind="typhoon"), timeout=10
        )
    # The writer is alive: the next command is decided and stored.
    assert story.writer.execute(
        story.command(c.OpenOperation, name="B", kind="typhoon"), timeout=10
    ).accepted


def test_a_batch_that_fails_unexpectedly_fails_its_commands_not_the_writer(
    story: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = BatchCommitter.commit
    monkeypatch.setattr(
        BatchCommitter, "commit", failing(commit, [RuntimeError("a bug")])
    )
    with pytest.raises(RuntimeError, match="a bug"):
        story.writer.execute(
            story.command(c.OpenOperation, name="A", kind="typhoon"), timeout=10
        )
    story.operation()


@pytest.mark.parametrize(
    ("plan", "tries", "stored"),
    [
        # The failure that found the store gone (a connection died idle): once more.
        ([GONE, None], 2, True),
        ([GONE, STILL], 2, False),
        # The store was already known to be away: answered at once.
        ([STILL], 1, False),
    ],
    ids=["healed-by-the-retry", "still-away", "known-away"],
)
def test_a_store_unavailable_fails_the_whole_batch_after_at_most_one_retry(
    story: Scenario,
    brigade: Brigade,
    monkeypatch: pytest.MonkeyPatch,
    plan: list[Exception | None],
    tries: int,
    stored: bool,
) -> None:
    recorder: Any = brigade.recorder
    inserts: list[object] = []
    insert = failing(recorder.insert_events, plan)

    def counted(*args: Any, **kwargs: Any) -> Any:
        inserts.append(args)
        return insert(*args, **kwargs)

    monkeypatch.setattr(recorder, "insert_events", counted)
    commands = [
        story.command(c.OpenOperation, name=f"op {i}", kind="typhoon") for i in range(5)
    ]

    async def together() -> list[Outcome | BaseException]:
        # Sent in one turn of the loop: one batch.
        sends = [story.writer.send(command) for command in commands]
        return await asyncio.gather(*sends, return_exceptions=True)

    results = asyncio.run(together())
    # One transaction per try for the whole batch, never one per command.
    assert len(inserts) == tries
    if stored:
        assert all(not isinstance(r, BaseException) and r.accepted for r in results)
    else:
        assert all(isinstance(r, StoreUnavailable) for r in results)
        # Sent again, same ids, with the store back: each is stored once.
        again = [story.writer.execute(command) for command in commands]
        assert all(o.accepted and not o.replayed for o in again)
    ids: set[UUID] = {command.command_id for command in commands}
    assert set(brigade.recorded_outcomes(list(ids))) == ids
