from __future__ import annotations

from fastapi import APIRouter

from ..schemas.base import Done

router = APIRouter(tags=["运行状态"])


@router.get("/healthz", summary="健康检查", response_model=Done, description="服务在运行时返回 `{\"status\": \"ok\"}`。")
def healthz() -> dict:
    return {"status": "ok"}
