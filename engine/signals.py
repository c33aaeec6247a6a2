"""Helpful signals on registration: possible repeats (36(六)) and the applicant's count this month.

Applicant records belong to one agency, so these signals speak of one agency's applications: a clerk
never learns whether someone applied elsewhere. A supervisor reading an application sees them across
the agencies it oversees (``signals_for``): the same identity document at each of those agencies.
"""

from __future__ import annotations

from datetime import date

from rapidfuzz import fuzz
from sqlmodel import Session, func, select

from .actors import Actor
from .models import Agency, Applicant, Application
from .models.applicant import normalised_id_number

REPEAT_THRESHOLD = 80  # token-set similarity, 0–100


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, end


def same_identity(applicant_id: int, agency_ids: set[int] | None):
    """The applicant records of the same identity document at ``agency_ids`` (None: every agency) —
    a subquery of ids, so only counts or the caller's own visible rows come out of it."""
    me = select(Applicant.id_type, Applicant.id_number).where(Applicant.id == applicant_id).subquery()
    stmt = select(Applicant.id).join(me, (Applicant.id_type == me.c.id_type) & (Applicant.id_number == me.c.id_number))
    if agency_ids is not None:
        stmt = stmt.where(Applicant.agency_id.in_(agency_ids))
    return stmt


def monthly_count(session: Session, applicant_id: int, day: date) -> int:
    """Applications of this applicant (one agency's record) received in the calendar month of ``day``."""
    start, end = month_bounds(day)
    return session.exec(select(func.count()).select_from(Application).where(
        Application.applicant_id == applicant_id, Application.received_date >= start, Application.received_date < end
    )).one()


def text_similarity(a: str, b: str) -> int:
    """How alike two requests are, 0–100 (the better of token-set and partial matching)."""
    return round(max(fuzz.token_set_ratio(a, b), fuzz.partial_ratio(a, b)))


def possible_repeats(session: Session, app: Application, limit: int = 5) -> list[dict]:
    return similar_requests(session, [app.applicant_id], app.request_text, exclude_id=app.id, limit=limit)


def similar_requests(session: Session, applicant_ids, text: str, *, exclude_id: int | None = None,
                     limit: int = 5) -> list[dict]:
    """Earlier applications of these applicant records whose text is similar (rapidfuzz). An applicant
    record belongs to one agency: pass more than one only for a supervisor's view."""
    if not text.strip():
        return []
    query = select(Application).where(Application.applicant_id.in_(applicant_ids))
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    earlier = session.exec(query.order_by(Application.received_date.desc()).limit(200)).all()
    scored = []
    for other in earlier:
        best = text_similarity(text, other.request_text)
        if best >= REPEAT_THRESHOLD:
            scored.append({"number": other.number, "id": other.id, "agency_id": other.agency_id,
                           "similarity": round(best), "received_date": other.received_date.isoformat(),
                           "status": other.status, "outcome": other.outcome})
    scored.sort(key=lambda x: -x["similarity"])
    return scored[:limit]


def registration_signals(session: Session, app: Application, agency: Agency) -> dict:
    """At registration, within the registering agency (whatever the fee count scope: the clerk is
    told nothing about other agencies)."""
    return {
        "possible_repeats": possible_repeats(session, app),
        "month_count": monthly_count(session, app.applicant_id, app.received_date),
    }


def preview_signals(session: Session, agency_id: int, id_type: str, id_number: str, text: str,
                    received: date) -> dict | None:
    """Before registering: this agency's applicant with that document, if any (None: a new applicant
    here — whether other agencies know the number is not told)."""
    applicant = session.exec(select(Applicant).where(
        Applicant.agency_id == agency_id, Applicant.id_type == id_type,
        Applicant.id_number == normalised_id_number(id_number))).first()
    if applicant is None:
        return None
    return {"month_count": monthly_count(session, applicant.id, received),
            "possible_repeats": similar_requests(session, [applicant.id], text)}


def signals_for(session: Session, actor: Actor, app: Application, agency: Agency) -> dict:
    """The same-applicant signals of an application as this reader may see them: within its agency;
    for a supervisor of its competent department, across every agency that department oversees."""
    scope = {app.agency_id}
    if "supervisor" in actor.roles_in(agency):
        department = agency.competent_department_id if (agency.competent_department_id, "supervisor") in actor.grants \
            else agency.id
        overseen = session.exec(select(Agency.id).where(Agency.competent_department_id == department)).all()
        scope = {department, *overseen}
    ids = list(session.exec(same_identity(app.applicant_id, scope)).all()) if len(scope) > 1 else [app.applicant_id]
    start, end = month_bounds(app.received_date)
    count = session.exec(select(func.count()).select_from(Application).where(
        Application.applicant_id.in_(ids), Application.received_date >= start, Application.received_date < end)).one()
    return {"scope_agency_ids": sorted(scope), "month_count": count,
            "possible_repeats": similar_requests(session, ids, app.request_text, exclude_id=app.id)}
