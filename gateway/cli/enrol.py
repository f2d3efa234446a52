"""`brigade enrol VOLUNTEER`: a one-time enrolment for a volunteer's phone, as a link
and a QR code in the terminal (the same as `CreateEnrolment` over HTTP).

Recorded in the store by a commander at this machine's terminal; any gateway
serving the store takes the code (it is made with the same keys).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    import argparse

    from gateway.bootstrap import Runtime


def add_parser(commands: Any) -> None:
    enrol = commands.add_parser(
        "enrol",
        help="a one-time link and QR code that gives a volunteer's phone a token",
    )
    enrol.set_defaults(run=enrol_volunteer)
    enrol.add_argument("volunteer", metavar="VOLUNTEER", help="their id, or their name")
    enrol.add_argument(
        "--minutes", type=int, default=None, help="how long the code works (default 15)"
    )
    enrol.add_argument(
        "--url",
        help="where phones reach the server (default BRIGADE_PUBLIC_URL, else "
        "http://BRIGADE_HOST:BRIGADE_PORT)",
    )
    enrol.add_argument("--svg", metavar="FILE", help="also write the QR code as SVG")
    enrol.add_argument("--no-qr", action="store_true", help="print the link only")


def find_volunteer(runtime: Runtime, given: str) -> UUID | str:
    """The volunteer's id, from an id or a unique name; else what is wrong."""
    rows = runtime.follower.views["roster"].rows
    try:
        volunteer_id = UUID(given)
    except ValueError:
        named = [row["id"] for row in rows.values() if row["name"] == given.strip()]
        if len(named) == 1:
            return UUID(named[0])
        if named:
            return f"{len(named)} volunteers are named {given!r}: give the id"
        return f"no volunteer named {given!r}"
    return volunteer_id


def enrol_volunteer(args: argparse.Namespace) -> int:
    from domain import commands as c
    from domain.ids import uuid7
    from gateway import enrolment
    from gateway.bootstrap import Runtime
    from gateway.credentials import terminal, tool
    from gateway.settings import Settings

    settings = Settings()
    base = args.url or settings.public_url or f"http://{settings.host}:{settings.port}"
    with Runtime.open(tool(settings)) as runtime:
        found = find_volunteer(runtime, args.volunteer)
        if isinstance(found, str):
            print(f"brigade: {found}", file=sys.stderr)
            return 1
        outcome = runtime.writer.execute(
            c.CreateEnrolment(
                command_id=uuid7(),
                actor=terminal(),
                occurred_at=datetime.now(UTC),
                volunteer_id=found,
                ttl_minutes=args.minutes,
            )
        )
        if outcome.rejection is not None:
            why = outcome.rejection
            print(f"brigade: {why.message} [{why.code}]", file=sys.stderr)
            return 1
        made = enrolment.answer(runtime.keys, base, outcome.result)
    expires = datetime.fromisoformat(made["expires_at"]).astimezone(UTC)
    if not args.no_qr:
        print(enrolment.qr_terminal(made["link"]))
    print(made["link"])
    print(
        f"enrolment {made['enrolment_id']} for {made['name']}: open it on their "
        f"phone, once, before {expires:%Y-%m-%d %H:%M} UTC",
        file=sys.stderr,
    )
    if args.svg:
        with open(args.svg, "w", encoding="utf-8") as out:
            out.write(made["qr_svg"])
    return 0
