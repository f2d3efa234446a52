"""Read your writes: a read waits until the views hold a command's events (each store).

The follower here is not started: it folds only when the test says so, so what
each wait sees is decided by the test, not by a race.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from gateway.reached import Reached
from projections.follower import Follower

if TYPE_CHECKING:
    from support import Scenario

    from domain.application import Brigade


async def test_a_wait_ends_when_the_follower_folds_the_position(
    brigade: Brigade, story: Scenario
) -> None:
    follower = Follower(brigade)
    follower.catch_up()
    reached = Reached(follower, bound=30)
    reached.start(asyncio.get_running_loop())
    assert await reached.wait(follower.position)  # held already: no wait
    first = story.operation("first")
    position = story.writer.brigade.recorder.max_notification_id()
    assert position is not None and follower.position < position

    waiting = asyncio.create_task(reached.wait(position))
    later = asyncio.create_task(reached.wait(position + 1))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # the views do not hold it yet
    await asyncio.to_thread(follower.catch_up)  # the follower's thread folds it
    assert await asyncio.wait_for(waiting, 5)
    assert str(first) in follower.views["operations"].rows
    assert not later.done()  # a position not yet written is still awaited
    story.operation("second")
    await asyncio.to_thread(follower.catch_up)
    assert await asyncio.wait_for(later, 5)


async def test_past_its_bound_a_wait_answers_what_there_is(brigade: Brigade) -> None:
    follower = Follower(brigade)
    reached = Reached(follower, bound=0.05)
    assert not await reached.wait(1)  # a tool's runtime, never started: no waiting
    reached.start(asyncio.get_running_loop())
    assert not await reached.wait(follower.position + 10)
    assert reached._waiting == []  # a wait given up leaves nothing behind
