"""A private PostgreSQL cluster per test module, to stop and start at will.

Never the shared server on 5432: `initdb` in a temporary folder on a free port
(`bench.pgcluster`). Import the fixture into a test module to use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bench.pgcluster import Cluster, private_cluster

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Cluster", "pg_cluster"]


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[Cluster]:
    """A running private cluster for the module; each test leaves it running."""
    with private_cluster() as cluster:
        yield cluster
