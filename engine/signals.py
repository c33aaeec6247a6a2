"""Helpful signals on registration: possible repeats (36(六)) and the applicant's count this month."""

from __future__ import annotations

from datetime import date

from rapidfuzz import fuzz
from sqlmodel import Session, func, select

from .models import Agency, Application

REPEAT_THRESHOLD = 80  # token-set similarity, 0–100


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return start, end


def monthly_count(session: Session, applicant_id: int, day: date, agency_id: int | None) -> int:
    """Applications of this applicant received in the calendar month of ``day`` (per agency or all)."""
    start, end = month_bounds(day)
    stmt = select(func.count()).select_from(Application).where(
        Application.applicant_id == applicant_id, Application.received_date >= start, Application.received_date < end
    )
    if agency_id is not None:
        stmt = stmt.where(Application.agency_id == agency_id)
    return session.exec(stmt).one()


def text_similarity(a: str, b: str) -> int:
    """How alike two requests are, 0–100 (the better of token-set and partial matching)."""
    return round(max(fuzz.token_set_ratio(a, b), fuzz.partial_ratio(a, b)))


def possible_repeats(session: Session, app: Application, limit: int = 5) -> list[dict]:
    return similar_requests(session, app.applicant_id, app.agency_id, app.request_text, exclude_id=app.id, limit=limit)


def similar_requests(session: Session, applicant_id: int, agency_id: int, text: str, *, exclude_id: int | None = None,
                     limit: int = 5) -> list[dict]:
    """The applicant's earlier applications at this agency whose text is similar (rapidfuzz)."""
    if not text.strip():
        return []
    query = select(Application).where(Application.applicant_id == applicant_id, Application.agency_id == agency_id)
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    earlier = session.exec(query.order_by(Application.received_date.desc()).limit(200)).all()
    scored = []
    for other in earlier:
        best = text_similarity(text, other.request_text)
        if best >= REPEAT_THRESHOLD:
            scored.append({"number": other.number, "id": other.id, "similarity": round(best),
                           "received_date": other.received_date.isoformat(), "status": other.status,
                           "outcome": other.outcome})
    scored.sort(key=lambda x: -x["similarity"])
    return scored[:limit]


def registration_signals(session: Session, app: Application, agency: Agency) -> dict:
    scope = None if agency.options.fee_count_scope == "all" else agency.id
    return {
        "possible_repeats": possible_repeats(session, app),
        "month_count": monthly_count(session, app.applicant_id, app.received_date, scope),
    }
