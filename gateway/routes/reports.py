"""GET /operations/<id or name>/report[.json|.csv]: the after-action report.

GET /reports[.json|.csv]?operation=A&operation=B reports several together.

The same report `brigade report` writes, folded from the store as it stands. A
fold of a long log takes seconds, so the last few reports are kept by (operation,
position): asking for the HTML, then the JSON, then the CSV folds once.
"""

import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from gateway.deps import ActorDep, ServiceDep
from gateway.errors import ApiError
from replay.report import (
    OperationAmbiguous,
    OperationNotFound,
    build_report,
    file_stem,
    find_operation,
)

if TYPE_CHECKING:
    from gateway.deps import Service
    from replay.report import Report

router = APIRouter(tags=["reports"])
KEPT = 4


class Reports:
    """The last few reports and their renderings, by (operations, position)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[
            tuple[tuple[UUID, ...], int], tuple[Report, dict[str, str]]
        ] = {}

    def rendered(
        self, service: "Service", refs: list[str], form: str
    ) -> tuple[list[UUID], str]:
        try:
            operations = list(
                dict.fromkeys(find_operation(service.brigade, r) for r in refs)
            )
        except OperationNotFound as error:
            raise ApiError(404, error.code, str(error)) from None
        except OperationAmbiguous as error:
            raise ApiError(
                409, error.code, str(error), candidates=error.candidates
            ) from None
        position = service.brigade.recorder.max_notification_id() or 0
        key = (tuple(operations), position)
        with self._lock:
            kept = self._kept.get(key)
        if kept is None:
            kept = (build_report(service.brigade, operations, upto=position), {})
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


def _reports(request: Request) -> Reports:
    state = request.app.state
    found: Reports | None = getattr(state, "reports", None)
    if found is None:
        found = state.reports = Reports()
    return found


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text)


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _csv(operations: list[UUID], text: str) -> Response:
    name = f"report-{file_stem(operations)}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


JSON: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}
Operations = Annotated[list[str], Query(min_length=1, max_length=20)]


@router.get("/operations/{operation}/report", response_class=HTMLResponse)
def report_html(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> HTMLResponse:
    """An operation's report as one self-contained HTML page, plots embedded."""
    return _html(_reports(request).rendered(service, [operation], "html")[1])


@router.get("/operations/{operation}/report.json", responses=JSON)
def report_json(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """An operation's report: its numbers as JSON."""
    return _json(_reports(request).rendered(service, [operation], "json")[1])


@router.get("/operations/{operation}/report.csv", responses=CSV)
def report_csv(
    operation: str, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """An operation's report: one CSV table of section, name, detail, value."""
    return _csv(*_reports(request).rendered(service, [operation], "csv"))


@router.get("/reports", response_class=HTMLResponse)
def reports_html(
    operation: Operations, _actor: ActorDep, service: ServiceDep, request: Request
) -> HTMLResponse:
    """Several operations reported together (?operation=A&operation=B), as HTML."""
    return _html(_reports(request).rendered(service, operation, "html")[1])


@router.get("/reports.json", responses=JSON)
def reports_json(
    operation: Operations, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """Several operations reported together, as JSON."""
    return _json(_reports(request).rendered(service, operation, "json")[1])


@router.get("/reports.csv", responses=CSV)
def reports_csv(
    operation: Operations, _actor: ActorDep, service: ServiceDep, request: Request
) -> Response:
    """Several operations reported together, as CSV."""
    return _csv(*_reports(request).rendered(service, operation, "csv"))
