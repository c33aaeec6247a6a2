"""Online submissions: the applicant sends the same data a clerk registers (checked by the same input
models, ``RegisterIn``/``ApplicantIn`` and ``check_applicant``); it waits as a pending intake until a
clerk confirms receipt (条例 art 31(三): the confirmation day is the receipt date, channel 互联网平台) or
answers that it is not a disclosure application (信访, 咨询)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from pydantic import Field
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from calendars import CalendarRegistry

from ..actors import Actor
from ..admin_audit import Origin, record_admin_event
from ..db import begin_write, end_transaction
from ..errors import Conflict, Forbidden, InputError, NotFound
from ..models import Agency, Application, OnlineSubmission, mask_id, mask_phone
from ..registration import register
from ..services.intake import RegisterIn, check_applicant
from ..validation import CleanModel, parse
from . import codes, limits, notify
from .guide import agency_by_code

CHANNEL = "online"  # engine.receipt.CHANNELS: 互联网平台, received when both sides confirm
ONLINE_FIELDS = ("applicant", "request_text", "purpose", "form_wanted", "delivery_wanted")
ANSWER_KINDS = {"petition": "信访事项", "consultation": "咨询", "other": "其他非政府信息公开申请事项"}


@dataclass
class Submitted:
    tracking_number: str
    query_code: str
    agency_code: str
    agency_name: str
    submitted_at: datetime
    replayed: bool = False


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not 16 <= len(key) <= 128 or not key.isascii() or not key.isprintable():
        raise InputError("请求头 Idempotency-Key 应为16至128个可打印 ASCII 字符（每份申请一个随机值，重试时不变）",
                         field="Idempotency-Key")
    return key


def as_registration(payload: dict, confirmed: date) -> dict:
    """The online data as a clerk's registration on the internet-platform channel."""
    return {**{k: payload[k] for k in ONLINE_FIELDS if k in payload}, "channel": CHANNEL,
            "channel_facts": {"confirmed": confirmed.isoformat()}}


def validate(payload: dict, today: date) -> dict:
    """The registration's own checks (fields, plausibility, the applicant's kind and contact); returns the
    normalised online data. Unknown fields are refused, as on the workbench."""
    unknown = sorted(set(payload) - set(ONLINE_FIELDS))
    if unknown:
        raise InputError(f"不认识的字段：{'、'.join(unknown)}", field=unknown[0])
    data = parse(RegisterIn, as_registration(payload, today), context={"today": today})
    check_applicant(data.applicant)
    return data.model_dump(mode="json", include=set(ONLINE_FIELDS))


def submit(session: Session, agency_code: str, payload: dict, key: str | None, ip: str, today: date) -> Submitted:
    key = check_key(key)
    key_hash = codes.sha256_hex("idem:" + key)
    body_hash = codes.sha256_hex(json.dumps({"agency_code": agency_code, **payload}, sort_keys=True,
                                            ensure_ascii=False, default=str))
    earlier = _replay(session, key, key_hash, body_hash)
    if earlier:
        return earlier
    agency = agency_by_code(session, agency_code)
    clean = validate(payload, today)
    limits.check_submissions(session, ip)
    code = codes.new_query_code()
    end_transaction(session)
    for _ in range(5):  # a random tracking number may, rarely, be taken
        row = OnlineSubmission(agency_id=agency.id, tracking_number=codes.new_tracking_number(today),
                               query_code_hash=codes.code_hash(code), idempotency_key_hash=key_hash,
                               request_sha256=body_hash, code_sealed=codes.seal(code, key), payload=clean,
                               ip=ip[:64], submitted_on=today)
        try:
            with begin_write(session):
                session.add(row)
                notify.received(session, clean, row.tracking_number, agency.name)
        except IntegrityError:
            earlier = _replay(session, key, key_hash, body_hash)  # the same key, sent twice at once
            if earlier:
                return earlier
            continue
        return Submitted(row.tracking_number, code, agency.code, agency.name, row.submitted_at)
    raise Conflict("暂时无法分配查询号，请稍后重试")


def _replay(session: Session, key: str, key_hash: str, body_hash: str) -> Submitted | None:
    row = session.exec(select(OnlineSubmission).where(OnlineSubmission.idempotency_key_hash == key_hash)).first()
    if row is None:
        return None
    if row.request_sha256 != body_hash:
        raise Conflict("该 Idempotency-Key 已用于另一份内容不同的申请；新的申请请使用新的 Idempotency-Key")
    agency = session.get(Agency, row.agency_id)
    return Submitted(row.tracking_number, codes.unseal(row.code_sealed, key), agency.code, agency.name,
                     row.submitted_at, replayed=True)


# -- the clerk's side ---------------------------------------------------------------------------------


def _clerk_agencies(actor: Actor) -> set[int]:
    return {aid for aid, role in actor.grants if role == "clerk"}


def pending(session: Session, actor: Actor) -> list[dict]:
    """网上申请待确认: the submissions of the agencies where the actor is a clerk, oldest first, with
    identity numbers and phones masked."""
    ids = _clerk_agencies(actor)
    if not ids:
        raise Forbidden("需要经办人角色")
    rows = session.exec(select(OnlineSubmission).where(OnlineSubmission.agency_id.in_(ids),
                                                       OnlineSubmission.status == "pending")
                        .order_by(OnlineSubmission.submitted_at)).all()
    return [listed(r) for r in rows]


def listed(row: OnlineSubmission) -> dict:
    a = row.payload.get("applicant", {})
    return {"id": row.id, "kind": row.kind, "tracking_number": row.tracking_number, "agency_id": row.agency_id,
            "submitted_at": row.submitted_at.isoformat(), "status": row.status,
            "applicant": {"kind": a.get("kind"), "subtype": a.get("subtype"), "name": a.get("name", ""),
                          "id_type": a.get("id_type"), "id_number": mask_id(a.get("id_number", "")),
                          "phone": mask_phone(a.get("phone", "")), "email": a.get("email", ""),
                          "address": a.get("address", ""), "postcode": a.get("postcode", "")},
            "request_text": row.payload.get("request_text") or row.payload.get("corrected_text")
            or row.payload.get("reason", ""), "purpose": row.payload.get("purpose", ""),
            "form_wanted": row.payload.get("form_wanted"), "delivery_wanted": row.payload.get("delivery_wanted"),
            "application_id": row.application_id, "answer_kind": row.answer_kind,
            "answer_message": row.answer_message}


def _own_pending(session: Session, actor: Actor, submission_id: int) -> OnlineSubmission:
    row = session.get(OnlineSubmission, submission_id)
    if row is None or row.agency_id not in _clerk_agencies(actor):
        raise NotFound("网上申请不存在")
    if row.status != "pending":
        raise Conflict("该网上申请已处理")
    return row


class ConfirmIn(CleanModel):
    confirmed_on: date | None = Field(default=None, title="确认收到日期")


def confirm(session: Session, actor: Actor, submission_id: int, inputs: dict, *, today: date,
            registry: CalendarRegistry | None = None) -> Application:
    """Receipt by confirmation: registered as the clerk would register it (engine.registration), on the
    internet-platform channel, received on the confirmation day; the submission is marked in the same
    transaction (a second confirmation finds it taken and nothing is registered twice)."""
    data = parse(ConfirmIn, inputs)
    row = _own_pending(session, actor, submission_id)
    day = data.confirmed_on or today
    if day < row.submitted_on:
        raise InputError("确认收到日期不能早于网上提交之日", field="confirmed_on")
    if row.kind in ("correction", "withdrawal"):
        from .correction import confirm_correction

        return confirm_correction(session, actor, row, day, today, registry)
    registration = as_registration(row.payload, day)
    registration["channel_facts"]["online_submission"] = row.tracking_number
    row_id, payload, number = row.id, row.payload, row.tracking_number
    agency_name = session.get(Agency, row.agency_id).name
    end_transaction(session)

    def mark(s: Session, app: Application) -> None:
        done = s.execute(update(OnlineSubmission).where(OnlineSubmission.id == row_id,
                                                        OnlineSubmission.status == "pending")
                         .values(status="confirmed", application_id=app.id, decided_by_id=actor.user_id,
                                 decided_at=datetime.now(timezone.utc)))
        if done.rowcount != 1:
            raise Conflict("该网上申请已处理")
        notify.confirmed(s, payload, number, agency_name, app.received_date.isoformat(),
                         app.due_date.isoformat() if app.due_date else None)

    app, _ = register(session, actor, row.agency_id, registration, today=today, registry=registry, also=mark)
    return app


class NotApplicationIn(CleanModel):
    kind: str = Field(title="类别", pattern="^(petition|consultation|other)$")
    message: str = Field(min_length=1, max_length=2000, title="给申请人的答复")


def answer_not_application(session: Session, actor: Actor, submission_id: int, inputs: dict,
                           origin: Origin = Origin()) -> OnlineSubmission:
    """Not a disclosure application (信访, 咨询…): the outcome and the message to the applicant are
    recorded on the submission and in the admin audit log; the applicant reads it with the query code."""
    data = parse(NotApplicationIn, inputs)
    with begin_write(session):
        row = _own_pending(session, actor, submission_id)
        if row.kind != "application":
            raise Conflict("补正材料不能答复为非政府信息公开申请；请确认收到")
        row.status, row.answer_kind, row.answer_message = "not_application", data.kind, data.message
        row.decided_by_id, row.decided_at = actor.user_id, datetime.now(timezone.utc)
        session.add(row)
        notify.answered(session, row.payload, row.tracking_number, session.get(Agency, row.agency_id).name,
                        ANSWER_KINDS[data.kind], data.message)
        record_admin_event(session, actor, "online_not_application", agency_id=row.agency_id,
                           target=row.tracking_number, details={"kind": data.kind, "message": data.message},
                           ip=origin.ip, user_agent=origin.user_agent)
    return row
