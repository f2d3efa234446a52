"""The one place that wires brigade together: settings -> store -> application -> writer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.app import Brigade
from domain.store.config import describe_store, store_env
from domain.writer import CommandWriter

if TYPE_CHECKING:
    from gateway.settings import Settings


def open_store(settings: Settings) -> Brigade:
    """The application on the configured store (SQLite in the data directory by default)."""
    return Brigade(env=store_env(settings.database_url, settings.data_dir))


def describe(settings: Settings) -> str:
    return describe_store(store_env(settings.database_url, settings.data_dir))


def start_writer(app: Brigade) -> CommandWriter:
    return CommandWriter(app)
