"""`brigade alert take OPERATION FILE|URL`: an outside CAP alert taken in as a warning.

The same intake as `POST /operations/{id}/alerts` (gateway/cap/), written to the
configured store by a commander at this machine's terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse


def add_parser(commands: Any) -> None:
    alert = commands.add_parser("alert", help="CAP alerts: take one in as a warning")
    sub = alert.add_subparsers(title="alert commands", metavar="COMMAND")
    take = sub.add_parser(
        "take", help="take in an outside CAP 1.2 alert (a file or a URL)"
    )
    take.set_defaults(run=take_alert)
    take.add_argument("operation_id", metavar="OPERATION_ID")
    take.add_argument("source", metavar="FILE_OR_URL")


def take_alert(args: argparse.Namespace) -> int:
    from gateway.bootstrap import Runtime
    from gateway.cap.intake import MAX_BYTES, Refused, fetch
    from gateway.cap.take import taken
    from gateway.credentials import terminal, tool

    try:
        operation_id = UUID(args.operation_id)
    except ValueError:
        return _said("brigade: OPERATION_ID is an operation's id", 2)
    source: str = args.source
    try:
        if source.startswith(("http://", "https://")):
            document = fetch(source)
        else:
            with Path(source).open("rb") as file:
                document = file.read(MAX_BYTES + 1)
        with Runtime.open(tool(Settings())) as runtime:
            runtime.follower.catch_up()
            alert, command = taken(runtime, operation_id, document, terminal())
            outcome = runtime.writer.execute(command)
    except Refused as refused:
        return _said(f"brigade: {refused.message} [{refused.code}]", 1)
    except OSError as error:
        return _said(f"brigade: {error}", 2)
    if outcome.rejection is not None:
        why = outcome.rejection
        return _said(f"brigade: {why.message} [{why.code}]", 1)
    warning = getattr(command, "warning_id", None) or outcome.result["warning_id"]
    said = "already taken in" if outcome.replayed else "taken in"
    print(
        f"{alert.msg_type} {alert.identifier} from {alert.sender} {said}: "
        f"{type(command).__name__} of warning {warning}"
    )
    return 0


def _said(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
