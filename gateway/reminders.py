"""Owners' reminders: a scheduler that queues them as deadlines near and pass,
and a courier that delivers what is queued. Both only send commands.

Each reminder is a fact (`RemindOwner` -> `Premises.OwnerReminded`) whose command
id is made from the hazard, its deadline and the step (due soon, overdue,
escalated, `projections.hazards.STEPS`), so every gateway process may run this
and each reminder is still queued once: the second process's command is answered
from the first one's record. Delivery is claimed the same way
(`MarkReminderSent`, its id from the reminder and the channel) before the
channel is called, so a reminder goes out at most once, from the process whose
claim was stored first; a process that dies between claim and send loses that
one message (the office's list shows it as sent, by which channel and when).

Deadlines are judged against this server's clock (a reminder is for a person,
today). Steps passed more than `WINDOW` ago are left alone: a store holding an
old season (a replayed storm) is not reminded of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain import commands as c
from domain.types import ReminderReason, Role
from gateway.channels import Notification
from projections.hazards import AWAITING_OWNER, STEPS, escalation

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.bootstrap import Runtime
    from gateway.channels import Channel

log = logging.getLogger(__name__)

WINDOW = timedelta(days=14)
SENDER = c.Actor(Role.OFFICER, "reminders")
_NAMESPACE = uuid5(NAMESPACE_URL, "https://brigade.invalid/reminders")
_OFFSET = {step: offset for offset, step in STEPS}


@dataclass(frozen=True)
class Due:
    premises_id: str
    hazard_id: str
    reason: ReminderReason
    deadline: str

    @property
    def reminder_id(self) -> UUID:
        return uuid5(_NAMESPACE, f"{self.hazard_id}:{self.deadline}:{self.reason}")


def due(rows: dict[str, dict[str, Any]], now: datetime) -> list[Due]:
    """The reminders the hazard ledger's rows call for at `now`, not yet queued.

    One per hazard: the furthest step reached (a server down over a deadline
    sends "overdue", not "due soon" and then "overdue").
    """
    found = []
    for row in rows.values():
        deadline = row.get("deadline")
        if not deadline or row["state"] not in AWAITING_OWNER:
            continue
        at = datetime.fromisoformat(deadline)
        step = escalation(at, now)
        if step is None or at + _OFFSET[step] < now - WINDOW:
            continue
        wanted = Due(row["premises_id"], row["id"], step, deadline)
        queued = {r["id"] for r in row.get("reminders", [])}
        if str(wanted.reminder_id) not in queued:
            found.append(wanted)
    return found


class Reminders:
    """The scheduler and the courier, one round every `every` seconds."""

    def __init__(
        self,
        runtime: Runtime,
        channel: Channel,
        every: float,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.runtime = runtime
        self.channel = channel
        self.every = every
        self.clock = clock or (lambda: datetime.now(UTC))
        self._task: asyncio.Task[None] | None = None
        self.sent = 0

    def start(self) -> Reminders:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:  # the store away, say: try again next round
                log.exception("reminders: a round failed")
            await asyncio.sleep(self.every)

    async def round(self) -> tuple[int, int]:
        """Queue what is due, deliver what is queued; how many of each."""
        now = self.clock()
        deltas = self.runtime.follower.deltas
        # Copying and reading every hazard's row (30 ms for 10,000): off the loop.
        wanted_now = await asyncio.to_thread(
            lambda: due(deltas.snapshot("hazards").rows, now)
        )
        queued = 0
        for wanted in wanted_now:
            outcome = await self.runtime.writer.send(
                c.RemindOwner(
                    command_id=uuid5(_NAMESPACE, f"remind:{wanted.reminder_id}"),
                    actor=SENDER,
                    occurred_at=now,
                    premises_id=UUID(wanted.premises_id),
                    hazard_id=UUID(wanted.hazard_id),
                    reason=wanted.reason.value,
                    reminder_id=wanted.reminder_id,
                )
            )
            queued += outcome.accepted and not outcome.replayed
        sent = 0
        reminders = await asyncio.to_thread(lambda: deltas.snapshot("reminders").rows)
        for row in reminders.values():
            if row["status"] == "queued" and await self._claim(row, now):
                try:
                    await asyncio.to_thread(self.channel.send, Notification.of(row))
                except Exception:
                    log.exception(
                        "reminder %s: %s failed", row["id"], self.channel.name
                    )
                    continue
                sent += 1
        self.sent += sent
        return queued, sent

    async def _claim(self, row: dict[str, Any], now: datetime) -> bool:
        """Whether this process is the one to send it (its claim stored first)."""
        key = f"sent:{row['id']}:{self.channel.name}"
        outcome = await self.runtime.writer.send(
            c.MarkReminderSent(
                command_id=uuid5(_NAMESPACE, key),
                actor=SENDER,
                occurred_at=now,
                premises_id=UUID(row["premises_id"]),
                reminder_id=UUID(row["id"]),
                channel=self.channel.name,
            )
        )
        return outcome.accepted and not outcome.replayed
