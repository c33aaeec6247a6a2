"""Delivering alerts: in-app (the alerts table itself), e-mail digests through SMTP, and signed webhooks.

Every outgoing message is a ``Delivery`` row first; sending is retried with exponential backoff
(capped at six hours) until it succeeds, so a failing mail server or receiver never loses an alert.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from datetime import date, datetime, timedelta, timezone
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid

import httpx
from sqlmodel import Session, select

from ..models import Agency, Alert, Application, Delivery, User
from ..settings import Settings
from ..states import OPEN_STATES
from ..webhook_policy import WebhookRefused, check_delivery_target

MAX_BACKOFF = timedelta(hours=6)
SIGNATURE_HEADER = "X-OGI-Signature"


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def enqueue_new_alerts(session: Session, agencies: dict[int, Agency]) -> int:
    """A webhook delivery for each new alert of an agency that has a webhook."""
    hooked = {aid: a for aid, a in agencies.items() if a.options.webhook_url}
    if not hooked:
        return 0
    since = now_utc() - timedelta(days=2)
    queued = select(Delivery.id).where(Delivery.alert_id == Alert.id, Delivery.channel == "webhook").exists()
    n = 0
    for alert in session.exec(select(Alert).where(Alert.agency_id.in_(hooked), Alert.created_at >= since, ~queued)).all():
        payload = {"id": alert.id, "key": alert.key, "kind": alert.kind, "message": alert.message,
                   "agency": hooked[alert.agency_id].code, "application_id": alert.application_id,
                   "due_date": alert.due_date.isoformat() if alert.due_date else None,
                   "created_at": alert.created_at.isoformat()}
        session.add(Delivery(alert_id=alert.id, channel="webhook", target=hooked[alert.agency_id].options.webhook_url,
                             body=json.dumps(payload, ensure_ascii=False, sort_keys=True)))
        n += 1
    session.commit()
    return n


def build_digests(session: Session, today: date, registry) -> int:
    """One e-mail per clerk with an address: their due-soon (≤ 5 WD) and overdue applications."""
    cal = registry.calendar(provisional=True)
    limit = cal.add_working_days(today, 5)
    rows = session.exec(select(Application).where(Application.status.in_(OPEN_STATES), Application.clock_state == "running",
                                                  Application.due_date <= limit, Application.handling_clerk_id.is_not(None))
                        .order_by(Application.due_date)).all()
    by_clerk: dict[int, list[Application]] = {}
    for app in rows:
        by_clerk.setdefault(app.handling_clerk_id, []).append(app)
    n = 0
    for clerk_id, apps in by_clerk.items():
        user = session.get(User, clerk_id)
        if user is None or not user.email or not user.active:
            continue
        overdue = [a for a in apps if a.due_date < today]
        lines = [f"{user.display_name}：", "", f"截至{today.year}年{today.month}月{today.day}日，您承办的申请中：",
                 f"  已逾期 {len(overdue)} 件，5个工作日内到期 {len(apps) - len(overdue)} 件。", ""]
        for a in apps:
            left = cal.working_days_between(today, a.due_date)  # negative when overdue
            state = f"已逾期{-left}个工作日" if left < 0 else ("今日到期" if left == 0 else f"剩余{left}个工作日")
            lines.append(f"  {a.number}  期限 {a.due_date}  {state}{'（暂定）' if a.due_provisional else ''}")
        lines += ["", "——OGI Workflow 依申请公开工作流引擎"]
        key = f"digest:{clerk_id}:{today}"
        if session.exec(select(Delivery.id).where(Delivery.key == key)).first():
            continue  # one digest per clerk and day
        session.add(Delivery(key=key, channel="email", target=user.email,
                             subject=f"【依申请公开】期限提醒：逾期{len(overdue)}件，即将到期{len(apps) - len(overdue)}件",
                             body="\n".join(lines)))
        n += 1
    session.commit()
    return n


def _send_email(settings: Settings, d: Delivery) -> None:
    if not settings.smtp_host:
        raise RuntimeError("SMTP not configured")
    msg = MIMEText(d.body, "plain", "utf-8")
    msg["Subject"] = Header(d.subject, "utf-8")
    msg["From"] = formataddr((str(Header("依申请公开系统", "utf-8")), settings.smtp_from))
    msg["To"] = d.target
    msg["Message-ID"] = make_msgid(domain="ogi.local")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.sendmail(settings.smtp_from, [d.target], msg.as_bytes())


def _send_webhook(session: Session, d: Delivery) -> None:
    agency_secret = ""
    if d.alert_id:
        alert = session.get(Alert, d.alert_id)
        agency = session.get(Agency, alert.agency_id) if alert and alert.agency_id else None
        agency_secret = agency.options.webhook_secret if agency else ""
    check_delivery_target(d.target)
    body = d.body.encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "OGI-Workflow"}
    if agency_secret:
        headers[SIGNATURE_HEADER] = sign(agency_secret, body)
    r = httpx.post(d.target, content=body, headers=headers, timeout=10)
    if r.status_code >= 300:
        raise RuntimeError(f"HTTP {r.status_code}")


def deliver_pending(session: Session, settings: Settings, now: datetime | None = None, limit: int = 200) -> dict:
    now = now or now_utc()
    sent = failed = 0
    due = session.exec(select(Delivery).where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
                       .order_by(Delivery.next_attempt_at).limit(limit)).all()
    for d in due:
        try:
            _send_email(settings, d) if d.channel == "email" else _send_webhook(session, d)
            d.status, d.sent_at, d.last_error = "sent", now, ""
            sent += 1
        except WebhookRefused as exc:  # the address policy: give up, nothing was sent
            d.attempts += 1
            d.status, d.last_error = "failed", str(exc)[:500]
            failed += 1
        except Exception as exc:  # noqa: BLE001 - any failure is retried later
            d.attempts += 1
            d.last_error = f"{exc.__class__.__name__}: {exc}"[:500]
            d.next_attempt_at = now + min(timedelta(minutes=2 ** min(d.attempts, 10)), MAX_BACKOFF)
            failed += 1
        session.add(d)
        session.commit()
    return {"sent": sent, "retry_later": failed}

