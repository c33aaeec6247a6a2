"""In-app alerts: the user's own, their agencies' and (for admins) the system's; read / unread."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import or_
from sqlmodel import Session, func, select

from engine.errors import NotFound
from engine.models import Alert
from engine.queries import visible_agency_ids

from ..deps import Principal, current, get_session
from ..schemas.alerts import AlertPage, AlertRead
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/alerts", tags=["提醒"], responses={**COMMON, **errors(404)})


def _visible(session: Session, p: Principal):
    agencies = visible_agency_ids(session, p.actor)
    is_admin = p.actor.platform_admin or any(role == "admin" for _, role in p.actor.grants)
    conds = [Alert.user_id == p.user.id, (Alert.user_id.is_(None)) & (Alert.agency_id.in_(agencies))]
    if is_admin:
        conds.append(Alert.agency_id.is_(None))
    return or_(*conds)


@router.get("", summary="我的提醒", response_model=AlertPage, description="本人承办的、所在机关的，以及（管理员）系统级提醒；可只看未读。")
def list_alerts(unread: bool = False, page: Annotated[int, Query(ge=1, le=10000)] = 1,
                page_size: Annotated[int, Query(ge=1, le=200)] = 50,
                p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    q = select(Alert).where(_visible(session, p))
    if unread:
        q = q.where(Alert.read_at.is_(None))
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    unread_n = session.exec(select(func.count()).select_from(select(Alert).where(_visible(session, p), Alert.read_at.is_(None)).subquery())).one()
    rows = session.exec(q.order_by(Alert.created_at.desc(), Alert.id.desc()).offset((page - 1) * page_size).limit(page_size)).all()
    return {"total": total, "unread": unread_n,
            "items": [{"id": a.id, "kind": a.kind, "message": a.message, "application_id": a.application_id,
                       "due_date": a.due_date.isoformat() if a.due_date else None,
                       "created_at": a.created_at.isoformat(), "read": a.read_at is not None} for a in rows]}


@router.post("/{alert_id}/read", summary="标记为已读", response_model=AlertRead)
def mark_read(alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], p: Principal = Depends(current),
              session: Session = Depends(get_session)) -> dict:
    alert = session.exec(select(Alert).where(Alert.id == alert_id, _visible(session, p))).first()
    if alert is None:
        raise NotFound("提醒不存在")
    if alert.read_at is None:
        alert.read_at = datetime.now(timezone.utc)
        session.add(alert)
        session.commit()
    return {"id": alert.id, "read": True}
