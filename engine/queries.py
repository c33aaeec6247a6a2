"""Read models: the application list (filters, due-date order, pages) and the detail view.

Agency isolation is applied here: a user sees the applications of the agencies where they hold a
role, and a supervisor those of the agencies whose competent department they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlmodel import Session, func, select

from calendars import CalendarRegistry

from .actors import Actor
from .app_clock import answer_clock, lights_for
from .clock import TrafficLights
from .errors import InputError, NotFound
from .models import (
    Agency,
    Applicant,
    ApplicantDetails,
    Application,
    Consultation,
    Event,
    FeeAssessment,
    Letter,
    ServiceRecord,
    User,
)
from .models.applicant import normalised_id_number
from .models.user import ROLE_ZH
from .outcomes import OUTCOMES
from .running_periods import running_periods
from .services.applicants import masked
from .services.catalog import EVENT_LABELS as EVENTS
from .services.intake import REQUEST_KINDS
from .states import OPEN_STATES, STATES

if TYPE_CHECKING:
    from .workflow import FireResult


def visible_agency_ids(session: Session, actor: Actor) -> set[int]:
    if actor.is_system:
        return set(session.exec(select(Agency.id)).all())
    own = actor.agencies()
    supervised = {aid for aid, role in actor.grants if role == "supervisor"}
    children = set(session.exec(select(Agency.id).where(Agency.competent_department_id.in_(supervised))).all()) if supervised else set()
    return own | children


@dataclass
class ListFilters:
    status: list[str] | None = None
    outcome: str | None = None
    clerk_id: int | None = None
    applicant: str | None = None
    text: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    due_within: int | None = None
    overdue: bool | None = None
    paused: bool | None = None
    provisional: bool | None = None
    open_only: bool = False
    agency_id: int | None = None
    sort: str = "due"  # a key of SORTS
    page: int = 1
    page_size: int = 50
    closed_only: bool = False  # concluded and archived cases only
    lights: list[str] | None = None  # green | yellow | orange | red (running clocks of open cases)
    descending: bool | None = None  # None: the sort's natural direction (received: newest first)


# Sort keys: (Chinese name, descending by default). Every column of the queue sorts.
SORTS = {"due": ("答复期限", False), "received": ("收到日期", True), "number": ("编号", False),
         "applicant": ("申请人", False), "status": ("状态", False), "text": ("申请内容", False)}
LIGHTS = ("green", "yellow", "orange", "red")


def _sort_columns(key: str):
    """The ORDER BY of a sort key in its ascending direction (id last: a stable order across pages)."""
    from sqlalchemy import case

    if key not in SORTS:
        raise InputError(f"排序方式应为：{'、'.join(f'{v[0]}（{k}）' for k, v in SORTS.items())}", field="sort")
    return {
        "due": (Application.due_date.is_(None), Application.due_date),
        "received": (Application.received_date,),
        "number": (Application.number,),
        "applicant": (ApplicantDetails.name,),
        "status": (case({code: i for i, code in enumerate(STATES)}, value=Application.status),),
        "text": (Application.request_text,),
    }[key] + (Application.id,)


def _conditions(session: Session, f: ListFilters, ids: set[int], registry: CalendarRegistry, today: date,
                with_status: bool = True) -> list:
    """The WHERE of the list; ``with_status`` False leaves the state filter out (the per-state counts)."""
    where = [Application.agency_id.in_(ids)]
    if f.status and with_status:
        unknown = [s for s in f.status if s not in STATES]
        if unknown:
            raise InputError(f"未知的状态：{'、'.join(unknown)}", field="status")
        where.append(Application.status.in_(f.status))
    if f.open_only or f.due_within is not None or f.overdue or f.paused or f.lights:
        where.append(Application.status.in_(OPEN_STATES))
    if f.closed_only:
        where.append(Application.status.not_in(OPEN_STATES))
    if f.outcome:
        if f.outcome not in OUTCOMES:
            raise InputError(f"未知的答复类型“{f.outcome}”", field="outcome")
        where.append(Application.outcome == f.outcome)
    if f.clerk_id is not None:
        where.append(Application.handling_clerk_id == f.clerk_id)
    if f.applicant:
        where.append(applicant_matches(f.applicant, ids))
    if f.text:
        term = f.text.strip()
        by_letter = select(Letter.application_id).where(Letter.number.contains(term))  # 文号
        where.append(or_(Application.request_text.contains(term), Application.number.contains(term),
                         applicant_matches(term, ids), Application.id.in_(by_letter)))
    if f.received_from:
        where.append(Application.received_date >= f.received_from)
    if f.received_to:
        where.append(Application.received_date <= f.received_to)
    if f.due_within is not None:
        limit = registry.calendar(provisional=True).add_working_days(today, f.due_within)
        where += [Application.clock_state == "running", Application.due_date >= today, Application.due_date <= limit]
    if f.overdue is not None:
        cond = (Application.clock_state == "running") & (Application.due_date < today)
        where.append(cond if f.overdue else ~cond)
    if f.paused is not None:
        where.append((Application.clock_state == "paused") if f.paused else (Application.clock_state != "paused"))
    if f.provisional is not None:
        where.append(Application.due_provisional == f.provisional)
    if f.lights:
        where.append(_light_condition(session, f.lights, ids, registry, today))
    return where


def _light_condition(session: Session, lights: list[str], ids: set[int], registry: CalendarRegistry, today: date):
    """The traffic light as a due-date range per agency (its region's calendar, its thresholds): the
    light of ``days_left`` working days (clock.TrafficLights), where days_left ≤ n ⟺ due < the
    (n+1)-th working day after today."""
    from sqlalchemy import and_, false

    unknown = [x for x in lights if x not in LIGHTS]
    if unknown:
        raise InputError(f"交通灯应为：绿（green）、黄（yellow）、橙（orange）、红（red），不能为“{'、'.join(unknown)}”",
                         field="light")
    parts = []
    for agency in session.exec(select(Agency).where(Agency.id.in_(ids))).all():
        cal, tl = registry.calendar(agency.region, provisional=True), lights_for(agency)
        after = {n: cal.add_working_days(today, n + 1) for n in (0, tl.orange, tl.yellow)}
        bands = {"red": (None, after[0]), "orange": (after[0], after[tl.orange]),
                 "yellow": (after[tl.orange], after[tl.yellow]), "green": (after[tl.yellow], None)}
        for light in lights:
            low, high = bands[light]
            cond = [Application.agency_id == agency.id]
            if low is not None:
                cond.append(Application.due_date >= low)
            if high is not None:
                cond.append(Application.due_date < high)
            parts.append(and_(*cond))
    running = (Application.clock_state == "running") & Application.due_date.is_not(None)
    return and_(running, or_(*parts)) if parts else false()


def list_applications(session: Session, actor: Actor, f: ListFilters, registry: CalendarRegistry, today: date,
                      with_counts: bool = False) -> dict:
    """One page of the list, the total, and (``with_counts``) how many of the filtered cases are in each
    state — the same filters but the state, so each count is what choosing that state lists."""
    ids = visible_agency_ids(session, actor)
    if f.agency_id is not None:
        if f.agency_id not in ids:
            raise NotFound("机关不存在")
        ids = {f.agency_id}
    if not ids:
        return {"items": [], "total": 0, "page": f.page, "page_size": f.page_size, "pages": 0,
                **({"counts": {}} if with_counts else {})}
    columns = _sort_columns(f.sort)
    descending = SORTS[f.sort][1] if f.descending is None else f.descending
    order = [c.desc() for c in columns] if descending else list(columns)
    joined = select(Application, ApplicantDetails).join(ApplicantDetails, ApplicantDetails.application_id == Application.id)
    q = joined.where(*_conditions(session, f, ids, registry, today))
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    rows = session.exec(q.order_by(*order).offset((f.page - 1) * f.page_size).limit(f.page_size)).all()
    agencies = {a.id: a for a in session.exec(select(Agency).where(Agency.id.in_({app.agency_id for app, _ in rows}))).all()}
    items = []
    for app, applicant in rows:
        agency = agencies[app.agency_id]
        left = running_days_left(app, registry.calendar(agency.region, provisional=True), today)
        items.append(summary(app, applicant, left, lights_for(agency)))
    result = {"items": items, "total": total, "page": f.page, "page_size": f.page_size,
              "pages": -(-total // f.page_size)}
    if with_counts:
        by_state = select(Application.status, func.count()).join(
            ApplicantDetails, ApplicantDetails.application_id == Application.id).where(
            *_conditions(session, f, ids, registry, today, with_status=False)).group_by(Application.status)
        result["counts"] = dict(session.exec(by_state).all())
    return result


_MASKED_ID = re.compile(r"([0-9A-Z]{3})(\*+)([0-9A-Z]{4})")  # exactly as mask_id shows it


def applicant_matches(term: str, agency_ids: set[int]):
    """The applicant as given on the application: part of the name, or the whole phone number (as typed
    or as registration stores it), or the whole identity number — or one as lists show it masked
    (110***********1234: the same visible characters and length, the mask's own form only). Never a partial number: a search must
    not complete a masked one digit by digit. The identity lookup stays within the reader's agencies."""
    from .plausibility import Implausible, check_phone, half_width

    term = term.strip()
    number = normalised_id_number(half_width(term)).replace(" ", "")
    id_match = Applicant.id_number == number
    if masked_id := _MASKED_ID.fullmatch(number):
        head, stars, tail = masked_id.groups()
        id_match = Applicant.id_number.like(head + "_" * len(stars) + tail)
    by_id = select(Applicant.id).where(Applicant.agency_id.in_(agency_ids), id_match)
    phones = {term}
    try:
        phones.add(check_phone(term))
    except Implausible:
        pass
    return or_(ApplicantDetails.name.contains(term), ApplicantDetails.phone.in_(phones),
               Application.applicant_id.in_(by_id))


def running_days_left(app: Application, cal, today: date) -> int | None:
    """Working days left on a running clock (negative: overdue), None when paused or stopped."""
    if app.status in OPEN_STATES and app.clock_state == "running" and app.due_date:
        return cal.working_days_between(today, app.due_date)
    return None


def summary(app: Application, applicant: ApplicantDetails, days_left: int | None,
            lights: TrafficLights | None = None) -> dict:
    return {
        "id": app.id,
        "number": app.number,
        "agency_id": app.agency_id,
        "status": app.status,
        "status_label": STATES[app.status],
        "outcome": app.outcome,
        "outcome_label": OUTCOMES[app.outcome].label if app.outcome else None,
        "applicant": {"name": applicant.name, "kind": applicant.kind},
        "request_text": app.request_text[:200],
        "received_date": app.received_date.isoformat(),
        "due_date": app.due_date.isoformat() if app.due_date else None,
        "clock_state": app.clock_state,
        "paused": app.clock_state == "paused",
        "provisional": app.due_provisional,
        "days_left": days_left,
        "overdue": days_left is not None and days_left < 0,
        "light": (lights or TrafficLights()).light(days_left) if days_left is not None else None,
        "handling_clerk_id": app.handling_clerk_id,
        "version": app.version,
    }


def get_visible(session: Session, actor: Actor, application_id: int) -> tuple[Application, Agency]:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"申请（编号 {application_id}）不存在")
    agency = session.get(Agency, app.agency_id)
    if not actor.can_see(agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    return app, agency


def application_signals(session: Session, actor: Actor, application_id: int) -> dict:
    from .signals import signals_for

    app, agency = get_visible(session, actor, application_id)
    return signals_for(session, actor, app, agency)


def _event_words(e: Event, names: dict[int, str]) -> str:
    label = EVENTS.get(e.name, e.name)
    who = e.actor_name or names.get(e.actor_id or 0, "")
    role = ROLE_ZH.get(e.role, e.role)
    move = f"（{STATES.get(e.from_state, '—')} → {STATES.get(e.to_state, e.to_state)}）" if e.from_state != e.to_state else ""
    words = f"{who}（{role}）{label}{move}" + (f"：{e.reason}" if e.reason else "")
    amended = ((e.changes or {}).get("_related") or {}).get("amended")
    if amended:  # 更正登记信息: what was wrong and what it became
        from .services.amendment import amended_words

        words += f"（{amended_words(amended)}）"
    return words


def application_detail(session: Session, actor: Actor, application_id: int, registry: CalendarRegistry,
                       today: date, with_explanation: bool = False) -> dict:
    from .case_repository import case_of

    app, agency = get_visible(session, actor, application_id)
    case = case_of(session, app, agency)
    applicant = case.applicant
    consultations, fees, letters = case.consultations(), case.fees(), case.letters()
    services, events = case.service_records(), case.history.events()
    view = answer_clock(registry, app, agency, consultations, fees, today)
    user_ids = {e.actor_id for e in events if e.actor_id}
    names = {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(user_ids))).all()} if user_ids else {}
    base = summary(app, applicant, view.status.days_left if view.status and not view.computed.paused else None,
                   lights_for(agency))
    return {
        **base,
        "agency": {"id": agency.id, "code": agency.code, "name": agency.name},
        "applicant": masked(session.get(Applicant, app.applicant_id), applicant),
        "request_text": app.request_text,
        "request_kind": app.request_kind,
        "request_kind_label": REQUEST_KINDS.get(app.request_kind, app.request_kind),
        "evidence": app.evidence,
        "purpose": app.purpose,
        "channel": app.channel,
        "channel_facts": app.channel_facts,
        "form_wanted": app.form_wanted,
        "delivery_wanted": app.delivery_wanted,
        "outcome_details": app.outcome_details,
        "withhold_ground": app.withhold_ground,
        "extension_days": app.extension_days,
        "correction": {"requested_on": _iso(app.correction_requested_on), "items": app.correction_items,
                       "period_days": app.correction_period_days, "received_on": _iso(app.correction_received_on)},
        "replied_on": _iso(app.replied_on),
        "replied_on_time": app.replied_on_time,
        "late_by_working_days": app.late_by_working_days,
        "concluded_on": _iso(app.concluded_on),
        "clock": view.as_dict(with_explanation),
        "events": [{"seq": e.seq, "name": e.name, "label": EVENTS.get(e.name, e.name), "from": e.from_state,
                    "to": e.to_state, "actor": e.actor_name, "role": e.role, "at": e.at.isoformat(),
                    "effective_date": e.effective_date, "inputs": e.inputs, "changes": e.changes,
                    "reason": e.reason, "words": _event_words(e, names)} for e in events],
        "consultations": [c.model_dump(mode="json") for c in consultations],
        "fees": [f.model_dump(mode="json") for f in fees],
        "letters": [letter_summary(x) for x in letters],
        "service_records": [r.model_dump(mode="json") for r in services],
        "remedy_periods": _remedy_periods(services),
        "running_periods": running_periods(registry, app, agency, consultations, fees, today),
    }


def _remedy_periods(services: list[ServiceRecord]) -> dict | None:
    """The remedy deadlines of the last successful service of a deciding letter (a reissued reply served
    later starts them again)."""
    served = [r for r in services if r.review_by is not None and not r.failed]
    if not served:
        return None
    last = max(served, key=lambda r: (r.served_on, r.id))
    return {"served_on": last.served_on.isoformat(), "letter_id": last.letter_id, "review_by": last.review_by.isoformat(),
            "sue_by": last.sue_by.isoformat(), "provisional": last.remedy_provisional}


def event_result(result: "FireResult", registry: CalendarRegistry, today: date) -> dict:
    """The answer to an event: the summary, the clock, the letters and the audit record just written —
    from what the event's transaction held, without reading again."""
    app, agency, event = result.application, result.agency, result.event
    left = running_days_left(app, registry.calendar(agency.region, provisional=True), today)
    return {**summary(app, result.applicant, left, lights_for(agency)), "outcome_details": app.outcome_details,
            "replied_on": _iso(app.replied_on), "replied_on_time": app.replied_on_time,
            "letters": [letter_summary(x) for x in result.letters],
            "event": {"seq": event.seq, "name": event.name, "label": EVENTS.get(event.name, event.name),
                      "from": event.from_state, "to": event.to_state, "actor": event.actor_name, "role": event.role,
                      "at": event.at.isoformat(), "changes": event.changes}}


def letter_summary(x: Letter) -> dict:
    from .letter_data import LETTER_TYPES

    return {"id": x.id, "type": x.type, "type_label": LETTER_TYPES.get(x.type, x.type), "outcome": x.outcome,
            "status": x.status, "number": x.number, "addressee": x.addressee, "issued_on": _iso(x.issued_on),
            "pdf_sha256": x.pdf_sha256, "template_version": x.template_version, "void_reason": x.void_reason}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
