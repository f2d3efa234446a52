"""An owner's link: the owner page's address with the token, and its QR code.

The token rides in the fragment (`/owner#token=...`): a browser never sends the
fragment to a server, so it is in no access log and no Referer. The QR code is
an SVG (segno) to print on the inspection notice.
"""

from __future__ import annotations

import io

import segno


def owner_link(base_url: str, token: str) -> str:
    """The address an owner opens: this server's owner page, signed in."""
    return f"{base_url.rstrip('/')}/owner#token={token}"


def qr_svg(link: str) -> str:
    """The link as a QR code, an SVG document with no scripts and no XML header."""
    # Error correction M: a notice taped to a shop door gets dirty and torn.
    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True)
    return out.getvalue().decode("ascii")


def owner_notice(base_url: str, token: str) -> dict[str, str]:
    """What an inspection notice prints: the link, and the link as a QR code."""
    link = owner_link(base_url, token)
    return {"link": link, "qr_svg": qr_svg(link)}
