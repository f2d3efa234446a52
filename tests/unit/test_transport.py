"""The uvicorn internals the live fan-out and the read-ahead rely on are there.

If one of these fails after an upgrade, brigade still serves: frames go through
the protocol's own `send` (slower), but the pins in pyproject.toml and
`gateway/ws/transport.py` should be looked at before the upgrade ships.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import uvicorn
from uvicorn.server import ServerState

from gateway.ws import transport
from gateway.ws.transport import ReadAheadWebSockets, websocket_options

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send


async def nothing(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app that is never called: the protocol only needs one to exist."""


def protocol() -> ReadAheadWebSockets:
    """uvicorn's WebSocket protocol, as `brigade serve` makes one per connection."""
    config = uvicorn.Config(nothing, **websocket_options())
    loop = asyncio.new_event_loop()
    try:
        return ReadAheadWebSockets(config, ServerState(), {}, _loop=loop)
    finally:
        loop.close()


def test_uvicorns_protocol_still_has_what_the_fast_paths_read() -> None:
    gone = transport.missing(protocol())
    assert not gone, (
        f"uvicorn's WebSocketsSansIOProtocol no longer has {', '.join(gone)}: the "
        "fan-out's direct path falls back to the protocol's send (and reading ahead "
        "may fail); check gateway/ws/transport.py"
    )


def test_with_no_compression_frames_may_be_written_past_the_protocol() -> None:
    found = protocol()
    # What the server hands the app as `send` is the protocol's own method.
    assert transport.plain_protocol(found.send) is found


def test_a_protocol_without_what_the_direct_path_reads_is_sent_through() -> None:
    class Older:
        """A protocol whose connection state is kept elsewhere."""

        conn = protocol().conn
        transport = None

        async def send(self, message: object) -> None:
            """Never called."""

    assert transport.missing(Older()) != []
    assert transport.plain_protocol(Older().send) is None
