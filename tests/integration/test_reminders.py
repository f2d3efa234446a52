"""Owners' reminders from two gateway processes on one store: each step of a
deadline is queued once and delivered once, whichever process gets there first."""

# Chinese text is written with Chinese punctuation.

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from support import eventually

from domain import commands as c
from domain.types import Role
from gateway.bootstrap import Runtime
from gateway.channels import FileChannel
from gateway.reminders import Reminders, due
from gateway.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

DESK = c.Actor(Role.COMMANDER, "duty-officer")
NOW = datetime.now(UTC)


def send(
    runtime: Runtime, command: type[c.Command], /, at: datetime = NOW, **fields: Any
) -> dict[str, str]:
    outcome = runtime.writer.execute(
        command(command_id=uuid4(), actor=DESK, occurred_at=at, **fields)
    )
    assert outcome.accepted, outcome.rejection
    return dict(outcome.result)


def shop(runtime: Runtime, name: str, deadline: timedelta) -> str:
    """A shop with one hazard ordered fixed by NOW + `deadline`; the hazard's id."""
    operation = send(runtime, c.OpenOperation, name="shop checks", kind="programme")
    premises = UUID(
        send(
            runtime, c.RegisterPremises, name=name, address="3 Main St",
            lat=24.9, lon=118.6,
        )["premises_id"]
    )  # fmt: skip
    hazard = UUID(
        send(
            runtime, c.RecordHazard, premises_id=premises,
            operation_id=UUID(operation["operation_id"]), kind="blocked exit",
            severity=3,
        )["hazard_id"]
    )  # fmt: skip
    ordered_at = NOW + deadline - timedelta(days=7)  # a week to fix it
    send(
        runtime, c.OrderRectification, at=ordered_at, premises_id=premises,
        hazard_id=hazard, deadline=NOW + deadline,
    )  # fmt: skip
    return str(hazard)


def test_two_processes_queue_and_send_each_reminder_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret="test")
    outbox = tmp_path / "notifications.jsonl"
    with Runtime.open(settings) as one, Runtime.open(settings) as two:
        steps = {
            "due_soon": shop(one, "Tea shop", timedelta(days=1)),
            "overdue": shop(one, "Noodles", -timedelta(hours=12)),
            "escalated": shop(one, "Bakery", -timedelta(days=4)),
            "long ago": shop(one, "Old mill", -timedelta(days=30)),
            "not yet": shop(one, "Pharmacy", timedelta(days=5)),
        }
        first = Reminders(one, FileChannel(outbox), 60)
        second = Reminders(two, FileChannel(outbox), 60)

        def round_both() -> list[tuple[int, int]]:
            async def both() -> list[tuple[int, int]]:
                return list(await asyncio.gather(first.round(), second.round()))

            return asyncio.run(both())

        def reasons(runtime: Runtime) -> dict[str, list[str]]:
            rows = runtime.follower.deltas.snapshot("hazards").rows
            return {
                step: [r["reason"] for r in rows[hazard]["reminders"]]
                for step, hazard in steps.items()
                if hazard in rows
            }

        wanted = {
            "due_soon": ["due_soon"], "overdue": ["overdue"],
            "escalated": ["escalated"], "long ago": [], "not yet": [],
        }  # fmt: skip
        eventually(lambda: len(reasons(two)) == len(steps))
        # Both at once: each reminder queued by one of them, the other answered
        # from its record; each sent by the one whose claim was stored first.
        rounds = round_both()
        assert sum(q for q, _ in rounds) == 3, rounds
        eventually(lambda: reasons(one) == wanted and reasons(two) == wanted)

        # A reminder queued by the other process reaches this one's views a
        # moment later: the next rounds deliver what the first did not see.
        def delivered() -> bool:
            round_both()
            rows = two.follower.deltas.snapshot("reminders").rows.values()
            return [row["status"] for row in rows] == ["sent"] * 3

        eventually(delivered)
        assert round_both() == [(0, 0), (0, 0)]  # nothing new: nothing again
        assert first.sent + second.sent == 3

    sent = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert sorted((s["premises"], s["reason"]) for s in sent) == [
        ("Bakery", "escalated"), ("Noodles", "overdue"), ("Tea shop", "due_soon"),
    ]  # fmt: skip
    tea = next(s for s in sent if s["premises"] == "Tea shop")
    assert "期限将到" in tea["text"] and "the deadline is near" in tea["text"]


def test_the_furthest_step_is_due_once_and_old_seasons_are_left_alone() -> None:
    deadline = datetime(2026, 12, 10, 18, tzinfo=UTC)
    row: dict[str, Any] = {
        "id": str(uuid4()), "premises_id": str(uuid4()), "state": "ordered",
        "deadline": deadline.isoformat(), "reminders": [],
    }  # fmt: skip
    rows = {row["id"]: row}
    assert due(rows, deadline - timedelta(days=3)) == []
    [soon] = due(rows, deadline - timedelta(days=1))
    assert soon.reason == "due_soon"
    # A server down across the deadline sends "overdue", not both
    [late] = due(rows, deadline + timedelta(hours=1))
    assert late.reason == "overdue"
    row["reminders"] = [{"id": str(late.reminder_id), "reason": "overdue"}]
    assert due(rows, deadline + timedelta(days=1)) == []
    assert due(rows, deadline + timedelta(days=15))[0].reason == "escalated"
    assert due(rows, deadline + timedelta(days=18)) == []  # 3 + 14 days: too old
    row["state"] = "rectified"  # the brigade's to re-inspect: not the owner's
    assert due(rows, deadline + timedelta(hours=1)) == []
