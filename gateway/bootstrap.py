"""The one place that wires brigade: settings -> store -> application -> writer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.application import Brigade
from domain.store.config import describe_store, store_env
from domain.write import CommandWriter

if TYPE_CHECKING:
    from gateway.settings import Settings


class ConfigurationError(Exception):
    """The settings name a store brigade cannot use; the message says why."""


def _env(settings: Settings) -> dict[str, str]:
    try:
        return store_env(settings.database_url, settings.data_dir)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def open_store(settings: Settings) -> Brigade:
    """The application on the configured store (default: SQLite in the data dir)."""
    return Brigade(env=_env(settings))


def describe(settings: Settings) -> str:
    return describe_store(_env(settings))


def start_writer(app: Brigade) -> CommandWriter:
    return CommandWriter(app)
