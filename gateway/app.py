"""The FastAPI app: the store, the write path and the views, wired for a process."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from domain.write import CommandWriter
from gateway import errors, logs
from gateway.blobs import DiskBlobs
from gateway.bootstrap import open_store
from gateway.deps import Service
from gateway.metrics import Metrics
from gateway.routes import commands, health, images, metrics, page, views
from gateway.routes.reports import router as reports_router
from gateway.settings import Settings
from gateway.tokens import signing_key
from gateway.ws import field, live
from gateway.ws.common import KeepServerSend
from gateway.ws.playback import router as playback_router
from projections.follower import Follower
from projections.stream import StreamRelay
from replay.seekpoints import SeekKeeper
from replay.timetravel import TimeTravel

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        brigade = open_store(settings)
        writer = CommandWriter(brigade)
        follower = Follower(brigade, checkpoints=brigade.checkpoints)
        relay = None
        if settings.redis_url:
            relay = StreamRelay(
                follower, settings.redis_url, stream=settings.redis_stream
            ).start()
        follower.start()
        writer.on_events(follower.offer)
        blobs = DiskBlobs(settings.data_dir / "blobs")
        app.state.service = Service(
            brigade, writer, follower, signing_key(settings), blobs
        )
        app.state.metrics.watch(app.state.service)
        # Replay's seek points are made as the log grows, not at the first look.
        app.state.time_travel = TimeTravel(brigade)
        seek_points = SeekKeeper(app.state.time_travel.index).follow(follower).start()
        try:
            yield
        finally:
            seek_points.stop()
            writer.close()
            follower.stop()
            if relay is not None:
                relay.stop()
            brigade.close()

    app = FastAPI(
        title="brigade",
        summary="Incident coordination for volunteer fire and rescue brigades",
        lifespan=lifespan,
    )
    app.state.metrics = Metrics()
    app.state.settings = settings
    errors.install(app)
    logs.install(app)
    # The live socket cuts stalled clients through the server's transport.
    app.add_middleware(KeepServerSend)
    app.include_router(health.router)
    app.include_router(commands.router)
    app.include_router(views.router)
    app.include_router(reports_router)
    app.include_router(images.router)
    app.include_router(metrics.router)
    app.include_router(live.router)
    app.include_router(field.router)
    app.include_router(playback_router)
    app.include_router(page.router)
    return app
