"""uvicorn's WebSocket protocol, reading ahead a few messages instead of one.

uvicorn's `websockets-sansio` protocol stops reading the socket after every
message and starts again once the app has taken it: two `epoll_ctl` calls per
frame. Under `brigade bench field` (hundreds of small frames a second on each of
200 sockets) that was about 7% of the server's samples. This protocol stops
reading when READ_AHEAD messages wait for the app, or after any message larger
than SMALL bytes, so a client that floods a connection is still held back, by a
short queue of small frames instead of a one-slot one.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import (
    WebSocketsSansIOProtocol,
)

READ_AHEAD = 32
SMALL = 64 * 1024


class ReadAheadWebSockets(WebSocketsSansIOProtocol):
    def send_receive_event_to_app(self) -> None:
        size = sum(len(part) for part in self.frames)
        paused = self.read_paused
        self.read_paused = True  # so the base class does not pause reading itself
        try:
            super().send_receive_event_to_app()
        finally:
            self.read_paused = paused
        if not paused and (self.queue.qsize() >= READ_AHEAD or size > SMALL):
            self.read_paused = True
            self.transport.pause_reading()


def websocket_options() -> dict[str, Any]:
    """uvicorn's WebSocket settings for every brigade server: serve, demo, tests.

    Per-message compression off: it costs each connection its own zlib state,
    and the live fan-out writes one frame's bytes to every connection.
    """
    return {"ws": ReadAheadWebSockets, "ws_per_message_deflate": False}
