"""GET /operations/<id or name>/report[.json|.csv]: the after-action report.

The same report `brigade report` writes, folded from the store as it stands. A
fold of a long log takes seconds, so the last few reports are kept by (operation,
position): asking for the HTML, then the JSON, then the CSV folds once.
"""

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from gateway.deps import ActorDep, ServiceDep
from gateway.errors import ApiError
from replay.report import (
    OperationAmbiguous,
    OperationNotFound,
    build_report,
    find_operation,
)

if TYPE_CHECKING:
    from gateway.deps import Service
    from replay.report import Report

router = APIRouter(prefix="/operations", tags=["reports"])
KEPT = 4


class Reports:
    """The last few reports and their renderings, by (operation, position)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[UUID, int], tuple[Report, dict[str, str]]] = {}

    def rendered(self, service: "Service", ref: str, form: str) -> tuple[UUID, str]:
        try:
            operation_id = find_operation(service.brigade, ref)
        except OperationNotFound as error:
            raise ApiError(404, error.code, str(error)) from None
        except OperationAmbiguous as error:
            raise ApiError(
                409, error.code, str(error), candidates=error.candidates
            ) from None
        position = service.brigade.recorder.max_notification_id() or 0
        key = (operation_id, position)
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            kept = (build_report(service.brigade, operation_id, upto=position), {})
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
        return operation_id, text


def _reports(request: Request) -> Reports:
    state = request.app.state
    found: Reports | None = getattr(state, "reports", None)
    if found is None:
        found = state.reports = Reports()
    return found


@router.get("/{operation}/report", response_class=HTMLResponse)
def report_html(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> HTMLResponse:
    """The report as one self-contained HTML page, plots embedded."""
    _, text = _reports(request).rendered(service, operation, "html")
    return HTMLResponse(text)


@router.get(
    "/{operation}/report.json",
    responses={200: {"content": {"application/json": {}}}},
)
def report_json(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """The report's numbers as JSON."""
    _, text = _reports(request).rendered(service, operation, "json")
    return Response(text, media_type="application/json")


@router.get("/{operation}/report.csv", responses={200: {"content": {"text/csv": {}}}})
def report_csv(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """The report's numbers as one CSV table: section, name, detail, value."""
    operation_id, text = _reports(request).rendered(service, operation, "csv")
    disposition = f'inline; filename="report-{operation_id}.csv"'
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )
