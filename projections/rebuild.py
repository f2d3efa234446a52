"""Dropping the views and folding them again from the whole log."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from projections import checkpoint
from projections.catalog import all_views, fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from domain.app import Brigade
    from projections.base import View
    from projections.checkpoint import CheckpointStore

PAGE = 5_000


def rebuild(
    app: Brigade,
    store: CheckpointStore | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, View]:
    """Fold every event into fresh views; save them as the new checkpoint if a store."""
    if store is not None:
        store.drop_checkpoints()
    views = all_views()
    last = app.recorder.max_notification_id() or 0
    position = 0
    # A rebuild allocates millions of small objects and frees almost none; the
    # cyclic collector would rescan the growing views again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        position = _fold_all(app, views, last, progress)
    finally:
        if collecting:
            gc.enable()
    if store is not None and position:
        checkpoint.save(store, views)
    return views


def _fold_all(
    app: Brigade,
    views: dict[str, View],
    last: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    position = 0
    while position < last:
        notifications = app.recorder.select_notifications(
            start=position, limit=PAGE, stop=last, inclusive_of_start=False
        )
        if not notifications:
            break
        events = [(n.id, app.mapper.to_domain_event(n)) for n in notifications]
        fold(views, events, emit=False)
        position = notifications[-1].id
        if progress is not None:
            progress(position, last)
    return position
