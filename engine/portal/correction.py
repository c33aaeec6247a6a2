"""补正 online: while the case waits for a correction, the applicant sends the corrected application
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
from ..validation import CleanModel, parse
from . import codes, limits
from .progress import _find
from .submissions import CHANNEL, Submitted, check_key


class CorrectionIn(CleanModel):
    corrected_text: str = Field(min_length=1, max_length=20000, title="补正后的申请内容")


def submit_correction(session: Session, tracking_number: str, code: str, inputs: dict, key: str | None, ip: str,
                      today: date) -> Submitted:
    key = check_key(key)
    data = parse(CorrectionIn, inputs)
    parent = _find(session, tracking_number, code, ip)
    key_hash = codes.sha256_hex("idem:" + key)
    body_hash = codes.sha256_hex(f"correction:{parent.tracking_number}:{data.corrected_text}")
    earlier = session.exec(select(OnlineSubmission).where(OnlineSubmission.idempotency_key_hash == key_hash)).first()
    if earlier is not None:
        if earlier.request_sha256 != body_hash:
            raise Conflict("该 Idempotency-Key 已用于另一份内容不同的提交；新的提交请使用新的 Idempotency-Key")
        return Submitted(earlier.tracking_number, "", "", "", earlier.submitted_at, replayed=True)
    app = session.get(Application, parent.application_id) if parent.application_id else None
    if app is None or app.status != "awaiting_correction":
        raise Refused("本申请现在不需要补正")
    waiting = session.exec(select(func.count()).select_from(OnlineSubmission).where(
        OnlineSubmission.application_id == app.id, OnlineSubmission.kind == "correction",
        OnlineSubmission.status == "pending")).one()
    if waiting:
        raise Conflict("已提交补正，正在等待工作人员确认收到")
    limits.check_submissions(session, ip)
    count = session.exec(select(func.count()).select_from(OnlineSubmission).where(
        OnlineSubmission.application_id == app.id, OnlineSubmission.kind == "correction")).one()
    row = OnlineSubmission(agency_id=app.agency_id, kind="correction", application_id=app.id,
                           tracking_number=f"{parent.tracking_number}-B{count + 1}",
                           query_code_hash=parent.query_code_hash, idempotency_key_hash=key_hash,
                           request_sha256=body_hash, code_sealed="", payload=data.model_dump(), ip=ip[:64],
                           submitted_on=today)
    end_transaction(session)
    try:
        with begin_write(session):
            session.add(row)
    except IntegrityError:
        raise Conflict("已提交补正，正在等待工作人员确认收到") from None
    return Submitted(row.tracking_number, "", "", "", row.submitted_at)


def confirm_correction(session: Session, actor: Actor, row: OnlineSubmission, day: date, today: date,
                       registry: CalendarRegistry | None):
    """The clerk confirms receipt: ``receive_correction`` on the internet-platform channel, received on the
    confirmation day; then the submission is marked (a second confirmation is refused by the state)."""
    row_id, app_id, number = row.id, row.application_id, row.tracking_number
    text = row.payload.get("corrected_text") or None
    end_transaction(session)
    result = workflow.fire(session, actor, app_id, "receive_correction",
                           {"channel": CHANNEL, "channel_facts": {"confirmed": day.isoformat(), "online_submission": number},
                            "corrected_text": text}, today=today, registry=registry)
    with begin_write(session):
        session.execute(update(OnlineSubmission).where(OnlineSubmission.id == row_id,
                                                       OnlineSubmission.status == "pending")
                        .values(status="confirmed", decided_by_id=actor.user_id, decided_at=datetime.now(timezone.utc)))
    return result.application
