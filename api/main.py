"""The FastAPI application: ``uvicorn api.main:app``."""

from __future__ import annotations

import logging
from pathlib import Path
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import problems
from .middleware import RequestContext
from .routers import admin, alerts, applications, auth, calendar, fees, health, letters, reports

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Start the scheduler with the app when OGI_SCHEDULER=1 (leader election keeps it single)."""
    from engine.calendar_registry import get_registry
    from engine.settings import get_settings

    get_registry()  # read the calendars now, not during the first request
    service = None
    if get_settings().scheduler:
        from engine.alerting.scheduler import SchedulerService

        from .hooks import engine_hooks

        service = SchedulerService(hooks=engine_hooks())
        service.start()
    yield
    if service is not None:
        service.stop()


def create_app() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = FastAPI(
        title="OGI Workflow 依申请公开工作流引擎",
        version="0.1.0",
        description="政府信息公开申请办理：登记、审核、办理、答复、归档；工作日期限、收费核准、答复文书。",
        lifespan=lifespan,
    )
    problems.install(app)
    app.add_middleware(RequestContext)
    app.include_router(health.router)
    # The API first: routes are matched in order, and most requests are API calls.
    for router in (applications.router, auth.router, letters.router, fees.router, alerts.router, reports.router,
                   calendar.router, admin.router):
        app.include_router(router, prefix=API_PREFIX)
    from fastapi.staticfiles import StaticFiles

    from .web import pages

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(pages.router)
    return app


app = create_app()
