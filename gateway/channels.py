"""How a reminder reaches an owner: a channel behind one small interface.

A channel delivers a `Notification`; the courier (`gateway/reminders.py`)
records in the log which channel sent it. Here are the two a deployment can run
without a contract: a file (one JSON line per notification, for an SMS gateway's
batch upload or a test to read) and the console (the log). An SMS adapter is a
class with the same `name` and `send`, calling its provider.
"""

# Chinese text is written with Chinese punctuation.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from gateway.settings import Settings

log = logging.getLogger("brigade.notify")

# What each reason tells the owner, Chinese first.
WORDS = {
    "due_soon": ("整改期限将到", "the deadline is near"),
    "overdue": ("已超过整改期限", "the deadline has passed"),
    "escalated": (
        "逾期未改，已报项目办",
        "long overdue: passed to the programme office",
    ),
}


@dataclass(frozen=True)
class Notification:
    """One reminder to one premises' owner about one hazard."""

    reminder_id: str
    premises_id: str
    premises: str | None
    hazard_id: str
    kind: str | None
    reason: str
    deadline: str | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Notification:
        """From a row of the reminders view."""
        return cls(
            reminder_id=row["id"],
            premises_id=row["premises_id"],
            premises=row["premises"],
            hazard_id=row["hazard_id"],
            kind=row["kind"],
            reason=row["reason"],
            deadline=row["deadline"],
        )

    def text(self) -> str:
        zh, en = WORDS.get(self.reason, (self.reason, self.reason))
        due = (self.deadline or "")[:16].replace("T", " ")
        return (
            f"【消防安全】{self.premises or ''}：隐患“{self.kind or ''}”{zh}"
            f"（期限 {due}），请整改后在店主页面提交自查。 "
            f"Fire safety: {self.premises or ''}, '{self.kind or ''}': {en} "
            f"({due}). Fix it and send your self-check from the owner's page."
        )


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> None:
        """Deliver it, or raise."""
        ...


class FileChannel:
    """One JSON line per notification, appended to a file."""

    name = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        line = json.dumps(
            {**asdict(notification), "text": notification.text()}, ensure_ascii=False
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")


class ConsoleChannel:
    """The log, for a deployment without any delivery yet."""

    name = "console"

    def send(self, notification: Notification) -> None:
        log.info("reminder %s: %s", notification.reminder_id, notification.text())


def channel_for(settings: Settings) -> Channel:
    """The channel the settings name (BRIGADE_REMINDER_CHANNEL)."""
    if settings.reminder_channel == "console":
        return ConsoleChannel()
    if settings.reminder_channel == "file":
        return FileChannel(settings.data_dir / "notifications.jsonl")
    msg = (
        "BRIGADE_REMINDER_CHANNEL must be 'file' or 'console', "
        f"not {settings.reminder_channel!r}"
    )
    raise ValueError(msg)
