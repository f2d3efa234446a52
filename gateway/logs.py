"""Structured logs: a JSON object a line; no token, nor any part of one, ever.

Request lines carry the path, never the query, where WebSocket tokens ride.
What others log (uvicorn writes every WebSocket's URL, query and all, as it
accepts it) passes `RedactTokens` first: a `token=` value and anything shaped
like a JWT become `[redacted]`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI, Request, Response

log = logging.getLogger("brigade.http")

# A token's value in a query (`?token=...`) or after `Bearer`, and a JWT anywhere
# (its header, so every token, begins `eyJ`: base64 of `{"`), whole or in part.
TOKEN_PATTERNS = (
    re.compile(r"(?i)(?<=[?&;]token=)[^&#\s\"']+"),
    re.compile(r"(?i)(?<=bearer )[^\s\"']+"),
    re.compile(r"eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"),
)
REDACTED = "[redacted]"
# The loggers of the server brigade runs in, which write what clients send.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def redact(text: str) -> str:
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactTokens(logging.Filter):
    """Takes tokens out of a record's message and its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted: the handler says so
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        error = record.exc_info
        if error and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(error)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


REDACT = RedactTokens()


def redact_uvicorn() -> None:
    """Redact tokens from uvicorn's records where they are made, whatever handles
    them: `brigade serve`'s JSON lines, uvicorn's own handlers, a test's capture."""
    for name in SERVER_LOGGERS:
        logging.getLogger(name).addFilter(REDACT)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_text:  # as RedactTokens left it
            entry["error"] = record.exc_text
        elif record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int = logging.INFO) -> None:
    """Send every log record to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    handler.addFilter(REDACT)  # every record written, whichever logger made it
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    redact_uvicorn()


def install(app: FastAPI) -> None:
    """Log each HTTP request: method, path (never the query string), status, time."""

    @app.middleware("http")
    async def _log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                }
            },
        )
        return response
