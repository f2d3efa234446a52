"""Views of the log: pure, deterministic reducers that emit position-stamped changes."""
