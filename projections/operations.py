"""Operations: what each one is called, its kind and area, and whether it is open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.model.operation import Operation
from projections.base import View, handles, iso, key

if TYPE_CHECKING:
    from collections.abc import Iterable


class Operations(View):
    """Rows by operation id, as opened; `area` is the GeoJSON bbox given, or None."""

    name = "operations"

    @handles(Operation.Opened)
    def _opened(self, e: Operation.Opened) -> Iterable[str]:
        operation_id = key(e.originator_id)
        self.rows[operation_id] = {
            "id": operation_id,
            # The live socket shows a subscriber of one operation only its rows.
            "operation_id": operation_id,
            "name": e.name,
            "kind": e.kind,
            "area": list(e.area) if e.area is not None else None,
            "status": "open",
            "opened_at": iso(e.occurred_at),
            "closed_at": None,
        }
        return [operation_id]

    @handles(Operation.Closed)
    def _closed(self, e: Operation.Closed) -> Iterable[str]:
        operation_id = key(e.originator_id)
        row = self.rows[operation_id]
        row["status"] = "closed"
        row["closed_at"] = iso(e.occurred_at)
        return [operation_id]
