"""The administration audit log: record an administrative change (in the caller's transaction) and
read it back for legal staff (their agencies) and the platform administrator (everything)."""

from __future__ import annotations

from dataclasses import dataclass

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from .actors import Actor
from .errors import Forbidden, InputError
from .models import AdminEvent

ACTIONS = {
    "user_create": "新增用户",
    "role_grant": "授予角色",
    "role_revoke": "收回角色",
    "password_reset": "重设密码",
    "user_deactivate": "停用账号",
    "user_activate": "启用账号",
    "agency_create": "新增机关",
    "agency_update": "修改机关设置",
    "calendar_import": "导入放假安排",
    "platform_admin_change": "变更平台管理员",
    "report_freeze": "冻结年度报告",
    "proactive_disclosure_decision": "认定主动公开候选事项",
    "guide_update": "修改申请指南",
    "online_not_application": "答复网上申请不属于政府信息公开申请",
}
SECRET_WORDS = ("secret", "password", "token")
MASK = "******"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def mask(value):
    """The details with every secret replaced: a key naming a secret keeps only whether it was set."""
    if isinstance(value, dict):
        return {k: (MASK if v else "") if any(w in str(k).lower() for w in SECRET_WORDS) else mask(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


@dataclass(frozen=True)
class Origin:
    """Where the request came from, for the audit log."""

    ip: str = ""
    user_agent: str = ""


def record_admin_event(session: Session, actor: Actor, action: str, *, agency_id: int | None, target: str,
                       details: dict | None = None, ip: str = "", user_agent: str = "") -> AdminEvent:
    """Add one row to the log in the caller's transaction (no commit: it commits with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown admin action {action!r}")
    event = AdminEvent(actor_id=actor.user_id, actor_name=actor.name[:100], action=action,
                       action_label=ACTIONS[action], agency_id=agency_id, target=target[:300],
                       details=mask(details or {}), ip=(ip or "")[:64], user_agent=(user_agent or "")[:200])
    session.add(event)
    return event


def readable_agencies(actor: Actor) -> set[int] | None:
    """None: every entry (the platform admin); otherwise the agencies where the actor is legal staff."""
    if actor.platform_admin:
        return None
    legal = {aid for aid, role in actor.grants if role == "legal"}
    if not legal:
        raise Forbidden("只有法制审核人员（本机关）和平台管理员可以查看管理日志")
    return legal


def list_admin_events(session: Session, actor: Actor, *, agency_id: int | None = None, start: date | None = None,
                      end: date | None = None, action: str | None = None, page: int = 1,
                      page_size: int = 50) -> dict:
    """Newest first. ``start``/``end`` are days in Asia/Shanghai, inclusive."""
    allowed = readable_agencies(actor)
    if action and action not in ACTIONS:
        raise InputError(f"未知操作类型“{action}”", field="action")
    if start and end and end < start:
        raise InputError("结束日期不能早于开始日期", field="to")
    q = select(AdminEvent)
    if allowed is not None:
        if agency_id is not None and agency_id not in allowed:
            raise Forbidden("只能查看本机关的管理日志")
        q = q.where(AdminEvent.agency_id.in_(allowed))
    if agency_id is not None:
        q = q.where(AdminEvent.agency_id == agency_id)
    if start:
        q = q.where(AdminEvent.at >= _utc_midnight(start))
    if end:
        q = q.where(AdminEvent.at < _utc_midnight(end + timedelta(days=1)))
    if action:
        q = q.where(AdminEvent.action == action)
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    rows = session.exec(q.order_by(AdminEvent.at.desc(), AdminEvent.id.desc())
                        .offset((page - 1) * page_size).limit(page_size)).all()
    return {"total": total, "page": page, "page_size": page_size, "items": [
        {"id": e.id, "at": e.at.isoformat(), "actor_id": e.actor_id, "actor_name": e.actor_name, "action": e.action,
         "action_label": e.action_label, "agency_id": e.agency_id, "target": e.target, "details": e.details,
         "ip": e.ip, "user_agent": e.user_agent} for e in rows]}


def _utc_midnight(day: date) -> datetime:
    """Midnight of a Shanghai day, in UTC (SQLite keeps the UTC wall time it was given)."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(timezone.utc)
