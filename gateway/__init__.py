"""The edge: the command line, and (later) HTTP and WebSocket access to brigade."""
