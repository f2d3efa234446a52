"""Adapters between the domain application and its event store (SQLite, PostgreSQL)."""
