"""The FastAPI application: ``uvicorn api.main:app``."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from . import problems
from .middleware import RequestContext, redact_uvicorn_access_log
from .schemas.problems import document
from .routers import (admin, alerts, applications, auth, calendar, documents, fees, health, letters, online_intake,
                      proactive, public, redactions, reports)

API_PREFIX = "/api/v1"
# The API first: routes are matched in order, and most requests are API calls.
API_ROUTERS = (applications.router, auth.router, letters.router, fees.router, alerts.router, reports.router,
               calendar.router, admin.router, redactions.router, proactive.router, documents.router, public.router,
               online_intake.router)


def warm_up(connections: int = 4) -> None:
    """What a new worker's first requests would otherwise wait for (~0.3 s each, and longer when a
    restarted worker meets a burst): the calendars built, the database dialect set up and a few pool
    connections opened, the event statement compiled, the letter desk and the PDF renderer imported."""
    import weasyprint  # noqa: F401

    from engine.calendar_registry import get_registry
    from engine.db import get_engine, new_session
    from engine.errors import NotFound
    from engine.case_repository import load_case

    from .hooks import letter_desk

    get_registry().warm()
    letter_desk()
    try:
        engine = get_engine()
        opened = [engine.connect() for _ in range(connections)]
        for conn in opened:
            conn.close()  # back to the pool, open
        with new_session() as session:
            try:
                load_case(session, 0, lock=True)  # no such application: compiles and caches the statement
            except NotFound:
                pass
    except SQLAlchemyError as exc:  # not migrated yet, or not reachable: serve anyway, say why
        logging.getLogger("ogi").warning("数据库预热失败（%s）；请求将在数据库可用后正常处理", type(exc).__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Warm up before taking requests (uvicorn starts accepting after this); start the scheduler with
    the app when OGI_SCHEDULER=1 (leader election keeps it single)."""
    import anyio.to_thread

    from engine.settings import get_settings

    # Requests beyond this wait on the event loop (cheap), not as threads holding connections.
    anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().worker_threads
    warm_up()
    # What start-up built (the app, the calendars, the PDF renderer: ~190,000 objects) lives as long as
    # the worker: keep it out of the collector's full passes, which otherwise each stall every request
    # of the worker for tens of milliseconds.
    gc.collect()
    gc.freeze()
    service = None
    if get_settings().scheduler:
        from engine.alerting.scheduler import SchedulerService

        from .hooks import letter_desk

        service = SchedulerService(letters=letter_desk())
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
    redact_uvicorn_access_log()
    problems.install(app)
    document(app)
    app.add_middleware(RequestContext)
    app.include_router(health.router)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    from fastapi.staticfiles import StaticFiles

    from .web import calendar_pages, online_intake, pages, portal, print_pages, proactive as proactive_pages, redaction_pages

    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.include_router(portal.router)
    app.include_router(online_intake.router)
    app.include_router(print_pages.router)
    app.include_router(calendar_pages.router)
    app.include_router(pages.router)
    app.include_router(redaction_pages.router)
    app.include_router(proactive_pages.router)
    return app


app = create_app()
