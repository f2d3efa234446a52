"""Command handlers: turn each command into decisions of the aggregates it touches.

Handlers are pure functions of a unit of work and a command; they hold the rules
that span aggregates (who may act, which operation is open, who is dispatchable).
"""

from domain.handlers import (
    credentials,
    devices,
    field,
    incidents,
    office,
    people,
    premises,
    register,
    warnings,
)
from domain.handlers.base import HANDLERS, Result, UnitOfWork, decide

__all__ = [
    "HANDLERS",
    "Result",
    "UnitOfWork",
    "credentials",
    "decide",
    "devices",
    "field",
    "incidents",
    "office",
    "people",
    "premises",
    "register",
    "warnings",
]
