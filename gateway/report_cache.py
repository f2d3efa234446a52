"""The last few after-action reports a server rendered, by operations and position.

A fold of a long log takes seconds: asking for the HTML, then the JSON, then the
CSV of the same report at the same position folds once.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway.errors import ApiError
from replay.report import (
    OperationAmbiguous,
    OperationNotFound,
    build_report,
    find_operation,
)

if TYPE_CHECKING:
    from uuid import UUID

    from domain.application import Brigade
    from replay.report import Report

KEPT = 4


class ReportCache:
    """The last few reports of one store and their renderings."""

    def __init__(self, brigade: Brigade) -> None:
        self.brigade = brigade
        self._lock = threading.Lock()
        self._kept: dict[
            tuple[tuple[UUID, ...], int], tuple[Report, dict[str, str]]
        ] = {}

    def rendered(self, refs: list[str], form: str) -> tuple[list[UUID], str]:
        """The operations `refs` name (ids or names) and their report as `form`."""
        brigade = self.brigade
        try:
            operations = list(dict.fromkeys(find_operation(brigade, r) for r in refs))
        except OperationNotFound as error:
            raise ApiError(404, error.code, str(error)) from None
        except OperationAmbiguous as error:
            raise ApiError(
                409, error.code, str(error), candidates=error.candidates
            ) from None
        position = brigade.recorder.max_notification_id() or 0
        key = (tuple(operations), position)
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            kept = (build_report(brigade, operations, upto=position), {})
            with self._lock:
                self._kept[key] = kept
                while len(self._kept) > KEPT:
                    del self._kept[next(iter(self._kept))]
        report, forms = kept
        text = forms.get(form)
        if text is None:
            if form == "html":
                text = report.html(generated_at=datetime.now(UTC))
            elif form == "csv":
                text = report.csv()
            else:
                text = report.json()
            forms[form] = text
        return operations, text
