"""One server per module for the bad-input corpus, with a world its cases break."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from badinput import World, bodies
from conftest import serving

from domain.types import Role
from gateway.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import Api


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'brigade.sqlite3'}",
        data_dir=folder / "data",
        secret="test",
    )
    with serving(settings) as api:
        api.bearer(Role.COMMANDER)  # issued (and stored) once, before any case
        yield api


@pytest.fixture(scope="module")
def world(server: Api) -> World:
    return World.made(server)


@pytest.fixture(scope="module")
def valid(world: World) -> dict[str, dict[str, Any]]:
    """A body per command the module's world accepts."""
    return bodies(world)
