"""What an applicant may see of a case with the tracking number and query code: the state in plain
words, the due date (or that the clock is paused, and why), the letters issued so far. An unknown
number and a wrong code get the same answer (no enumeration); failures slow the address down."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session, select

from ..case import SHANGHAI
from ..errors import NotFound
from ..letter_data import LETTER_TYPES
from ..models import Agency, Application, Letter, OnlineSubmission
from ..outcomes import OUTCOMES
from ..states import OPEN_STATES
from . import codes, limits
from .submissions import ANSWER_KINDS

NOT_FOUND = "未查询到该申请，请核对查询号和查询码"
_DUMMY = codes.code_hash("-")  # an unknown number costs the same comparison as a wrong code

# The application's states in the applicant's words (engine.states has the clerk's).
PLAIN = {
    "registered": "已收到申请，等待审核",
    "reviewing": "正在审核申请",
    "awaiting_correction": "需要您补正申请，请按补正告知书的要求办理",
    "awaiting_reasons": "需要您说明理由，请按说明理由告知书的要求办理",
    "handling": "正在办理",
    "consulting": "正在征求有关方面意见",
    "awaiting_fee_approval": "正在办理",
    "awaiting_payment": "待您缴纳信息处理费，请按收费通知书办理",
    "secrecy_review": "正在办理答复",
    "reply_drafting": "正在办理答复",
    "replied": "已答复，请查看答复书",
    "closed": "已终止办理",
    "archived": "已办结",
}
# Why the answer clock is not running, by state (条例 art 30, 32, 35; 国办函〔2020〕109号).
PAUSED_WHY = {
    "awaiting_correction": "等待补正，答复期限自收到补正后的申请之日起计算（条例第三十条）",
    "awaiting_reasons": "等待说明理由（条例第三十五条）",
    "consulting": "征求第三方或有关机关意见，所需时间不计入答复期限（条例第三十二条、第三十四条）",
    "awaiting_payment": "等待缴纳信息处理费，缴费期间不计入答复期限",
    "awaiting_fee_approval": "信息处理费待核准",
}
SUBMISSION_PLAIN = {"pending": "已在线提交，等待工作人员确认收到（确认之日为收到申请之日）",
                    "not_application": "经审查，不属于政府信息公开申请"}


def _find(session: Session, tracking_number: str, code: str, ip: str) -> OnlineSubmission:
    limits.check_lookups(session, ip)
    number = str(tracking_number or "").strip().upper()[:32]
    row = session.exec(select(OnlineSubmission).where(OnlineSubmission.tracking_number == number,
                                                      OnlineSubmission.kind == "application")).first()
    if not codes.same(row.query_code_hash if row else _DUMMY, codes.code_hash(code)) or row is None:
        limits.record_failure(session, ip)
        raise NotFound(NOT_FOUND)
    return row


def local(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def progress(session: Session, tracking_number: str, code: str, ip: str) -> dict:
    row = _find(session, tracking_number, code, ip)
    agency = session.get(Agency, row.agency_id)
    answer = {"tracking_number": row.tracking_number, "agency_name": agency.name,
              "submitted_at": local(row.submitted_at), "stage": row.status,
              "state_label": SUBMISSION_PLAIN.get(row.status, ""), "received_date": None, "due_date": None,
              "due_provisional": False, "paused": False, "paused_reason": None, "outcome_label": None,
              "answer": None, "letters": [], "correction_pending": False, "may_correct": False,
              "withdrawal_pending": False, "may_withdraw": False}
    if row.status == "not_application":
        answer["answer"] = {"kind_label": ANSWER_KINDS.get(row.answer_kind or "", ""),
                            "message": row.answer_message,
                            "answered_at": local(row.decided_at) if row.decided_at else None}
    if row.status == "confirmed" and row.application_id:
        app = session.get(Application, row.application_id)
        _case(session, app, answer)
    return answer


def _case(session: Session, app: Application, answer: dict) -> None:
    # paused (consultation, payment) or stopped (correction: it starts again on the corrected application)
    paused = app.status in OPEN_STATES and app.clock_state != "running"
    withdrawn = app.outcome == "withdrawn"
    answer.update(
        state_label="申请已撤回" if withdrawn else PLAIN.get(app.status, app.status),
        received_date=app.received_date.isoformat(),
        due_date=app.due_date.isoformat() if app.due_date and app.clock_state == "running" else None,
        due_provisional=bool(app.due_provisional), paused=paused,
        paused_reason=PAUSED_WHY.get(app.status, "答复期限暂停计算") if paused else None,
        outcome_label=OUTCOMES[app.outcome].label if app.outcome and app.outcome in OUTCOMES else None,
    )
    letters = session.exec(select(Letter).where(Letter.application_id == app.id, Letter.status != "draft")
                           .order_by(Letter.issued_at)).all()
    waiting = session.exec(select(OnlineSubmission.id).where(OnlineSubmission.application_id == app.id,
                                                             OnlineSubmission.kind == "correction",
                                                             OnlineSubmission.status == "pending")).first()
    answer["correction_pending"] = waiting is not None
    if waiting is not None:
        answer["state_label"] = "已在线提交补正，等待工作人员确认收到（确认之日为收到补正之日）"
    answer["may_correct"] = app.status == "awaiting_correction" and waiting is None
    leaving = session.exec(select(OnlineSubmission.id).where(OnlineSubmission.application_id == app.id,
                                                             OnlineSubmission.kind == "withdrawal",
                                                             OnlineSubmission.status == "pending")).first()
    answer["withdrawal_pending"] = leaving is not None
    answer["may_withdraw"] = app.status in OPEN_STATES and leaving is None
    answer["letters"] = [{"id": x.id, "title": LETTER_TYPES.get(x.type, x.type), "number": x.number,
                          "issued_on": x.issued_on.isoformat() if x.issued_on else None,
                          "voided": x.status == "void"} for x in letters]
