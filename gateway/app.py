"""The FastAPI app: a process's runtime, opened for its lifespan, and its routes."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI

from gateway import basemap, errors, logs
from gateway.bootstrap import Runtime
from gateway.channels import channel_for
from gateway.reminders import Reminders
from gateway.routes import (
    commands,
    health,
    images,
    metrics,
    office,
    owner,
    page,
    views,
)
from gateway.routes import field as field_app
from gateway.routes.basemap import router as basemap_router
from gateway.routes.cap import operations as cap_operations
from gateway.routes.cap import router as cap_router
from gateway.routes.enrolments import router as enrolments_router
from gateway.routes.exports import router as exports_router
from gateway.routes.reports import router as reports_router
from gateway.settings import Settings
from gateway.ws import field, live
from gateway.ws.me import router as me_router
from gateway.ws.playback import router as playback_router
from gateway.ws.transport import KeepServerSend

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.basemap is not None:
        basemap.check(settings.basemap)  # a wrong path or file stops here, said plainly

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime.open(settings)
        loop = asyncio.get_running_loop()
        runtime.fanout.start(loop)
        runtime.reached.start(loop)
        runtime.gate.start(loop)
        if runtime.tak is not None:
            await runtime.tak.start()
        app.state.runtime = runtime
        reminders = None
        if settings.reminder_every > 0:
            reminders = Reminders(
                runtime, channel_for(settings), settings.reminder_every
            ).start()
        try:
            yield
        finally:
            if reminders is not None:
                await reminders.stop()
            runtime.close()

    app = FastAPI(
        title="brigade",
        summary="Incident coordination for volunteer fire and rescue brigades",
        lifespan=lifespan,
    )
    errors.install(app)
    logs.install(app)
    logs.redact_uvicorn()
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
    # The field app's server half: enrolling phones, a volunteer's own channel.
    app.include_router(enrolments_router)
    app.include_router(me_router)
    app.include_router(basemap_router)
    app.include_router(page.router)
    app.include_router(owner.router)
    app.include_router(office.router)
    app.include_router(cap_router)
    app.include_router(cap_operations)
    app.include_router(exports_router)
    app.mount("/web", page.web_files(), name="web")
    app.include_router(field_app.router)
    app.mount("/field/", field_app.field_files(), name="field-files")
    return app
