"""`brigade demo`: the command centre, with the simulated Typhoon Doksuri playing live.

One process serves the same app as `brigade serve` (uvicorn) and, on its event
loop, plays `brigade simulate doksuri`'s stream into the app's own writer at a
time scale: the year's run-up and the storm's first night as fast as they go,
then from the morning of landfall on at `--speed` field seconds per wall second.
It runs in a directory of its own (`./brigade-demo`), made afresh on every run:
a replay of the same deterministic stream would be acknowledged and append
nothing, so nothing would move on the map.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import shutil
import signal
import socket
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from domain.types import Role
from gateway.bootstrap import describe
from gateway.credentials import Grant, issue_into
from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from fastapi import FastAPI

    from replay.sim import Simulation
    from replay.sim.drive import Tally

DEFAULT_DIR = Path("brigade-demo")
# What marks a directory as the demo's own, to be emptied on the next run.
MARKER = ".brigade-demo"
# The morning of landfall (09:55): incidents come every few field minutes from here.
PACED_FROM = "2023-07-28T06:00:00+08:00"
# Two field minutes a wall second: a moving phone's fix every half second, an
# incident every few seconds, the landfall morning in about three minutes.
SPEED = 120.0


def add_parser(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="serve the command centre with the simulated Typhoon Doksuri playing "
        "live (Ctrl-C stops it)",
    )
    demo.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    demo.add_argument("--port", type=int, default=8000, help="default 8000")
    demo.add_argument(
        "--speed",
        type=float,
        default=SPEED,
        help=f"field seconds per wall second (default {SPEED:g})",
    )
    demo.add_argument(
        "--from",
        dest="paced_from",
        default=PACED_FROM,
        metavar="ISO",
        help="field time from which the storm plays at --speed; all before it as "
        f"fast as it goes (default {PACED_FROM}, the morning of landfall)",
    )
    demo.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DIR,
        help=f"the demo's own store, emptied on every run (default ./{DEFAULT_DIR})",
    )
    demo.add_argument(
        "--for",
        dest="seconds",
        type=float,
        metavar="SECONDS",
        help="stop by itself after this many seconds (default: run until Ctrl-C)",
    )
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from replay.sim import Params, Simulation

    try:
        paced_from = datetime.fromisoformat(args.paced_from)
        if paced_from.tzinfo is None:
            raise ValueError("--from needs a time zone, e.g. +08:00")
        if args.speed <= 0:
            raise ValueError("--speed must be positive")
        _free(args.host, args.port)
        fresh(args.data_dir)
    except ValueError as error:
        print(f"brigade: {error}", file=sys.stderr)
        return 2
    settings = Settings().model_copy(
        update={"data_dir": args.data_dir, "database_url": None, "redis_url": None}
    )
    print("planning Typhoon Doksuri (seed 2023) ...", flush=True)
    # Phones report once a minute while moving: the map moves, the machine idles.
    simulation = Simulation(Params().quick())
    # The first fact in the demo's log: the page's token was issued, for a day.
    grant = Grant(Role.COMMANDER, name="demo duty officer", ttl_seconds=86_400)
    token = issue_into(settings, grant).token
    from gateway import logs
    from gateway.app import create_app
    from gateway.ws.transport import websocket_options

    logs.configure(level=30)  # warnings and errors only: the address stays in view
    app = create_app(settings)
    server = _Server(
        uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            access_log=False,
            log_config=None,
            **websocket_options(),
        )
    )
    page = (
        f"http://{args.host}:{args.port}/#token={token}&operation={simulation.doksuri}"
    )
    intro = [
        f"store: {describe(settings)} (made afresh on every run)",
        f"Typhoon Doksuri, simulated: {len(simulation):,} commands; before "
        f"{paced_from:%Y-%m-%d %H:%M} as fast as they go, then {args.speed:g}x",
        "",
        "Open the command centre (a commander's token is in the address):",
        "",
        f"    {page}",
        "",
        "Watch incidents appear on the map and the board, volunteers move and turn "
        "out,",
        "the statistics count people rescued; click an incident to dispatch, the "
        "map to report one.",
        "Ctrl-C stops the demo.",
    ]
    asyncio.run(_serve_and_play(server, app, simulation, args, paced_from, intro))
    print("stopped.", flush=True)
    return 0


def _free(host: str, port: int) -> None:
    """Refuse, before anything is planned or emptied, a port something listens on."""
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        raise ValueError(
            f"cannot listen on {host}:{port} ({errno.errorcode.get(error.errno or 0)}):"
            " is a brigade serve or demo running there? give --port"
        ) from None


def fresh(directory: Path) -> None:
    """Empty the directory of a previous demo; refuse one that is not the demo's."""
    if directory.exists():
        if not directory.is_dir():
            raise ValueError(f"{directory} is not a directory")
        if (directory / MARKER).exists():
            shutil.rmtree(directory)
        elif any(directory.iterdir()):
            raise ValueError(
                f"{directory} is not a demo directory (no {MARKER} in it) and not "
                "empty; give --data-dir a new or empty one"
            )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("brigade demo's store: emptied on its next run.\n")


class _Server(uvicorn.Server):
    """uvicorn, but Ctrl-C or SIGTERM ends the demo with exit 0 once it has shut down.

    (uvicorn's own handler raises the signal again after shutting down.)
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


async def _serve_and_play(
    server: _Server,
    app: FastAPI,
    simulation: Simulation,
    args: argparse.Namespace,
    paced_from: datetime,
    intro: list[str],
) -> None:
    from gateway.cli import progress
    from replay.sim.drive import WriterSink, play

    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():  # it could not start (the port is taken, say)
            await serving
            return
        await asyncio.sleep(0.02)
    print("\n".join(intro), flush=True)
    runtime = app.state.runtime
    phone = _phone(runtime, simulation, args, paced_from)
    with progress.commands(stderr=False) as shown:
        playing = asyncio.create_task(
            play(
                simulation,
                WriterSink(runtime.writer, runtime.blobs.put),
                total=len(simulation),
                speed=args.speed,
                paced_from=paced_from,
                progress=shown,
            )
        )
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        told = False
        while not server.should_exit and not serving.done():
            if deadline is not None and time.monotonic() >= deadline:
                break
            if playing.done() and not told:
                told = True
                _played(playing.result())
            await asyncio.sleep(0.05)
        # Stop sending before the app's writer closes with the server.
        if phone is not None:
            phone.cancel()
        playing.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await playing
    server.should_exit = True
    await serving


def _played(tally: Tally) -> None:
    print(
        f"The simulation has played out: {tally.sent:,} commands, "
        f"{tally.accepted:,} accepted, {sum(tally.refused.values()):,} refused by the "
        "rules. The page stays up until Ctrl-C.",
        flush=True,
    )
    if not tally.ok:
        print(f"{tally.mismatches} outcomes differ from the plan:", file=sys.stderr)
        for line in tally.examples:
            print(f"  {line}", file=sys.stderr)


def _phone(
    runtime: Any, simulation: Simulation, args: argparse.Namespace, at: datetime
) -> asyncio.Task[None] | None:
    """Print a simulated volunteer's phone link once they are registered."""
    from gateway.cli import demophone

    found = demophone.chosen(simulation, at)
    if found is None:
        return None
    volunteer_id, name = found

    async def tell() -> None:
        base = f"http://{args.host}:{args.port}"
        url = await demophone.link(runtime, base, volunteer_id)
        print(
            f"\nA volunteer's phone ({name}: watch their assignments arrive as the "
            f"storm plays; a phone, or a narrow window):\n\n    {url}\n",
            flush=True,
        )

    return asyncio.create_task(tell())
