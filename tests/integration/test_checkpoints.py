"""Saved views: a restart starts from where the views stood, a rebuild from nothing."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

from support import Scenario

from domain.write import CommandWriter
from projections import checkpoint
from projections.follower import Follower
from projections.rebuild import rebuild

if TYPE_CHECKING:
    from collections.abc import Callable

    from domain.application import Brigade


def test_a_follower_resumes_from_the_saved_views_and_catches_up(
    brigade: Brigade, open_brigade: Callable[[], Brigade]
) -> None:
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    operation = story.operation()
    story.incident(operation)
    first = Follower(brigade, checkpoints=brigade.checkpoints, checkpoint_every=1)
    first.catch_up()
    saved_at = first.position
    writer.close()

    # More happens while no follower runs; then a new process starts.
    writer = CommandWriter(brigade)
    later = Scenario(writer).incident(operation, kind="medical")
    writer.close()
    restarted = open_brigade()
    follower = Follower(restarted, checkpoints=restarted.checkpoints)

    assert follower.position == saved_at  # loaded, not folded from the start
    follower.catch_up()
    assert str(later) in follower.views["board"].rows
    assert follower.views["board"].snapshot() == rebuild(restarted)["board"].snapshot()


def test_rebuild_drops_the_saved_views_and_saves_fresh_ones(brigade: Brigade) -> None:
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    story.incident(story.operation())
    writer.close()
    seen: list[tuple[int, int]] = []

    views = rebuild(
        brigade, brigade.checkpoints, lambda done, total: seen.append((done, total))
    )

    last = brigade.recorder.max_notification_id()
    assert seen[-1] == (last, last)
    loaded = checkpoint.load(brigade.checkpoints)
    assert loaded is not None
    assert {name: v.snapshot() for name, v in loaded.items()} == {
        name: v.snapshot() for name, v in views.items()
    }


def test_a_checkpoint_of_another_format_is_not_used(brigade: Brigade) -> None:
    writer = CommandWriter(brigade)
    story = Scenario(writer)
    story.incident(story.operation())
    writer.close()
    views = rebuild(brigade)
    position = Follower.position_of(views)

    def saved(version: int) -> None:
        state = pickle.dumps((version, views), protocol=pickle.HIGHEST_PROTOCOL)
        brigade.checkpoints.save_checkpoint(checkpoint.NAME, position, state)

    # Views saved whole, at their position, by a version with another FORMAT
    saved(checkpoint.FORMAT + 1)
    assert checkpoint.load(brigade.checkpoints) is None
    # the same views saved with this FORMAT are used: the format alone said no
    saved(checkpoint.FORMAT)
    loaded = checkpoint.load(brigade.checkpoints)
    assert loaded is not None and loaded["board"].rows == views["board"].rows


def test_an_unreadable_checkpoint_is_not_used(brigade: Brigade) -> None:
    brigade.checkpoints.save_checkpoint(checkpoint.NAME, 7, b"not a pickle")
    assert checkpoint.load(brigade.checkpoints) is None
