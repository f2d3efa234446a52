"""The `brigade` command line: its parser, and `serve`.

Each command's work is in a module of its own: `store` (morning, events, views),
`tokens`, `report`, `demo` and `simulate`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from gateway.bootstrap import ConfigurationError, describe
from gateway.cli import store, tokens
from gateway.cli.report import write_report
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

# The entry point group of commands plugged in from other packages: each names an
# add_parser(commands) that adds its command to the subparsers.
PLUGINS = "brigade.cli"


def main(argv: Sequence[str] | None = None) -> int:
    return dispatch(_parser(), argv)


def dispatch(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Run the command `argv` names; a bad configuration, Ctrl-C or a reader that
    went away (`brigade morning | head`) is an exit code, not a traceback."""
    try:
        code = _run(parser, argv)
        sys.stdout.flush()  # a reader gone shows here, not in Python's exit
    except BrokenPipeError:
        # What is still buffered for stdout would fail again when Python exits.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE  # what a shell shows for a writer SIGPIPE ended
    return code


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a usage error: said, and its status
        return done.code if isinstance(done.code, int) else int(done.code is not None)
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

    from gateway.cli import demo

    demo.add_parser(commands)
    morning = commands.add_parser(
        "morning", help="play a scripted Typhoon Doksuri morning into the store"
    )
    morning.set_defaults(run=store.morning)

    serve = commands.add_parser("serve", help="run the HTTP API (FastAPI, uvicorn)")
    serve.add_argument("--host", help="default BRIGADE_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default BRIGADE_PORT or 8000")
    serve.set_defaults(run=_serve)

    tokens.add_parser(commands)

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
    tail.set_defaults(run=store.events_tail)

    views = commands.add_parser("views", help="the live views of the log")
    views_commands = views.add_subparsers(title="views commands", metavar="COMMAND")
    rebuild = views_commands.add_parser(
        "rebuild", help="drop the views' saved state and fold them again from the log"
    )
    rebuild.set_defaults(run=store.views_rebuild)
    status = views_commands.add_parser("status", help="where the saved views stand")
    status.set_defaults(run=store.views_status)

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
    report.set_defaults(run=write_report)

    from gateway.cli import simulate

    simulate.add_parser(commands)
    from gateway.cli import alerts

    alerts.add_parser(commands)

    # Commands other packages plug in (bench: `brigade bench`), so that gateway
    # imports none of them.
    for plugin in sorted(entry_points(group=PLUGINS), key=lambda e: e.name):
        plugin.load()(commands)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app

    settings = Settings()
    host, port = args.host or settings.host, args.port or settings.port
    print(
        f"store: {describe(settings)}; serving on http://{host}:{port} (docs at /docs)"
    )
    from gateway import logs
    from gateway.ws.transport import websocket_options

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
