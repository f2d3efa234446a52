"""The commands on a store: the scripted morning, the event log, the saved views."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from gateway.bootstrap import Runtime, describe, open_store
from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse

    from eventsourcing.persistence import Notification

    from domain.application import Brigade


def morning(_: argparse.Namespace) -> int:
    """`brigade morning`: play the scripted morning, then show the views."""
    from replay.sim.morning import morning as script

    settings = Settings()
    print(f"store: {describe(settings)}")
    with Runtime.open(settings) as runtime:
        for step in script():
            outcome = runtime.writer.execute(step.command)
            where = f"#{outcome.position}" if outcome.position is not None else "--"
            if outcome.rejection is not None:
                status = "refused "
                why = outcome.rejection
                detail = f"{step.says}: {why.message} [{why.code}]"
            else:
                status = "accepted"
                detail = step.says
            if outcome.replayed:
                status += " (already recorded)"
            print(f"{where:>7}  {status}  {detail}")
        from gateway.cli.summary import summary

        runtime.follower.catch_up()
        print("\n".join(summary(runtime.follower.views)))
        print(
            f"\n{runtime.brigade.recorder.max_notification_id()} events in the log. "
            "Read them with: brigade events tail -n 50"
        )
    return 0


# Events read from the store at a time.
TAIL_BATCH = 500


def events_tail(args: argparse.Namespace) -> int:
    """`brigade events tail`: the latest events, or those after a position."""
    brigade = open_store(Settings())
    try:
        last = brigade.recorder.max_notification_id() or 0
        start = args.after if args.after is not None else max(last - args.lines, 0)
        while True:
            batch = brigade.recorder.select_notifications(
                start=start, limit=TAIL_BATCH, inclusive_of_start=False
            )
            for notification in batch:
                print(_describe_event(brigade, notification), flush=True)
                start = notification.id
            if len(batch) == TAIL_BATCH:  # more may follow at once: read on
                continue
            if not args.follow:
                return 0
            time.sleep(0.5)
    finally:
        brigade.close()


def _describe_event(brigade: Brigade, notification: Notification) -> str:
    event: Any = brigade.mapper.to_domain_event(notification)
    state = {
        k: v
        for k, v in vars(event).items()
        if k
        not in {
            "originator_id",
            "originator_version",
            "timestamp",
            "occurred_at",
            "actor",
            "command_id",
            "originator_topic",
        }
    }
    fields = " ".join(f"{k}={v}" for k, v in state.items())
    field_time = getattr(event, "occurred_at", None)
    when = field_time.isoformat(timespec="seconds") if field_time else "-"
    kind = type(event).__qualname__
    actor = getattr(event, "actor", "-")
    return f"{notification.id:>8}  {when}  {kind:<32} {actor}  {fields}"


def views_rebuild(_: argparse.Namespace) -> int:
    """`brigade views rebuild`: fold every view again from the log, and save them."""
    from gateway.cli import progress
    from projections.rebuild import rebuild
    from replay.seekpoints import SeekIndex

    brigade = open_store(Settings())
    try:
        # Seek points are views too: a rebuild after a fix to a view must not
        # leave replay showing the old view's moments. They are made again lazily.
        SeekIndex(brigade).drop()
        with progress.events() as shown:
            views = rebuild(brigade, brigade.checkpoints, shown)
    finally:
        brigade.close()
    for name, view in views.items():
        print(f"{name:<8} {len(view.rows):>7} rows at position {view.position}")
    return 0


def views_status(_: argparse.Namespace) -> int:
    """`brigade views status`: where the saved views stand against the log."""
    from projections import checkpoint

    brigade = open_store(Settings())
    try:
        views = checkpoint.load(brigade.checkpoints)
        last = brigade.recorder.max_notification_id() or 0
    finally:
        brigade.close()
    if views is None:
        print(f"no saved views; the log has {last} events (brigade views rebuild)")
        return 0
    for name, view in views.items():
        behind = last - view.position
        print(
            f"{name:<8} {len(view.rows):>7} rows at position {view.position} "
            f"({behind} events behind the log)"
        )
    return 0
