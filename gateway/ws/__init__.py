"""WebSocket endpoints: live views for the command centre (field commands next)."""
