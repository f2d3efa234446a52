"""GET /operations/<id or name>/report[.json|.csv]: the after-action report.

GET /reports[.json|.csv]?operation=A&operation=B reports several together.

The same report `brigade report` writes, folded from the store as it stands; the
last few are kept (`gateway/report_cache.py`).
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from gateway.deps import ActorDep, RuntimeDep
from replay.report import file_stem

router = APIRouter(tags=["reports"])


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
def report_html(operation: str, _actor: ActorDep, runtime: RuntimeDep) -> HTMLResponse:
    """An operation's report as one self-contained HTML page, plots embedded."""
    return _html(runtime.reports.rendered([operation], "html")[1])


@router.get("/operations/{operation}/report.json", responses=JSON)
def report_json(operation: str, _actor: ActorDep, runtime: RuntimeDep) -> Response:
    """An operation's report: its numbers as JSON."""
    return _json(runtime.reports.rendered([operation], "json")[1])


@router.get("/operations/{operation}/report.csv", responses=CSV)
def report_csv(operation: str, _actor: ActorDep, runtime: RuntimeDep) -> Response:
    """An operation's report: one CSV table of section, name, detail, value."""
    return _csv(*runtime.reports.rendered([operation], "csv"))


@router.get("/reports", response_class=HTMLResponse)
def reports_html(
    operation: Operations, _actor: ActorDep, runtime: RuntimeDep
) -> HTMLResponse:
    """Several operations reported together (?operation=A&operation=B), as HTML."""
    return _html(runtime.reports.rendered(operation, "html")[1])


@router.get("/reports.json", responses=JSON)
def reports_json(
    operation: Operations, _actor: ActorDep, runtime: RuntimeDep
) -> Response:
    """Several operations reported together, as JSON."""
    return _json(runtime.reports.rendered(operation, "json")[1])


@router.get("/reports.csv", responses=CSV)
def reports_csv(
    operation: Operations, _actor: ActorDep, runtime: RuntimeDep
) -> Response:
    """Several operations reported together, as CSV."""
    return _csv(*runtime.reports.rendered(operation, "csv"))
