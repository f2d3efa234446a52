"""The after-action report: a fold of the log, as JSON, CSV and HTML.

It covers one operation, or several together (a storm and the year-round
programme around it are two operations; the programme's published figures are
the sums of their rows). Totals, response-time medians and hazard counts are the
stats view's rows for the operations (projections.stats), folded in the same pass
as the report's own story (replay.report.fold), so the report and the live stats
view cannot disagree. The whole log is folded, not only the operations' events:
field time (`as_of`) moves with every event, and "overdue" is judged against it
exactly as live.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.model.operation import Operation
from projections.board import IncidentBoard
from projections.hazards import HazardLedger
from projections.rebuild import fold_log, no_cyclic_gc
from projections.stats import Statistics
from projections.warnings import Warnings
from replay.report.data import assemble
from replay.report.fold import OperationStory

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime
    from pathlib import Path

    from domain.application import Brigade
    from projections.base import View

PAGE = 5_000


class OperationNotFound(LookupError):
    """No operation has this id or name."""

    code = "operation_not_found"


class OperationAmbiguous(LookupError):
    """More than one operation has this name."""

    code = "operation_ambiguous"

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


def find_operation(brigade: Brigade, ref: str) -> UUID:
    """The id of the operation `ref` names: its id, or its name if only one has it."""
    opened: dict[UUID, str] = {}
    topic = get_topic(Operation.Opened)
    position = 0
    while True:
        page = brigade.recorder.select_notifications(
            start=position, limit=PAGE, topics=[topic], inclusive_of_start=False
        )
        for notification in page:
            event = brigade.mapper.to_domain_event(notification)
            opened[event.originator_id] = event.name  # type: ignore[attr-defined]
        if len(page) < PAGE:
            break
        position = page[-1].id
    try:
        wanted = UUID(ref.strip())
    except ValueError:
        pass
    else:
        if wanted in opened:
            return wanted
    named = [key for key, name in opened.items() if name.strip() == ref.strip()]
    if len(named) == 1:
        return named[0]
    if named:
        ids = [str(key) for key in named]
        msg = f"{len(named)} operations are named {ref!r}: give the id, one of {ids}"
        raise OperationAmbiguous(msg, ids)
    msg = f"no operation has the id or name {ref!r}"
    raise OperationNotFound(msg)


@dataclass(frozen=True)
class Report:
    """The report's numbers (`data`), and their renderings."""

    data: dict[str, Any]

    @property
    def position(self) -> int:
        return int(self.data["position"])

    def json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"

    def csv(self) -> str:
        from replay.report.render import render_csv

        return render_csv(self.data)

    def html(self, generated_at: datetime | None = None) -> str:
        from replay.report.render import render_html

        return render_html(self.data, generated_at)

    def write(self, out: Path, generated_at: datetime | None = None) -> list[Path]:
        """Write report.html, report.json and report.csv into `out`; their paths."""
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in (
            ("report.json", self.json()),
            ("report.csv", self.csv()),
            ("report.html", self.html(generated_at)),
        ):
            path = out / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths


def build_report(
    brigade: Brigade,
    operations: Sequence[UUID],
    *,
    upto: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Fold the log (up to position `upto`, default all of it) into the report of
    these operations (one, or several reported together)."""
    keys = list(dict.fromkeys(str(operation_id) for operation_id in operations))
    if not keys:
        msg = "a report needs at least one operation"
        raise ValueError(msg)
    last = brigade.recorder.max_notification_id() or 0
    if upto is not None:
        last = min(last, upto)
    stats, ledger, story = Statistics(), HazardLedger(), OperationStory(keys)
    board, warnings = IncidentBoard(), Warnings()
    views: list[View] = [stats, ledger, story, board, warnings]
    with no_cyclic_gc():
        position = fold_log(brigade, views, last, progress)
    missing = [key for key in keys if key not in story.opened]
    if missing:
        msg = f"no operation {', '.join(missing)} in the log up to position {last}"
        raise OperationNotFound(msg)
    # Each operation's row as the live view has it; zeros, in the same shape, if
    # nothing has been counted for it yet.
    rows = {key: stats.row_for(key) for key in keys}
    hazards = [row for row in ledger.rows.values() if row["operation_id"] in rows]
    incidents = [row for row in board.rows.values() if row["operation_id"] in rows]
    data = assemble(
        story,
        rows,
        hazards,
        position=position,
        as_of=stats.as_of,
        incidents=incidents,
        warnings=warnings,
    )
    return Report(data)


def file_stem(operations: Sequence[UUID]) -> str:
    """The operations in a file name: one by its id, several by their ids' starts."""
    if len(operations) == 1:
        return str(operations[0])
    return "-".join(str(o)[:8] for o in operations)
