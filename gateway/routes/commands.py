"""POST /commands/<Name>: one endpoint per domain command, its body checked first.

The command id comes from the `Idempotency-Key` header (a UUID; a retry sends the
same one and gets the first outcome back), the actor from the bearer token, and
the field time from the body's `occurred_at` (default: now).
"""

import dataclasses
import inspect
import typing
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, create_model

from domain import commands as c
from domain.ids import uuid7
from gateway.deps import ActorDep, ServiceDep
from gateway.errors import STATUS, ApiError

router = APIRouter(prefix="/commands", tags=["commands"])


class Accepted(BaseModel):
    command_id: UUID
    position: int | None
    positions: list[int]
    result: dict[str, str]
    replayed: bool


def command_classes() -> list[type[c.Command]]:
    """Every concrete command the domain takes."""
    return [
        cls
        for _, cls in inspect.getmembers(c, inspect.isclass)
        if issubclass(cls, c.Command)
        and cls.__module__ == c.__name__
        and not cls.__name__.endswith("Command")
    ]


def body_model(cls: type[c.Command]) -> type[BaseModel]:
    """The request body of a command: its own fields, and optionally the field time."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {"occurred_at": (datetime | None, None)}
    for field in dataclasses.fields(cls):
        if field.name in c.ENVELOPE:
            continue
        if field.default is not dataclasses.MISSING:
            fields[field.name] = (hints[field.name], field.default)
        elif field.default_factory is not dataclasses.MISSING:
            fields[field.name] = (hints[field.name], None)
        else:
            fields[field.name] = (hints[field.name], ...)
    config = ConfigDict(extra="forbid", strict=False)
    model: type[BaseModel] = create_model(
        f"{cls.__name__}Body", __config__=config, **fields
    )
    return model


def build(
    cls: type[c.Command], body: BaseModel, actor: c.Actor, command_id: UUID | None
) -> c.Command:
    """The domain command a checked body stands for."""
    # The body's own values as validated (extra fields are forbidden, so the
    # instance dict is exactly the fields): shallow, unlike model_dump, and the
    # command is frozen and checks itself.
    fields = {k: v for k, v in body.__dict__.items() if v is not None}
    occurred_at = fields.pop("occurred_at", None) or datetime.now(UTC)
    return cls(
        command_id=command_id or uuid7(), actor=actor, occurred_at=occurred_at, **fields
    )


# Every command by name, with the model its body is checked against.
MODELS: dict[str, tuple[type[c.Command], type[BaseModel]]] = {}


def _route(cls: type[c.Command]) -> None:
    model = body_model(cls)
    MODELS[cls.__name__] = (cls, model)

    async def send(
        body: model,  # type: ignore[valid-type]
        actor: ActorDep,
        service: ServiceDep,
        request: Request,
        idempotency_key: Annotated[UUID | None, Header()] = None,
    ) -> Accepted:
        command = build(cls, body, actor, idempotency_key)
        outcome = await service.writer.send(command)
        request.app.state.metrics.count(outcome)
        if outcome.rejection is not None:
            why = outcome.rejection
            raise ApiError(
                STATUS.get(why.kind, 409),
                why.code,
                why.message,
                command_id=str(outcome.command_id),
                positions=list(outcome.positions),
                replayed=outcome.replayed,
            )
        return Accepted(
            command_id=outcome.command_id,
            position=outcome.position,
            positions=list(outcome.positions),
            result=dict(outcome.result),
            replayed=outcome.replayed,
        )

    router.add_api_route(
        f"/{cls.__name__}",
        send,
        methods=["POST"],
        response_model=Accepted,
        name=cls.__name__,
        summary=(cls.__doc__ or cls.__name__).strip().splitlines()[0],
    )


for _command in command_classes():
    _route(_command)
