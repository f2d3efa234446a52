"""Text no store can write is refused by the domain, alone, as invalid_value.

A lone surrogate ("a\\ud800b" in JSON) has no UTF-8 spelling: it used to pass the
domain, fail in the transcoder (a 500, and `internal_error` on the field socket,
which a phone retries forever) and split the writer's batch. Control characters
but tab and line breaks are refused with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from domain import checks
from domain import commands as c
from domain.errors import InvalidCommand
from domain.write.batch import BatchCommitter

if TYPE_CHECKING:
    from support import Scenario

    from domain.application import Brigade

UNWRITABLE = ["a\ud800b", "\udfff", "a\x00b", "\x1b[2J", "a\x9bb", "a\x7f"]


@pytest.mark.parametrize("value", UNWRITABLE, ids=ascii)
def test_the_text_check_refuses_what_cannot_be_written(value: str) -> None:
    with pytest.raises(InvalidCommand, match="no lone surrogates"):
        checks.text("note", value)


def test_tab_and_line_breaks_and_any_language_are_text() -> None:
    assert checks.text("note", "水位\t1.2 m\r\nrising 🚒") == "水位\t1.2 m\r\nrising 🚒"


@pytest.mark.parametrize("value", UNWRITABLE[:3], ids=ascii)
@pytest.mark.parametrize(
    ("command", "field"),
    [
        (c.PostMessage, "text"),
        (c.RegisterVolunteer, "name"),
        (c.RegisterPremises, "owner"),
        (c.InspectPremises, "checklist"),
        (c.RecordCourse, "course"),
    ],
)
def test_every_kind_of_text_field_refuses_it_and_stores_nothing(
    story: Scenario, brigade: Brigade, command: type[c.Command], field: str, value: str
) -> None:
    fields = valid(story)[command]
    bad = {**fields, field: {value: True} if field == "checklist" else value}
    before = brigade.recorder.max_notification_id()
    outcome = story.do(command, **bad)
    assert outcome.rejection is not None
    assert outcome.rejection.code == "invalid_value"
    assert brigade.recorder.max_notification_id() == before
    assert story.do(command, **fields).accepted  # the text was all that was wrong


def valid(story: Scenario) -> dict[type[c.Command], dict[str, Any]]:
    """A valid body for each command the test sends, in a world made for them."""
    operation = story.operation()
    incident = story.incident(operation)
    premises = story.new(
        c.RegisterPremises, "premises_id", name="Shop", address="1 Main St",
        lat=24.9, lon=118.6,
    )  # fmt: skip
    return {
        c.PostMessage: {"incident_id": incident, "text": "water rising"},
        c.RegisterVolunteer: {"name": "Chen Wei", "contact": "+86"},
        c.RegisterPremises: {
            "name": "Shop",
            "address": "2 Main St",
            "lat": 24.9,
            "lon": 118.6,
            "owner": "Lin",
        },
        c.InspectPremises: {
            "premises_id": premises,
            "operation_id": operation,
            "checklist": {"exits clear": True},
        },
        c.RecordCourse: {
            "volunteer_id": story.registered(),
            "course": "first-aid",
            "passed": True,
            "score": 90,
        },
    }


@dataclass
class Carried:
    command: c.Command


def test_a_command_with_a_lone_surrogate_fails_alone_and_keeps_its_batch_whole(
    story: Scenario, brigade: Brigade
) -> None:
    incident = story.incident(story.operation())
    texts = ["first", "a\ud800b", "third"]
    batch = [
        Carried(story.command(c.PostMessage, incident_id=incident, text=text))
        for text in texts
    ]
    committer = BatchCommitter(brigade)
    transactions = []
    decide_and_store = committer._decide_and_store

    def counted(commands: Any) -> Any:
        transactions.append(len(commands))
        return decide_and_store(commands)

    committer._decide_and_store = counted  # type: ignore[method-assign]
    settled = [outcome for _, outcome in committer.commit(batch)]

    assert [getattr(o, "accepted", o) for o in settled] == [True, False, True]
    refused = settled[1]
    assert not isinstance(refused, BaseException) and refused.rejection is not None
    assert refused.rejection.code == "invalid_value"
    assert transactions == [3]  # one transaction, not one per command
