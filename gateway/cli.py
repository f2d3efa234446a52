"""The `brigade` command line."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from gateway.bootstrap import ConfigurationError, describe, open_store, start_writer
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from eventsourcing.persistence import Notification

    from domain.application import Brigade


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    try:
        return run(args)
    except ConfigurationError as error:
        print(f"brigade: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brigade",
        description="Event-sourced incident coordination for volunteer fire and rescue "
        "brigades. The store is SQLite in BRIGADE_DATA_DIR (default ./brigade-data) "
        "unless BRIGADE_DATABASE_URL names another (postgresql://...).",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    from gateway import demo

    demo.add_parser(commands)
    morning = commands.add_parser(
        "morning", help="play a scripted Typhoon Doksuri morning into the store"
    )
    morning.set_defaults(run=_morning)

    serve = commands.add_parser("serve", help="run the HTTP API (FastAPI, uvicorn)")
    serve.add_argument("--host", help="default BRIGADE_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default BRIGADE_PORT or 8000")
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="bearer tokens")
    token_commands = token.add_subparsers(title="token commands", metavar="COMMAND")
    create = token_commands.add_parser("create", help="print a new signed token")
    create.add_argument(
        "--role", required=True, choices=["commander", "volunteer", "observer"]
    )
    create.add_argument("--volunteer", help="the volunteer id (role volunteer)")
    create.add_argument("--name", default="", help="who holds it (commander, observer)")
    create.set_defaults(run=_token_create)

    events = commands.add_parser("events", help="read the event log")
    events_commands = events.add_subparsers(title="events commands", metavar="COMMAND")
    tail = events_commands.add_parser("tail", help="print the latest events")
    tail.add_argument(
        "-n", "--lines", type=int, default=20, help="how many (default 20)"
    )
    tail.add_argument(
        "--after", type=int, help="print events after this position instead"
    )
    tail.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new events"
    )
    tail.set_defaults(run=_tail)

    views = commands.add_parser("views", help="the live views of the log")
    views_commands = views.add_subparsers(title="views commands", metavar="COMMAND")
    rebuild = views_commands.add_parser(
        "rebuild", help="drop the views' saved state and fold them again from the log"
    )
    rebuild.set_defaults(run=_views_rebuild)
    status = views_commands.add_parser("status", help="where the saved views stand")
    status.set_defaults(run=_views_status)

    report = commands.add_parser(
        "report", help="write an operation's after-action report: HTML, JSON, CSV"
    )
    report.add_argument(
        "operation",
        metavar="OPERATION",
        nargs="+",
        help="its id, or its name if only one has it; several: reported together",
    )
    report.add_argument(
        "--out", help="directory to write into (default ./brigade-report-<id>)"
    )
    report.set_defaults(run=_report)

    from gateway import simulate

    simulate.add_parser(commands)

    bench = commands.add_parser("bench", help="run a benchmark (see bench/)")
    bench_commands = bench.add_subparsers(title="benchmarks", metavar="BENCHMARK")
    ingest = bench_commands.add_parser(
        "ingest",
        help="durable events/s: raw sqlite3, eventsourcing, brigade's write path",
    )
    ingest.add_argument("--quick", action="store_true", help="a short run (under 30 s)")
    ingest.add_argument("--submitters", type=int, default=50)
    ingest.set_defaults(run=_bench_ingest)
    rebuild_bench = bench_commands.add_parser(
        "rebuild", help="views rebuild rate beside eventsourcing's raw read rate"
    )
    rebuild_bench.add_argument("--quick", action="store_true", help="100,000 events")
    rebuild_bench.set_defaults(run=_bench_rebuild)
    latency = bench_commands.add_parser(
        "latency", help="time from a command to its delta at a consumer"
    )
    latency.add_argument("--quick", action="store_true", help="5 s instead of 20 s")
    latency.set_defaults(run=_bench_latency)
    field_bench = bench_commands.add_parser(
        "field", help="acknowledged durable commands/s from 200 field sockets"
    )
    field_bench.add_argument("--quick", action="store_true", help="5 s instead of 20 s")
    field_bench.set_defaults(run=_bench_field)
    fanout_bench = bench_commands.add_parser(
        "fanout", help="live deltas to 1,000 subscribers beside a bare broadcast server"
    )
    fanout_bench.add_argument(
        "--quick", action="store_true", help="3 s phases instead of 8"
    )
    fanout_bench.add_argument("--subscribers", type=int, help="default 1,000")
    fanout_bench.add_argument(
        "--rate", type=float, default=50.0, help="incidents/s for the latency phases"
    )
    fanout_bench.set_defaults(run=_bench_fanout)
    seek_bench = bench_commands.add_parser(
        "seek", help="the views at 50 random moments beside a full rebuild"
    )
    seek_bench.add_argument(
        "--quick", action="store_true", help="100,000 events instead of 1,000,000"
    )
    seek_bench.set_defaults(run=_bench_seek)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app

    settings = Settings.from_env()
    host, port = args.host or settings.host, args.port or settings.port
    print(
        f"store: {describe(settings)}; serving on http://{host}:{port} (docs at /docs)"
    )
    from gateway import logs
    from gateway.ws.protocol import websocket_options

    logs.configure()
    # uvicorn's access log would write WebSocket URLs, tokens and all: ours doesn't.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        **websocket_options(),
    )
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from uuid import UUID

    from domain.types import Role
    from gateway.tokens import create_token, signing_key

    role = Role(args.role)
    if role is Role.VOLUNTEER:
        if not args.volunteer:
            print("brigade: a volunteer token needs --volunteer ID", file=sys.stderr)
            return 2
        subject = str(UUID(args.volunteer))
    else:
        subject = args.name or role.value
    print(create_token(signing_key(Settings.from_env()), role, subject))
    return 0


def _morning(_: argparse.Namespace) -> int:
    from replay.morning import morning

    settings = Settings.from_env()
    print(f"store: {describe(settings)}")
    app = open_store(settings)
    writer = start_writer(app)
    try:
        for step in morning():
            outcome = writer.execute(step.command)
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
        from gateway.summary import summary
        from projections.rebuild import rebuild

        print("\n".join(summary(rebuild(app))))
        print(
            f"\n{app.recorder.max_notification_id()} events in the log. "
            "Read them with: brigade events tail -n 50"
        )
    finally:
        writer.close()
        app.close()
    return 0


def _tail(args: argparse.Namespace) -> int:
    app = open_store(Settings.from_env())
    try:
        last = app.recorder.max_notification_id() or 0
        start = args.after if args.after is not None else max(last - args.lines, 0)
        while True:
            batch = app.recorder.select_notifications(
                start=start, limit=500, inclusive_of_start=False
            )
            for notification in batch:
                print(_describe_event(app, notification), flush=True)
                start = notification.id
            if not args.follow:
                return 0
            if len(batch) < 500:
                time.sleep(0.5)
    finally:
        app.close()


def _describe_event(app: Brigade, notification: Notification) -> str:
    event: Any = app.mapper.to_domain_event(notification)
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


def _report(args: argparse.Namespace) -> int:
    from replay.report import write_report

    app = open_store(Settings.from_env())
    try:
        return write_report(app, args.operation, args.out)
    finally:
        app.close()


def _views_rebuild(_: argparse.Namespace) -> int:
    from projections.rebuild import progress_bar, rebuild
    from replay.seekpoints import SeekIndex

    app = open_store(Settings.from_env())
    try:
        # Seek points are views too: a rebuild after a fix to a view must not
        # leave replay showing the old view's moments. They are made again lazily.
        SeekIndex(app).drop()
        views = rebuild(app, app.checkpoints, progress_bar())
    finally:
        app.close()
    print(file=sys.stderr)
    for name, view in views.items():
        print(f"{name:<8} {len(view.rows):>7} rows at position {view.position}")
    return 0


def _views_status(_: argparse.Namespace) -> int:
    from projections import checkpoint

    app = open_store(Settings.from_env())
    try:
        views = checkpoint.load(app.checkpoints)
        last = app.recorder.max_notification_id() or 0
    finally:
        app.close()
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


def _bench_seek(args: argparse.Namespace) -> int:
    from bench.seek import run

    return run(quick=args.quick)


def _bench_field(args: argparse.Namespace) -> int:
    from bench.field import run

    return run(quick=args.quick)


def _bench_fanout(args: argparse.Namespace) -> int:
    from bench.fanout import run

    return run(quick=args.quick, subscribers=args.subscribers, rate=args.rate)


def _bench_latency(args: argparse.Namespace) -> int:
    from bench.latency import run

    settings = Settings.from_env()
    return run(
        quick=args.quick,
        database_url=settings.database_url,
        redis_url=settings.redis_url,
    )


def _bench_rebuild(args: argparse.Namespace) -> int:
    from bench.rebuild import run

    return run(quick=args.quick)


def _bench_ingest(args: argparse.Namespace) -> int:
    from bench.ingest import run

    return run(quick=args.quick, submitters=args.submitters)


if __name__ == "__main__":
    sys.exit(main())
