"""Moved to `gateway/ws/transport.py`; kept while the command line imports it here."""

from gateway.ws.transport import ReadAheadWebSockets, websocket_options

__all__ = ["ReadAheadWebSockets", "websocket_options"]
