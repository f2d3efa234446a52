"""Dropping the views and folding them again from the whole log."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

from projections import checkpoint
from projections.base import apply_all
from projections.catalog import all_views

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from domain.application import Brigade, CheckpointRecorder
    from projections.base import View

PAGE = 5_000


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Skip the cyclic collector while folding (or unpickling) views.

    A fold allocates millions of small objects and frees almost none; the
    collector would rescan the growing views again and again for nothing.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def fold_log(
    brigade: Brigade,
    views: Iterable[View],
    stop: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fold every event after the views' position up to `stop` (inclusive), a page
    at a time; returns the position reached (the views' own if nothing was folded).

    The views must stand at one position; `progress(position, stop)` after each page.
    """
    folded = list(views)
    position = min(view.position for view in folded)
    while position < stop:
        notifications = brigade.recorder.select_notifications(
            start=position, limit=PAGE, stop=stop, inclusive_of_start=False
        )
        if not notifications:
            break
        events = [(n.id, brigade.mapper.to_domain_event(n)) for n in notifications]
        apply_all(folded, events, emit=False)
        position = notifications[-1].id
        if progress is not None:
            progress(position, stop)
    return position


def rebuild(
    brigade: Brigade,
    store: CheckpointRecorder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, View]:
    """Fold every event into fresh views; save them as the new checkpoint if a store."""
    if store is not None:
        store.drop_checkpoints()
    views = all_views()
    last = brigade.recorder.max_notification_id() or 0
    with no_cyclic_gc():
        position = fold_log(brigade, views.values(), last, progress)
    if store is not None and position:
        checkpoint.save(store, views)
    return views
