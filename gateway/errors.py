"""Every refusal, in one place, as an HTTP status and a body with a stable code."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.websockets import WebSocketState

from domain.store.outage import StoreUnavailable
from gateway.schemas import problem, problems
from gateway.ws.common import BAD_REQUEST

if TYPE_CHECKING:
    from fastapi import FastAPI, Request, WebSocket

# The domain's kinds of refusal (domain.errors) and what HTTP calls them.
STATUS = {"invalid": 422, "not_found": 404, "forbidden": 403, "conflict": 409}
# Refusals Starlette and FastAPI make themselves (no such path, wrong method...).
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


# Seconds a client is told to wait before sending again while the store is away.
RETRY_AFTER = 1


class Failure(NamedTuple):
    status: int
    code: str
    message: str


def failure(error: BaseException) -> Failure:
    """What a command that failed (not refused) tells its sender, HTTP or socket."""
    if isinstance(error, StoreUnavailable):
        why = "the store is unavailable: send the same command again (same id) shortly"
        return Failure(503, "store_unavailable", why)
    return Failure(500, "internal_error", "try again later")


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

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "bad_request")
        body = {"code": code, "message": str(error.detail)}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(_: Request, error: StoreUnavailable) -> JSONResponse:
        why = failure(error)
        return JSONResponse(
            {"code": why.code, "message": why.message},
            status_code=why.status,
            headers={"Retry-After": str(RETRY_AFTER)},
        )

    @app.exception_handler(Exception)
    async def _failed(_: Request, __: Exception) -> JSONResponse:
        # Starlette logs the error with its traceback after this answer.
        body = {"code": "internal_error", "message": "try again later"}
        return JSONResponse(body, status_code=500)

    @app.exception_handler(WebSocketRequestValidationError)
    async def _bad_query(
        socket: WebSocket, error: WebSocketRequestValidationError
    ) -> None:
        # A socket's query (`?batch=maybe`): said as a bad frame is, then closed.
        if socket.client_state is WebSocketState.CONNECTED:
            await socket.send_json(
                {"type": "error", "code": "invalid_value", "message": problem(error)}
            )
        await socket.close(code=BAD_REQUEST)
