"""Every refusal, in one place, as an HTTP status and a body with a stable code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from gateway.schemas import problem, problems

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
        body = {
            "code": "invalid_value",
            "message": problem(error),
            "problems": problems(error),
        }
        return JSONResponse(body, status_code=422)
