"""`brigade bench BENCHMARK` and `python -m bench BENCHMARK`: the benchmarks' flags.

`brigade` finds `add_parser` through the `brigade.cli` entry point group
(pyproject.toml): bench sits above gateway and may import it, never the reverse.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gateway.cli import dispatch
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence


def add_parser(commands: Any) -> None:
    """`brigade bench`: the benchmarks as subcommands of the `brigade` command."""
    bench = commands.add_parser("bench", help="run a benchmark (see bench/)")
    add_benchmarks(bench.add_subparsers(title="benchmarks", metavar="BENCHMARK"))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench`: the same benchmarks without the `brigade` command."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="brigade's benchmarks (see bench/)"
    )
    add_benchmarks(parser.add_subparsers(title="benchmarks", metavar="BENCHMARK"))
    return dispatch(parser, argv)


def add_benchmarks(benchmarks: Any) -> None:
    """One subcommand per benchmark, each with its flags."""
    ingest = benchmarks.add_parser(
        "ingest",
        help="durable events/s: raw sqlite3, eventsourcing, brigade's write path",
    )
    ingest.add_argument("--quick", action="store_true", help="a short run (under 30 s)")
    ingest.add_argument("--submitters", type=int, default=50)
    ingest.set_defaults(run=_ingest)
    rebuild = benchmarks.add_parser(
        "rebuild", help="views rebuild rate beside eventsourcing's raw read rate"
    )
    rebuild.add_argument("--quick", action="store_true", help="100,000 events")
    rebuild.set_defaults(run=_rebuild)
    latency = benchmarks.add_parser(
        "latency", help="time from a command to its delta at a consumer"
    )
    latency.add_argument("--quick", action="store_true", help="5 s instead of 20 s")
    latency.set_defaults(run=_latency)
    me = benchmarks.add_parser(
        "me", help="time from a dispatch to the volunteer's phone on /ws/me"
    )
    me.add_argument("--quick", action="store_true", help="50 phones instead of 200")
    me.add_argument("--phones", type=int, help="volunteers with a channel open")
    me.set_defaults(run=_me)
    field = benchmarks.add_parser(
        "field", help="acknowledged durable commands/s from 200 field sockets"
    )
    field.add_argument("--quick", action="store_true", help="5 s instead of 20 s")
    field.set_defaults(run=_field)
    fanout = benchmarks.add_parser(
        "fanout", help="live deltas to 1,000 subscribers beside a bare broadcast server"
    )
    fanout.add_argument("--quick", action="store_true", help="3 s phases instead of 8")
    fanout.add_argument("--subscribers", type=int, help="default 1,000")
    fanout.add_argument(
        "--rate", type=float, default=50.0, help="incidents/s for the latency phases"
    )
    fanout.set_defaults(run=_fanout)
    seek = benchmarks.add_parser(
        "seek", help="the views at 50 random moments beside a full rebuild"
    )
    seek.add_argument(
        "--quick", action="store_true", help="100,000 events instead of 1,000,000"
    )
    seek.set_defaults(run=_seek)
    bombs = benchmarks.add_parser(
        "bombs", help="a server's peak memory under three image bombs at once"
    )
    bombs.set_defaults(run=_bombs)
    outage = benchmarks.add_parser(
        "outage", help="PostgreSQL stopped for 10 s, then 40 s, under steady commands"
    )
    outage.add_argument("--quick", action="store_true", help="stops of 2 s and 5 s")
    outage.set_defaults(run=_outage)
    fieldapp = benchmarks.add_parser(
        "fieldapp",
        help="the field app's shell gzipped, first load on slow 3G, reload offline",
    )
    fieldapp.set_defaults(run=_fieldapp)
    erase = benchmarks.add_parser(
        "erase", help="erase one person in a 100,000-event log, and the rebuild after"
    )
    erase.add_argument("--quick", action="store_true", help="20,000 events")
    erase.add_argument(
        "--postgres", action="store_true", help="the store BRIGADE_DATABASE_URL names"
    )
    erase.set_defaults(run=_erase)
    page = benchmarks.add_parser(
        "page",
        help="the command centre in Chromium: longest task and deltas frame p99, "
        "live at 120x and in replay at 1000x",
    )
    page.add_argument("--quick", action="store_true", help="20 s phases instead of 60")
    page.add_argument("--port", type=int, default=8765, help="the demo's port")
    page.set_defaults(run=_page)
    cot = benchmarks.add_parser(
        "cot", help="200 TAK devices: positions stored/s and the picture, beside taky"
    )
    cot.add_argument("--quick", action="store_true", help="5 s instead of 20 s")
    cot.add_argument("--devices", type=int, default=200)
    cot.set_defaults(run=_cot)


def _fieldapp(_: argparse.Namespace) -> int:
    from bench.fieldapp import run

    return run()


def _erase(args: argparse.Namespace) -> int:
    from bench.erase import run

    database_url = Settings().database_url if args.postgres else None
    return run(quick=args.quick, database_url=database_url)


def _page(args: argparse.Namespace) -> int:
    from bench.page import run

    return run(quick=args.quick, port=args.port)


def _cot(args: argparse.Namespace) -> int:
    from bench.cot import run

    return run(quick=args.quick, devices=args.devices)


def _outage(args: argparse.Namespace) -> int:
    from bench.outage import run

    return run(quick=args.quick)


def _bombs(_: argparse.Namespace) -> int:
    from bench.bombs import run

    return run()


def _seek(args: argparse.Namespace) -> int:
    from bench.seek import run

    return run(quick=args.quick)


def _field(args: argparse.Namespace) -> int:
    from bench.field import run

    return run(quick=args.quick)


def _fanout(args: argparse.Namespace) -> int:
    from bench.fanout import run

    return run(quick=args.quick, subscribers=args.subscribers, rate=args.rate)


def _latency(args: argparse.Namespace) -> int:
    from bench.latency import run

    settings = Settings()
    return run(
        quick=args.quick,
        database_url=settings.database_url,
        redis_url=settings.redis_url,
    )


def _me(args: argparse.Namespace) -> int:
    from bench.me import run

    return run(quick=args.quick, phones=args.phones)


def _rebuild(args: argparse.Namespace) -> int:
    from bench.rebuild import run

    return run(quick=args.quick)


def _ingest(args: argparse.Namespace) -> int:
    from bench.ingest import run

    return run(quick=args.quick, submitters=args.submitters)
