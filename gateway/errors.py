"""Every refusal, in one place, as an HTTP status and a body with a stable code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

# The domain's kinds of refusal (domain.errors) and what HTTP calls them.
STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, error: ApiError) -> JSONResponse:
        body = {"code": error.code, "message": error.message, **error.extra}
        return JSONResponse(body, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in error.errors()
        ]
        first = problems[0] if problems else {"where": "body", "problem": "invalid"}
        message = f"{first['where']}: {first['problem']}"
        body = {"code": "invalid_value", "message": message, "problems": problems}
        return JSONResponse(body, status_code=422)
