"""`brigade token`: issue, list and revoke tokens in the store; rotate the keys.

Issues and revocations are recorded in the log, as over HTTP, by a commander at
this machine's terminal; every gateway serving the store honours them within
two seconds. The keys are BRIGADE_SECRET's or the data directory's key file's.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.types import Role
from gateway.bootstrap import ConfigurationError
from gateway.settings import Settings

if TYPE_CHECKING:
    import argparse

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_TTL = re.compile(r"(\d+)([smhdw])")


def duration(text: str) -> int:
    """Seconds in `90s`, `15m`, `12h`, `30d`, `2w` (or several: `1d12h`)."""
    parts = _TTL.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        msg = f"a duration such as 12h, 30d or 1d12h, not {text!r}"
        raise ValueError(msg)
    return sum(int(n) * UNITS[u] for n, u in parts)


def add_parser(commands: Any) -> None:
    token = commands.add_parser("token", help="bearer tokens: issue, list, revoke")
    sub = token.add_subparsers(title="token commands", metavar="COMMAND")

    create = sub.add_parser("create", help="record a token's issue and print it")
    create.set_defaults(run=create_token)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--volunteer", help="the volunteer it acts as (role volunteer)")
    create.add_argument(
        "--name", default="", help="who holds it (a commander's or observer's name)"
    )
    create.add_argument(
        "--ttl",
        help="how long it lasts: 12h, 30d... (default by role: commander 30d, "
        "observer 90d, volunteer 180d, officer 30d, owner 60d)",
    )
    create.add_argument("--premises", help="the premises it acts on (role owner)")
    create.add_argument(
        "--qr", metavar="FILE", help="role owner: write the owner's link as a QR SVG"
    )
    create.add_argument(
        "--url",
        default="http://127.0.0.1:8000",
        help="role owner: the server's address as owners reach it, for the link",
    )

    listing = sub.add_parser("list", help="the tokens that work now")
    listing.set_defaults(run=list_tokens)
    listing.add_argument(
        "--all", action="store_true", help="expired and revoked ones too"
    )

    revoke = sub.add_parser("revoke", help="stop a token working, on every gateway")
    revoke.set_defaults(run=revoke_token)
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.add_argument("--reason", default="", help="why (kept in the log)")

    rotate = sub.add_parser(
        "rotate", help="a new signing key in the data directory; --retire an old one"
    )
    rotate.set_defaults(run=rotate_keys)
    rotate.add_argument(
        "--retire", metavar="KID", help="take this key out: its tokens stop working"
    )


def create_token(args: argparse.Namespace) -> int:
    """`brigade token create`: the issue recorded, the token printed."""
    from gateway.credentials import Grant, Refused, issue_into

    try:
        role = Role(args.role)
        volunteer = UUID(args.volunteer) if args.volunteer else None
        premises = UUID(args.premises) if args.premises else None
        ttl = duration(args.ttl) if args.ttl else None
    except ValueError as error:
        return _said(f"brigade: {error}", 2)
    if role is Role.VOLUNTEER and volunteer is None:
        return _said("brigade: a volunteer token needs --volunteer ID", 2)
    if role is Role.OWNER and premises is None:
        return _said("brigade: an owner's token needs --premises ID", 2)
    try:
        grant = Grant(role, volunteer, args.name, ttl, premises_id=premises)
        issued = issue_into(Settings(), grant)
    except Refused as refused:
        return _said(f"brigade: {refused}", 1)
    claims = issued.claims
    expires = datetime.fromtimestamp(claims.expires_at, UTC)
    print(issued.token)
    if role is Role.OWNER and args.qr:
        from gateway.owner_links import owner_notice

        notice = owner_notice(args.url, issued.token)
        with open(args.qr, "w", encoding="ascii") as out:
            out.write(notice["qr_svg"])
        _said(f"the owner's link, as a QR code in {args.qr}", 0)
    _said(
        f"token {claims.token_id}: {claims.role.value} {claims.subject}, "
        f"expires {expires:%Y-%m-%d %H:%M} UTC",
        0,
    )
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    """`brigade token list`: live tokens (not expired, not revoked), or all."""
    from gateway.bootstrap import Runtime
    from gateway.credentials import tool

    with Runtime.open(tool(Settings())) as runtime:
        rows = list(runtime.follower.views["credentials"].rows.values())
    now = datetime.now(UTC)
    shown = []
    for row in sorted(rows, key=lambda r: (r["issued_at"], r["id"])):
        state = status(row, now)
        if args.all or state == "live":
            shown.append((row, state))
    if not shown:
        print("no live tokens" if not args.all else "no tokens")
        return 0
    print(f"{'token id':<36}  {'role':<9}  {'status':<7}  {'expires (UTC)':<16}  who")
    for row, state in shown:
        expires = datetime.fromisoformat(row["expires_at"]).astimezone(UTC)
        who = row["subject"] + (
            f" ({row['name']})" if row["name"] != row["subject"] else ""
        )
        print(
            f"{row['id']:<36}  {row['role']:<9}  {state:<7}  "
            f"{expires:%Y-%m-%d %H:%M}  {who}; issued by {row['issued_by']}"
        )
    return 0


def status(row: dict[str, Any], now: datetime) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    if datetime.fromisoformat(row["expires_at"]) <= now:
        return "expired"
    return "live"


def revoke_token(args: argparse.Namespace) -> int:
    """`brigade token revoke TOKEN_ID`: recorded; every gateway refuses it."""
    from domain import commands as c
    from domain.ids import uuid7
    from gateway.bootstrap import Runtime
    from gateway.credentials import terminal, tool

    try:
        token_id = UUID(args.token_id)
    except ValueError:
        return _said("brigade: TOKEN_ID is a token's id (brigade token list)", 2)
    command = c.RevokeToken(
        command_id=uuid7(),
        actor=terminal(),
        occurred_at=datetime.now(UTC),
        token_id=token_id,
        reason=args.reason,
    )
    with Runtime.open(tool(Settings())) as runtime:
        outcome = runtime.writer.execute(command)
    if outcome.rejection is not None:
        why = outcome.rejection
        return _said(f"brigade: {why.message} [{why.code}]", 1)
    print(f"revoked {token_id}")
    return 0


def rotate_keys(args: argparse.Namespace) -> int:
    """`brigade token rotate [--retire KID]`: the data directory's key file."""
    from gateway import keys as ring

    settings = Settings()
    if settings.secret:
        raise ConfigurationError(
            "the keys come from BRIGADE_SECRET: put a new id:secret first there, on "
            "every gateway (docs/operations.md, Tokens)"
        )
    path = settings.data_dir / ring.KEY_FILE
    if args.retire:
        keys = ring.retire(path, args.retire)
    else:
        keys = ring.rotate(path)
    print(f"signing with {keys[0].id}", end="")
    older = ", ".join(key.id for key in keys[1:])
    print(f"; still verifying {older}" if older else "")
    return 0


def _said(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code
