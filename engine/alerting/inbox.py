"""The alerts a user reads: their own, their agencies' (shared by the agency's users) and, for
administrators, the system's. Reading one marks it read for everyone it was addressed to."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import or_
from sqlmodel import Session, func, select

from ..actors import Actor
from ..errors import NotFound
from ..models import Alert


def visible(session: Session, actor: Actor):
    from ..queries import visible_agency_ids

    agencies = visible_agency_ids(session, actor)
    conds = [Alert.user_id == actor.user_id, Alert.user_id.is_(None) & Alert.agency_id.in_(agencies)]
    if actor.platform_admin or any(role == "admin" for _, role in actor.grants):
        conds.append(Alert.agency_id.is_(None))
    return or_(*conds)


def as_dict(a: Alert) -> dict:
    return {"id": a.id, "kind": a.kind, "message": a.message, "application_id": a.application_id,
            "due_date": a.due_date.isoformat() if a.due_date else None, "created_at": a.created_at.isoformat(),
            "read": a.read_at is not None}


def list_alerts(session: Session, actor: Actor, *, unread: bool = False, page: int = 1, page_size: int = 50) -> dict:
    """Newest first, paged; ``total`` counts what the filter lists, ``unread`` all unread ones."""
    where = visible(session, actor)
    q = select(Alert).where(where, *([Alert.read_at.is_(None)] if unread else []))
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    unread_n = session.exec(select(func.count()).select_from(
        select(Alert).where(where, Alert.read_at.is_(None)).subquery())).one()
    rows = session.exec(q.order_by(Alert.created_at.desc(), Alert.id.desc()).offset((page - 1) * page_size)
                        .limit(page_size)).all()
    return {"total": total, "unread": unread_n, "page": page, "page_size": page_size,
            "pages": -(-total // page_size), "items": [as_dict(a) for a in rows]}


def mark_read(session: Session, actor: Actor, alert_id: int) -> Alert:
    """Marks one alert read (again: no change); another user's or agency's alert is not found."""
    alert = session.exec(select(Alert).where(Alert.id == alert_id, visible(session, actor))).first()
    if alert is None:
        raise NotFound("提醒不存在")
    if alert.read_at is None:
        alert.read_at = datetime.now(timezone.utc)
        session.add(alert)
        session.commit()
    return alert


def mark_all_read(session: Session, actor: Actor) -> int:
    """Every unread alert the user sees, read now; returns how many."""
    rows = session.exec(select(Alert).where(visible(session, actor), Alert.read_at.is_(None))).all()
    now = datetime.now(timezone.utc)
    for alert in rows:
        alert.read_at = now
        session.add(alert)
    session.commit()
    return len(rows)
