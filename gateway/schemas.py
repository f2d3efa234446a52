"""What goes over the wire, checked in one place: HTTP bodies and socket frames.

A command's body is made from its domain class (`domain/commands/`), so the
HTTP route, the field socket and OpenAPI check the same thing. The sockets'
control frames are models too: docs/protocol.md in code.
"""

import dataclasses
import inspect
import types
import typing
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain import commands as c
from domain.ids import uuid7
from projections.catalog import VIEW_NAMES
from replay.playback import MAX_SPEED, MIN_SPEED

if TYPE_CHECKING:
    from fastapi.exceptions import ValidationException

# Commands


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
        and cls.__module__.startswith(f"{c.__name__}.")
        and not cls.__name__.endswith("Command")
    ]


def body_model(cls: type[c.Command]) -> type[BaseModel]:
    """The request body of a command: its own fields, and optionally the field time."""
    hints = {k: strict(v) for k, v in typing.get_type_hints(cls).items()}
    fields: dict[str, Any] = {"occurred_at": (IsoDatetime | None, None)}
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


def _iso_text(value: object) -> object:
    """A date and time as the wire carries it: ISO 8601 text, not seconds."""
    if not isinstance(value, str):
        raise PydanticCustomError(
            "datetime_type", "a date and time is ISO 8601 text with a time zone"
        )
    return value


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_text)]

# Numbers are numbers and booleans booleans: `true` is not 1, "24.9" is not a
# latitude. A whole number is still a number where a fraction may be. A date and
# time is text: 1690512120 is not one.
STRICT: dict[Any, Any] = {
    float: StrictFloat,
    int: StrictInt,
    bool: StrictBool,
    datetime: IsoDatetime,
}


def strict(hint: Any) -> Any:
    """A command field's type with its numbers and booleans strict, however nested."""
    if hint in STRICT:
        return STRICT[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return types.GenericAlias(list, (strict(args[0]),))
    if origin is dict:
        return types.GenericAlias(dict, (args[0], strict(args[1])))
    if origin in (types.UnionType, typing.Union):
        return typing.Union[tuple(strict(arg) for arg in args)]  # noqa: UP007
    return hint


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
MODELS: dict[str, tuple[type[c.Command], type[BaseModel]]] = {
    cls.__name__: (cls, body_model(cls)) for cls in command_classes()
}

# Images on the field socket

UPLOAD = "UploadImage"


class UploadBody(BaseModel):
    """The body of an `UploadImage` frame: `data` is base64 text or msgpack bin."""

    model_config = ConfigDict(extra="forbid")

    incident_id: UUID
    data: str | bytes
    caption: str = ""
    lat: StrictFloat | None = None
    lon: StrictFloat | None = None
    occurred_at: IsoDatetime | None = None


# Sockets' control frames: /ws/live and /ws/playback

# What a client is told about a field of a frame it got wrong.
RULES = {
    "views": f"views: a list of {', '.join(VIEW_NAMES)}",
    "operation_id": "operation_id must be a string",
    "paused": "paused must be true or false",
    "position": "position must be a whole number, 0 or more",
    "field_time": "field_time must be ISO 8601 with a time zone",
    "speed": f"speed must be a number from {MIN_SPEED:g} to {MAX_SPEED:g}",
}


def _known_views(views: list[str]) -> list[str]:
    if not views or any(v not in VIEW_NAMES for v in views):
        raise PydanticCustomError("views", RULES["views"])
    return views


Views = Annotated[list[StrictStr], AfterValidator(_known_views)]


class LiveSubscribe(BaseModel):
    """/ws/live's one frame from the client: which views, of what, after where."""

    type: Literal["subscribe"]
    views: Views
    operation_id: StrictStr | None = None
    after: Annotated[StrictInt, Field(ge=0)] | None = None  # at most the log's last


Speed = Annotated[StrictFloat, Field(ge=MIN_SPEED, le=MAX_SPEED)]


class Moment(BaseModel):
    """A moment of the log: a position or a field time, not both (or neither)."""

    position: Annotated[StrictInt, Field(ge=0)] | None = None
    field_time: Annotated[AwareDatetime, BeforeValidator(_iso_text)] | None = None

    @model_validator(mode="after")
    def _not_both(self) -> Self:
        if self.position is not None and self.field_time is not None:
            raise PydanticCustomError(
                "moment", "give a position or a field_time, not both"
            )
        return self

    def moment(self) -> dict[str, Any]:
        """As `Player.seek`'s keywords: {"position": P}, {"field_time": T} or {}."""
        if self.position is not None:
            return {"position": self.position}
        if self.field_time is not None:
            return {"field_time": self.field_time}
        return {}


class PlaybackSubscribe(Moment):
    """/ws/playback's first frame: which views, from when, how fast."""

    type: Literal["subscribe"]
    views: Views
    operation_id: StrictStr | None = None
    paused: StrictBool = False
    speed: Speed = MIN_SPEED


class Pause(BaseModel):
    type: Literal["pause"]


class Resume(BaseModel):
    type: Literal["resume"]


class ChangeSpeed(BaseModel):
    type: Literal["speed"]
    speed: Speed | None = None  # none: as it was


class Seek(Moment):
    type: Literal["seek"]

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if not self.moment():
            raise PydanticCustomError("moment", "seek needs a position or a field_time")
        return self


Control = Annotated[Pause | Resume | ChangeSpeed | Seek, Field(discriminator="type")]
CONTROL: TypeAdapter[Control] = TypeAdapter(Control)


def said(error: ValidationError, otherwise: str) -> str:
    """What to tell a client about a frame it got wrong: the rule it broke.

    `otherwise` says what frame to send: for a frame of another type, or none.
    """
    errors = error.errors()
    first = next((e for e in errors if e["loc"][:1] == ("type",)), errors[0])
    if first["type"] in ("views", "moment"):  # our own rules, already plain
        return first["msg"]
    if first["type"] == "json_invalid":
        return "frames are JSON text"
    fields = [RULES[p] for p in first["loc"] if isinstance(p, str) and p in RULES]
    return fields[0] if fields else otherwise


# Problems with a body


def problems(error: "ValidationError | ValidationException") -> list[dict[str, str]]:
    """Everything wrong with a body, each as where and what."""
    return [
        {
            "where": _writable(".".join(str(p) for p in e["loc"]) or "body"),
            "problem": _writable(e["msg"]),
        }
        for e in error.errors()
    ]


def _writable(text: str) -> str:
    """Text as UTF-8 can carry it: a client's lone surrogate (a key, a character
    quoted in a message) escaped, not a failure to write the answer."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def problem(error: "ValidationError | ValidationException") -> str:
    """The first thing wrong with a body, as `where: what`."""
    found = problems(error) or [{"where": "body", "problem": "invalid"}]
    return f"{found[0]['where']}: {found[0]['problem']}"


# The field app: /ws/me's subscription and POST /enrol's body


class MeSubscribe(BaseModel):
    """/ws/me's one frame from the client: from a snapshot, or after a position."""

    type: Literal["subscribe"]
    after: Annotated[StrictInt, Field(ge=0)] | None = None  # at most the log's last


class EnrolBody(BaseModel):
    """POST /enrol: the code of an enrolment link (`/field#enrol=CODE`)."""

    model_config = ConfigDict(extra="forbid")
    code: Annotated[StrictStr, Field(max_length=100)]
