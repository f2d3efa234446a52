"""Saved view state: where the views stood, so a restart need not fold the whole log.

A checkpoint is derived data: it is written with the position it reflects (one
row, so both or neither), and dropped or ignored whenever in doubt, in which case
the views are rebuilt from the log. It is pickled, tagged with `FORMAT`: bump it
whenever a view's state changes shape, and old checkpoints are simply not used.
"""

from __future__ import annotations

import logging
import pickle
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.application import CheckpointRecorder
    from projections.base import View

log = logging.getLogger(__name__)

# 2: the operations view joined the others; 3: the credentials view; 4: the
# enrolments and mine views, and dispatch answers on the board and roster; 5: the
# roster's course catalogue, the owners' and the office's views; 6: warnings; 7: the
# register, its counts by area and the check-on rounds; 8: the timeline view, the
# board's numbers and assessments, the stats' backlog; 9: devices; 10: warnings
# and check-on rounds in mine; 11: the reports a volunteer made, in mine.
FORMAT = 11
NAME = "views"


def save(store: CheckpointRecorder, views: dict[str, View]) -> int:
    """Save every view (they stand at one position); returns that position."""
    position = min(view.position for view in views.values())
    state = pickle.dumps((FORMAT, views), protocol=pickle.HIGHEST_PROTOCOL)
    store.save_checkpoint(NAME, position, state)
    return position


def load(store: CheckpointRecorder) -> dict[str, View] | None:
    """The saved views, or None if there are none that this version can use."""
    found = store.select_checkpoint(NAME)
    if found is None:
        return None
    position, state = found
    try:
        version, views = pickle.loads(state)
    except Exception:
        log.warning("ignoring an unreadable view checkpoint at position %d", position)
        return None
    if version != FORMAT or any(view.position != position for view in views.values()):
        log.info("ignoring a view checkpoint of format %s", version)
        return None
    return dict(views)
