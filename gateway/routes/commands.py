"""POST /commands/<Name>: one endpoint per domain command, its body checked first.

The command id comes from the `Idempotency-Key` header (a UUID; a retry sends the
same one and gets the first outcome back), the actor from the bearer token, and
the field time from the body's `occurred_at` (default: now). Bodies are made
from the commands themselves (`gateway/schemas.py`). A command that issues a
token (`IssueToken`) answers with it too, signed from what was recorded (never
stored).
"""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header
from pydantic import BaseModel

from domain import commands as c
from gateway.credentials import token_for
from gateway.deps import ActorDep, RuntimeDep
from gateway.errors import STATUS, ApiError
from gateway.schemas import MODELS, Accepted, build

router = APIRouter(prefix="/commands", tags=["commands"])


def _route(cls: type[c.Command], model: type[BaseModel]) -> None:
    async def send(
        body: model,  # type: ignore[valid-type]
        actor: ActorDep,
        runtime: RuntimeDep,
        idempotency_key: Annotated[UUID | None, Header()] = None,
    ) -> Accepted:
        command = build(cls, body, actor, idempotency_key)
        outcome = await runtime.writer.send(command)
        runtime.metrics.count(outcome)
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
        result = dict(outcome.result)
        if cls.issues_token:
            result["token"] = token_for(runtime.keys, outcome.result)
        return Accepted(
            command_id=outcome.command_id,
            position=outcome.position,
            positions=list(outcome.positions),
            result=result,
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


for _command, _model in MODELS.values():
    _route(_command, _model)
