"""补正 and 撤回 online: while the case waits for a correction, the applicant sends the corrected application
with the tracking number and query code. Like an application it is received when a clerk confirms it
(条例 art 31(三)); the confirmation fires ``receive_correction`` on the internet-platform channel, and the
answer clock starts again from that day (art 30)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from pydantic import Field
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from calendars import CalendarRegistry

from .. import workflow
from ..actors import Actor
from ..db import begin_write, end_transaction
from ..errors import Conflict, Refused
from ..models import Application, OnlineSubmission
from ..states import OPEN_STATES
from ..validation import CleanModel, parse
from . import codes, limits
from .progress import _find
from .submissions import CHANNEL, Submitted, check_key


KIND_WORDS = {"correction": ("补正", "B"), "withdrawal": ("撤回申请", "W")}


class WithdrawalIn(CleanModel):
    reason: str = Field(default="", max_length=2000, title="撤回理由")


class CorrectionIn(CleanModel):
    corrected_text: str = Field(min_length=1, max_length=20000, title="补正后的申请内容")


def submit_correction(session: Session, tracking_number: str, code: str, inputs: dict, key: str | None, ip: str,
                      today: date) -> Submitted:
    return _submit(session, "correction", tracking_number, code, parse(CorrectionIn, inputs), key, ip, today)


def submit_withdrawal(session: Session, tracking_number: str, code: str, inputs: dict, key: str | None, ip: str,
                      today: date) -> Submitted:
    """The applicant withdraws the application; it ends when a clerk confirms receipt (``withdraw``)."""
    return _submit(session, "withdrawal", tracking_number, code, parse(WithdrawalIn, inputs), key, ip, today)


def _submit(session: Session, kind: str, tracking_number: str, code: str, data: CleanModel, key: str | None,
            ip: str, today: date) -> Submitted:
    key = check_key(key)
    words, suffix = KIND_WORDS[kind]
    parent = _find(session, tracking_number, code, ip)
    key_hash = codes.sha256_hex("idem:" + key)
    body_hash = codes.sha256_hex(f"{kind}:{parent.tracking_number}:{data.model_dump_json()}")
    earlier = session.exec(select(OnlineSubmission).where(OnlineSubmission.idempotency_key_hash == key_hash)).first()
    if earlier is not None:
        if earlier.request_sha256 != body_hash:
            raise Conflict("该 Idempotency-Key 已用于另一份内容不同的提交；新的提交请使用新的 Idempotency-Key")
        return Submitted(earlier.tracking_number, "", "", "", earlier.submitted_at, replayed=True)
    app = session.get(Application, parent.application_id) if parent.application_id else None
    if kind == "correction" and (app is None or app.status != "awaiting_correction"):
        raise Refused("本申请现在不需要补正")
    if kind == "withdrawal" and (app is None or app.status not in OPEN_STATES):
        raise Refused("本申请尚未确认收到或已经办结，不能在线撤回")
    waiting = session.exec(select(func.count()).select_from(OnlineSubmission).where(
        OnlineSubmission.application_id == app.id, OnlineSubmission.kind == kind,
        OnlineSubmission.status == "pending")).one()
    if waiting:
        raise Conflict(f"已提交{words}，正在等待工作人员确认收到")
    limits.check_submissions(session, ip)
    count = session.exec(select(func.count()).select_from(OnlineSubmission).where(
        OnlineSubmission.application_id == app.id, OnlineSubmission.kind == kind)).one()
    row = OnlineSubmission(agency_id=app.agency_id, kind=kind, application_id=app.id,
                           tracking_number=f"{parent.tracking_number}-{suffix}{count + 1}",
                           query_code_hash=parent.query_code_hash, idempotency_key_hash=key_hash,
                           request_sha256=body_hash, code_sealed="", payload=data.model_dump(), ip=ip[:64],
                           submitted_on=today)
    end_transaction(session)
    try:
        with begin_write(session):
            session.add(row)
    except IntegrityError:
        raise Conflict(f"已提交{words}，正在等待工作人员确认收到") from None
    return Submitted(row.tracking_number, "", "", "", row.submitted_at)


def confirm_correction(session: Session, actor: Actor, row: OnlineSubmission, day: date, today: date,
                       registry: CalendarRegistry | None):
    """The clerk confirms receipt: ``receive_correction`` on the internet-platform channel, received on the
    confirmation day; then the submission is marked (a second confirmation is refused by the state)."""
    row_id, app_id, number = row.id, row.application_id, row.tracking_number
    if row.kind == "withdrawal":
        event, inputs = "withdraw", {"withdrawn_on": day.isoformat(),
                                     "note": f"申请人通过网上平台撤回（{number}）" + (f"：{row.payload['reason']}"
                                                                                 if row.payload.get("reason") else "")}
    else:
        event, inputs = "receive_correction", {
            "channel": CHANNEL, "channel_facts": {"confirmed": day.isoformat(), "online_submission": number},
            "corrected_text": row.payload.get("corrected_text") or None}
    end_transaction(session)
    result = workflow.fire(session, actor, app_id, event, {**inputs, "note": inputs["note"][:2000]}
                           if "note" in inputs else inputs, today=today, registry=registry)
    with begin_write(session):
        session.execute(update(OnlineSubmission).where(OnlineSubmission.id == row_id,
                                                       OnlineSubmission.status == "pending")
                        .values(status="confirmed", decided_by_id=actor.user_id, decided_at=datetime.now(timezone.utc)))
    return result.application
