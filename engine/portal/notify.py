"""E-mails to applicants (the existing SMTP settings; sent and retried by the scheduler's delivery run,
``engine.alerting.delivery``): received, confirmed, answered as not an application, correction received.
One per event (the delivery key). Never the query code (it is shown once and stored only hashed) nor
an identity number."""

from __future__ import annotations

from sqlmodel import Session

from ..models import Delivery

SIGNATURE = "\n\n本邮件由政府信息公开申请平台自动发送，请勿回复。平台不会通过邮件、电话或短信索要查询码。"


def queue_email(session: Session, to: str, key: str, subject: str, body: str) -> None:
    """Add the e-mail to the caller's transaction (sent once it commits, by the delivery run)."""
    if not to:
        return
    session.add(Delivery(key=f"portal:{key}"[:200], channel="email", target=to[:300], subject=subject[:300],
                         body=body + SIGNATURE))


def received(session: Session, payload: dict, number: str, agency_name: str) -> None:
    a = payload.get("applicant", {})
    queue_email(session, a.get("email", ""), f"{number}:received", f"【政府信息公开申请】已收到您的网上申请 {number}",
                f"{a.get('name', '')}：\n\n您向{agency_name}在线提交的政府信息公开申请已收到，查询号 {number}。"
                f"工作人员确认收到之日为收到申请之日，确认后您可凭查询号和提交时显示的查询码查询办理进度。")


def confirmed(session: Session, payload: dict, number: str, agency_name: str, received_on: str, due: str | None) -> None:
    a = payload.get("applicant", {})
    queue_email(session, a.get("email", ""), f"{number}:confirmed", f"【政府信息公开申请】{agency_name}已确认收到您的申请",
                f"{a.get('name', '')}：\n\n您的网上申请（查询号 {number}）已于{received_on}确认收到并登记"
                + (f"，答复期限为{due}" if due else "") + "。")


def answered(session: Session, payload: dict, number: str, agency_name: str, kind_label: str, message: str) -> None:
    a = payload.get("applicant", {})
    queue_email(session, a.get("email", ""), f"{number}:answered", f"【政府信息公开申请】{agency_name}对您网上申请的答复",
                f"{a.get('name', '')}：\n\n经审查，您的网上申请（查询号 {number}）属于{kind_label}，不作为政府信息公开申请处理。\n\n"
                f"{message}")
