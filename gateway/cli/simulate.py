"""`brigade simulate doksuri`: play the simulated operation here or into a server."""

from __future__ import annotations

import asyncio
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from gateway.bootstrap import Runtime, describe
from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from replay.sim import Params, Simulation
    from replay.sim.drive import Tally

TOTALS = {
    "activities": "service activities",
    "storefronts": "storefronts inspected",
    "turnouts": "rescue turn-outs",
    "hornet_nests": "hornet nests",
    "rescued": "people rescued during Doksuri",
    "evacuated": "people evacuated during Doksuri",
}


def add_parser(commands: Any) -> None:
    """The `simulate` command and its one scenario so far."""
    simulate = commands.add_parser(
        "simulate", help="play a simulated operation into the store or a server"
    )
    scenarios = simulate.add_subparsers(title="scenarios", metavar="SCENARIO")
    doksuri = scenarios.add_parser(
        "doksuri",
        help="Typhoon Doksuri in Luojiang (landfall 28 July 2023) and the year's "
        "programme, with the published totals",
    )
    doksuri.add_argument("--seed", type=int, default=2023)
    doksuri.add_argument(
        "--target", metavar="URL", help="a running server (default: this store)"
    )
    doksuri.add_argument(
        "--token",
        help="with --target, a commander token the server honours (brigade token "
        "create --role commander on its store); volunteers' tokens are issued "
        "through it",
    )
    doksuri.add_argument(
        "--speed",
        type=float,
        help="field seconds per wall second (default: as fast as it goes)",
    )
    doksuri.add_argument(
        "--from",
        dest="paced_from",
        metavar="ISO",
        help="with --speed: play field time before this moment as fast as it goes "
        "(default: the storm's opening, 2023-07-27T16:00+08:00)",
    )
    doksuri.add_argument(
        "--quick",
        action="store_true",
        help="the same totals, phones reporting once a minute (ten when still)",
    )
    doksuri.add_argument(
        "--scale", type=float, help="multiply every total (not the volunteers)"
    )
    for name in (
        "volunteers",
        "activities",
        "storefronts",
        "turnouts",
        "hornet_nests",
        "rescued",
        "evacuated",
        "refusals",
    ):
        doksuri.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name)
    doksuri.add_argument("--moving-every", type=float, help="seconds (default 5)")
    doksuri.add_argument("--still-every", type=float, help="seconds (default 10)")
    doksuri.add_argument("--no-progress", action="store_true")
    doksuri.set_defaults(run=run_doksuri)


def params_from(args: argparse.Namespace) -> Params:
    from replay.sim import Params

    params = Params(seed=args.seed)
    if args.quick:
        params = params.quick()
    if args.scale is not None:
        params = params.scaled(args.scale)
    given = {
        k: v
        for k, v in vars(args).items()
        if v is not None and k in Params.__dataclass_fields__ and k != "seed"
    }
    return replace(params, **given)


def run_doksuri(args: argparse.Namespace) -> int:
    from replay.sim import STORM_OPENS, Infeasible, Simulation

    try:
        simulation = Simulation(params_from(args))
    except (Infeasible, ValueError) as error:
        print(f"brigade: {error}", file=sys.stderr)
        return 2
    print(
        f"Typhoon Doksuri, seed {simulation.params.seed}: {len(simulation):,} "
        f"commands ({simulation.positions:,} positions, {simulation.refusals} "
        "dispatches the rules must refuse)"
    )
    try:
        args.paced_from = (
            datetime.fromisoformat(args.paced_from) if args.paced_from else STORM_OPENS
        )
        if args.paced_from.tzinfo is None:
            raise ValueError("--from needs a time zone, e.g. +08:00")
    except ValueError as error:
        print(f"brigade: {error}", file=sys.stderr)
        return 2
    if args.target:
        return _remote(args, simulation)
    return _here(args, simulation)


def _bar(
    args: argparse.Namespace,
) -> AbstractContextManager[Callable[[Tally], None] | None]:
    """The bar of commands sent on stderr, unless --no-progress."""
    from gateway.cli import progress

    return nullcontext() if args.no_progress else progress.commands()


def _here(args: argparse.Namespace, simulation: Simulation) -> int:
    from replay.sim.drive import WriterSink, play

    settings = Settings()
    print(f"store: {describe(settings)}")
    with Runtime.open(settings) as runtime:
        before = runtime.brigade.recorder.max_notification_id() or 0
        with _bar(args) as progress:
            tally = asyncio.run(
                play(
                    simulation,
                    WriterSink(runtime.writer, runtime.blobs.put),
                    total=len(simulation),
                    speed=args.speed,
                    paced_from=args.paced_from,
                    progress=progress,
                )
            )
        after = runtime.brigade.recorder.max_notification_id() or 0
        _said(tally, after - before)
        runtime.follower.catch_up()
        stats = runtime.follower.views["stats"].rows
    return _totals(simulation, stats, tally)


def _remote(args: argparse.Namespace, simulation: Simulation) -> int:
    from replay.sim.drive import play
    from replay.sim.remote import RemoteError, RemoteSink

    if not args.token:
        # A token is good only where its issue is in the log: the server's store.
        print(
            "brigade: give --token, a commander token the server honours (made on "
            "its store: brigade token create --role commander --name simulator)",
            file=sys.stderr,
        )
        return 2

    async def drive(
        progress: Callable[[Tally], None] | None,
    ) -> tuple[Tally, dict[str, Any]]:
        sink = RemoteSink(args.target, args.token)
        try:
            tally = await play(
                simulation,
                sink,
                total=len(simulation),
                speed=args.speed,
                paced_from=args.paced_from,
                progress=progress,
            )
            stats = {
                str(op): (await sink.views("stats", op)).get(str(op), {})
                for op in simulation.operations().values()
            }
            return tally, stats
        finally:
            await sink.close()

    print(
        f"target: {args.target}; field actions over each volunteer's /ws/field, "
        "with tokens the server issues them"
    )
    try:
        with _bar(args) as progress:
            tally, stats = asyncio.run(drive(progress))
    except RemoteError as error:
        print(f"brigade: {error}", file=sys.stderr)
        return 1
    _said(tally, None)
    return _totals(simulation, stats, tally)


def _said(tally: Tally, events: int | None) -> None:
    refused = ", ".join(f"{code} {n}" for code, n in sorted(tally.refused.items()))
    appended = "" if events is None else f", {events:,} events appended"
    print(
        f"{tally.sent:,} commands in {tally.seconds:.1f} s{appended}: "
        f"{tally.accepted:,} accepted ({tally.replayed:,} already recorded), "
        f"refused: {refused or 'none'}"
    )
    if tally.mismatches:
        print(f"{tally.mismatches} outcomes differ from the plan:", file=sys.stderr)
        for line in tally.examples:
            print(f"  {line}", file=sys.stderr)


def _totals(simulation: Simulation, stats: dict[str, Any], tally: Tally) -> int:
    from replay.sim import expected, published

    shown = published(stats, simulation)
    wanted = expected(simulation.params)
    print("published figure                      stats view  asked for")
    for key, label in TOTALS.items():
        mark = "" if shown[key] == wanted[key] else "   <- differs"
        print(f"{label:<36} {shown[key]:>11,} {wanted[key]:>10,}{mark}")
    ops = simulation.operations()
    print(
        f"operations: programme {ops['programme']}, doksuri {ops['doksuri']}; "
        f"all six figures: brigade report {ops['programme']} {ops['doksuri']}"
    )
    return 0 if tally.ok and shown == wanted else 1
