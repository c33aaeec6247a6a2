"""In-app alerts: the user's own, their agencies' and (for admins) the system's; read / unread."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlmodel import Session

from engine.alerting import inbox

from ..deps import Principal, current, get_session
from ..schemas.alerts import AlertPage, AlertRead, AlertsMarked
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/alerts", tags=["提醒"], responses={**COMMON, **errors(404)})


@router.get("", summary="我的提醒", response_model=AlertPage, description="本人承办的、所在机关的，以及（管理员）系统级提醒；可只看未读。")
def list_alerts(unread: bool = False, page: Annotated[int, Query(ge=1, le=10000)] = 1,
                page_size: Annotated[int, Query(ge=1, le=200)] = 50,
                p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return inbox.list_alerts(session, p.actor, unread=unread, page=page, page_size=page_size)


@router.post("/read", summary="全部标记为已读", response_model=AlertsMarked)
def mark_all_read(p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return {"marked": inbox.mark_all_read(session, p.actor)}


@router.post("/{alert_id}/read", summary="标记为已读", response_model=AlertRead)
def mark_read(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], p: Principal = Depends(current),
              session: Session = Depends(get_session)) -> dict:
    alert = inbox.mark_read(session, p.actor, alert_id)
    return {"id": alert.id, "read": True}
