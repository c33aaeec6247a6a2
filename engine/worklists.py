"""我的待办: per role, only the work waiting for that role — 待审核 and 待签发 (head), 待保密审查
(secrecy reviewer), 待法制审核 (legal), 待核准 (the supervisor: fee approvals of the agencies it
supervises), and the clerk's own cases — each oldest first, with its clock.

Which case waits for whom follows the rules the events check (engine.services.duties for the legal
review and the sign-off, services.fees.approver_roles for 核准); the lists only read them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from calendars import CalendarRegistry

from .actors import Actor
from .app_clock import lights_for
from .models import Agency, ApplicantDetails, Application
from .states import OPEN_STATES

LIMIT = 100  # each list shows the oldest 100; its total and the queue's filter show the rest


def _agencies(session: Session, ids: set[int]) -> dict[int, Agency]:
    return {a.id: a for a in session.exec(select(Agency).where(Agency.id.in_(ids))).all()} if ids else {}


def _rows(session: Session, where: list, keep=lambda app, agency: True, agencies: dict[int, Agency] | None = None):
    q = (select(Application, ApplicantDetails).join(ApplicantDetails, ApplicantDetails.application_id == Application.id)
         .where(*where).order_by(Application.received_date, Application.id))
    rows = session.exec(q).all()
    return [(app, given) for app, given in rows if keep(app, (agencies or {}).get(app.agency_id))]


def worklists(session: Session, actor: Actor, registry: CalendarRegistry, today: date) -> list[dict]:
    """The lists of the roles the actor holds, in the order of the procedure. Each: key, title, role,
    total and the oldest ``LIMIT`` items (queries.summary with the clock)."""
    from .queries import running_days_left, summary
    from .services.duties import SENT_BACK
    from .services.fees import approver_roles

    held: dict[str, set[int]] = {}
    for agency_id, role in actor.grants:
        held.setdefault(role, set()).add(agency_id)
    supervised = set(session.exec(select(Agency.id).where(
        Agency.competent_department_id.in_(held["supervisor"])))) if held.get("supervisor") else set()
    agencies = _agencies(session, set().union(*held.values(), supervised) if held else set())

    def legal_pending(app: Application, agency: Agency) -> bool:
        """Waits for the legal reviewer: a send-back answered, or a required review not yet given."""
        return app.legal_review == "amended" or (agency.options.legal_review_required and app.legal_review is None)

    def signable(app: Application, agency: Agency) -> bool:
        return app.legal_review not in SENT_BACK and not (agency.options.legal_review_required
                                                          and app.legal_review != "approved")

    lists = []

    def add(key: str, title: str, role: str, rows) -> None:
        items = []
        for app, given in rows[:LIMIT]:
            agency = agencies[app.agency_id]
            left = running_days_left(app, registry.calendar(agency.region, provisional=True), today)
            items.append(summary(app, given, left, lights_for(agency)))
        lists.append({"key": key, "title": title, "role": role, "total": len(rows), "items": items})

    if clerk := held.get("clerk"):
        add("mine", "我承办的", "clerk", _rows(session, [Application.agency_id.in_(clerk), Application.status.in_(OPEN_STATES),
                                                      Application.handling_clerk_id == actor.user_id]))
        add("unassigned", "待分办（尚未开始审核）", "clerk", _rows(session, [
            Application.agency_id.in_(clerk), Application.status == "registered", Application.handling_clerk_id.is_(None)]))
    if head := held.get("head"):
        add("head_review", "待审核（延期申请、收费核准）", "head", _rows(session, [
            Application.agency_id.in_(head), Application.status.in_(OPEN_STATES),
            or_(Application.extension_requested_days.is_not(None), Application.status == "awaiting_fee_approval")],
            keep=lambda app, agency: app.status != "awaiting_fee_approval" or "head" in approver_roles(agency)
            or app.extension_requested_days is not None, agencies=agencies))
        add("sign_off", "待签发", "head", _rows(session, [Application.agency_id.in_(head), Application.status == "reply_drafting"],
                                               keep=lambda app, agency: signable(app, agency), agencies=agencies))
    if secrecy := held.get("secrecy_reviewer"):
        add("secrecy", "待保密审查", "secrecy_reviewer",
            _rows(session, [Application.agency_id.in_(secrecy), Application.status == "secrecy_review"]))
    if legal := held.get("legal"):
        add("legal", "待法制审核", "legal", _rows(session, [Application.agency_id.in_(legal), Application.status == "reply_drafting"],
                                                keep=lambda app, agency: legal_pending(app, agency), agencies=agencies))
    if supervised:
        add("approve_fee", "待核准（所属机关的收费）", "supervisor", _rows(
            session, [Application.agency_id.in_(supervised), Application.status == "awaiting_fee_approval"],
            keep=lambda app, agency: "supervisor" in approver_roles(agency), agencies=agencies))
    return lists
