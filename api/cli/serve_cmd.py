"""``ogi serve``: run the HTTP server with the configured host and port."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def serve(
    host: Annotated[Optional[str], typer.Option("--host")] = None,
    port: Annotated[Optional[int], typer.Option("--port")] = None,
    workers: Annotated[int, typer.Option("--workers")] = 1,
) -> None:
    """启动 HTTP 服务（API 与工作台）。"""
    import uvicorn

    from engine.settings import get_settings

    settings = get_settings()
    uvicorn.run("api.main:app", host=host or settings.host, port=port or settings.port, workers=workers)
