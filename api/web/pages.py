"""Workbench pages. Thin: read the form, call one engine function, render the answer in Chinese."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlmodel import func, select

from engine import auth, case_file, queries, workflow
from engine.calendar_registry import get_registry
from engine.db import new_session
from engine.errors import DomainError, NotFound, Unconfirmed
from engine.models import Agency, Alert, Application, RoleGrant, User
from engine.models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES
from engine.models.user import ROLE_ZH
from engine.outcomes import OUTCOMES
from engine.receipt import CHANNELS
from engine.case import local_today
from engine.services.closing import METHODS as SERVICE_METHODS
from engine.services.intake import DELIVERIES, FORMS
from engine.clock import LIGHT_ZH
from engine.services.catalog import EVENT_LABELS as EVENTS
from engine.states import OPEN_STATES, STATES

from ..client import client_address, user_agent
from ..csrf import CSRF_HEADER
from ..deps import SESSION_COOKIE, request_origin
from .agency_form import letter_and_fee_settings, volume_bands_text
from .forms import EVENT_FIELDS, FACT_FIELDS, OUTCOME_FIELDS, form_field_of, inputs_from_form
from .session import CSRF_FIELD, csrf_for, csrf_ok, login_redirect, principal, set_session_cookie

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates" / "web"))
templates.env.globals.update(STATES=STATES, EVENTS=EVENTS, ROLE_ZH=ROLE_ZH, OUTCOMES=OUTCOMES,
                             CHANNEL_LABELS={k: v[0] for k, v in CHANNELS.items()}, SERVICE_METHODS=SERVICE_METHODS,
                             lights=LIGHT_ZH, OPEN_STATES=OPEN_STATES, volume_bands_text=volume_bands_text)


def local_time(value: str) -> str:
    """Stored UTC, shown in Asia/Shanghai (spec workflow.md: the audit trail's time)."""
    from datetime import datetime

    from engine.case import SHANGHAI

    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


templates.env.filters["local_time"] = local_time

# Set while one page renders: whether it printed a provisional date (the banner under it explains why).
_PROVISIONAL_SHOWN: ContextVar[dict | None] = ContextVar("provisional_shown", default=None)


def provisional_mark() -> Markup:
    """The 暂定 badge beside a provisional date; the page then carries the calendar banner."""
    seen = _PROVISIONAL_SHOWN.get()
    if seen is not None:
        seen["shown"] = True
    return Markup('<span class="badge provisional">暂定</span>')


def provisional_shown() -> bool:
    return bool((_PROVISIONAL_SHOWN.get() or {}).get("shown"))


templates.env.globals.update(provisional_mark=provisional_mark, provisional_shown=provisional_shown)


def calendar_gap(p) -> int | None:
    """Next year when its schedule is missing from 1 November (engine.calendar_view), for the banner."""
    from engine.calendar_view import next_year_missing

    return next_year_missing(get_registry(), local_today())


def _agency_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    with new_session() as s:
        return {a.id: a.name for a in s.exec(select(Agency).where(Agency.id.in_(ids))).all()}


def _unread_alerts(p) -> int:
    """The count beside 提醒 in the header."""
    from engine.alerting import inbox

    with new_session() as s:
        return s.exec(select(func.count()).select_from(Alert).where(inbox.visible(s, p.actor),
                                                                     Alert.read_at.is_(None))).one()


def render(request: Request, name: str, p, status: int = 200, **ctx: Any) -> HTMLResponse:
    roles = sorted({(aid, role) for aid, role in p.actor.grants}) if p else []
    ctx.setdefault("agency_names", _agency_names({aid for aid, _ in roles}))
    if p is not None and "unread_alerts" not in ctx:
        ctx["unread_alerts"] = _unread_alerts(p)
    ctx.setdefault("missing_year", calendar_gap(p) if p is not None else None)
    token = _PROVISIONAL_SHOWN.set({})
    try:
        resp = templates.TemplateResponse(request, name, {
            "p": p, "csrf": csrf_for(p.token) if p else "", "roles": roles, "flash": request.query_params.get("msg"),
            "flash_bad": request.query_params.get("bad"), **ctx}, status_code=status)
    finally:
        _PROVISIONAL_SHOWN.reset(token)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The Chinese error page (an unknown address, a bad number in it), with the header when logged in."""
    with new_session() as s:
        p = principal(request, s)
        return render(request, "error.html", p, status=status, message=message)


def guarded(request: Request, form, session) -> tuple[Any, Response | None]:
    """The logged-in user of a form post, or the response that refuses it (login, stale form)."""
    p = principal(request, session)
    if p is None:
        return None, login_redirect(request)
    if not csrf_ok(p, form.get(CSRF_FIELD)):
        return p, render(request, "error.html", p, status=403, message="表单已过期，请刷新页面后重试")
    return p, None


def int_or(value: object, default: int | None = None) -> int | None:
    """A form or query value as an int; anything else gives the default (never a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


def with_msg(url: str, msg: str, bad: bool = False) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{'bad' if bad else 'msg'}={quote(msg)}", status_code=303)


# -- login ----------------------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", None, next=request.query_params.get("next", "/"))


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = str(form.get("next") or "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"

    def go():
        with new_session() as s:
            return auth.login(s, username, password, client_address(request), user_agent(request), web=True)

    try:
        token, _, _ = await run_in_threadpool(go)
    except DomainError as exc:
        page = render(request, "login.html", None, status=exc.status if exc.status != 401 else 200,
                      error=exc.message, next=target, username=username)
        if exc.retry_after:
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    resp = RedirectResponse(target, status_code=303)
    set_session_cookie(resp, token, request)
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    with new_session() as s:
        p = principal(request, s)
        if p and csrf_ok(p, form.get(CSRF_FIELD)):
            auth.logout(s, p.token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/account/logins")
def my_logins(request: Request) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        return render(request, "logins.html", p, seen=auth.recent_logins(s, p.user))


# -- my queue -------------------------------------------------------------------------------------------


QUEUE_SCOPES = {"open": "未办结", "all": "全部（含已办结）", "closed": "已办结、已归档"}


def queue_link(q, **changes) -> str:
    """The queue's address with some parameters changed (None removes one); the page restarts at 1
    unless it is the change."""
    from urllib.parse import urlencode

    params = [(k, v) for k, v in q.multi_items() if k not in changes and k != "page" and v != ""]
    for key, value in changes.items():
        if value is None:
            continue
        params += [(key, v) for v in value] if isinstance(value, (list, tuple)) else [(key, value)]
    return "/?" + urlencode(params) if params else "/"


templates.env.globals["queue_link"] = queue_link


@router.get("/")
def queue(request: Request) -> Response:
    """我的待办: the user's worklists (engine.worklists), then every visible case, filtered, sorted by
    any column and paged through to the last one."""
    from engine.alerting import inbox
    from engine.worklists import worklists

    q = request.query_params
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        day, reg = local_today(), get_registry()
        statuses = [x for x in q.getlist("status") if x in STATES] or None
        scope = q.get("scope") if q.get("scope") in QUEUE_SCOPES else "open"
        sort = q.get("sort") if q.get("sort") in queries.SORTS else "due"
        due_within = int_or(q.get("due_within"))
        f = queries.ListFilters(
            status=statuses, clerk_id=p.user.id if q.get("mine") == "1" else int_or(q.get("clerk")),
            text=(q.get("q") or "")[:200].strip() or None,
            due_within=min(due_within, 60) if due_within is not None else None,
            overdue=True if q.get("overdue") == "1" else None, open_only=scope == "open" and not statuses,
            closed_only=scope == "closed", lights=[x for x in q.getlist("light") if x in queries.LIGHTS] or None,
            sort=sort, descending={"1": True, "0": False}.get(q.get("desc", "")),
            page=min(max(int_or(q.get("page"), 1), 1), 100000), page_size=50)
        listing = queries.list_applications(s, p.actor, f, reg, day, with_counts=True)
        ids = queries.visible_agency_ids(s, p.actor)
        clerks = s.exec(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
            RoleGrant.agency_id.in_(ids), RoleGrant.role == "clerk").distinct()).all() if ids else []
        unread = inbox.list_alerts(s, p.actor, unread=True, page_size=8)
        descending = queries.SORTS[sort][1] if f.descending is None else f.descending
        return render(request, "queue.html", p, listing=listing, counts=listing["counts"], clerks=clerks, unread=unread,
                      q=q, scope=scope, scopes=QUEUE_SCOPES, sorts=queries.SORTS, sort=sort, descending=descending,
                      worklists=worklists(s, p.actor, reg, day))


# -- register -------------------------------------------------------------------------------------------


def _register_ctx(**extra):
    return {"channels": CHANNELS, "id_types": ID_TYPES, "kinds": APPLICANT_KINDS, "subtypes": LEGAL_SUBTYPES,
            "forms": FORMS, "deliveries": DELIVERIES, "today": local_today().isoformat(), **extra}


@router.get("/applications/new")
def register_page(request: Request) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        return render(request, "register.html", p, values={}, errors={}, **_register_ctx())


def _register_inputs(form) -> dict:
    channel = str(form.get("channel", ""))
    applicant = {k: str(form.get(f"a_{k}", "")).strip() for k in ("kind", "subtype", "name", "id_type", "id_number",
                                                                  "phone", "email", "address", "postcode")}
    if not applicant["subtype"]:
        applicant.pop("subtype")
    return {"applicant": applicant, "channel": channel,
            "channel_facts": {FACT_FIELDS.get(channel, "date"): str(form.get("fact_date", ""))} if form.get("fact_date") else {},
            "request_text": str(form.get("request_text", "")), "purpose": str(form.get("purpose", "")),
            "form_wanted": str(form.get("form_wanted", "")), "delivery_wanted": str(form.get("delivery_wanted", "")),
            "confirm": form.get("confirm") == "1"}


@router.post("/applications/preview", response_class=HTMLResponse)
async def register_preview(request: Request) -> Response:
    """htmx: the derived receipt date, due date, the applicant's count this month and possible repeats."""
    form = await request.form()

    def work():
        from engine.app_clock import compute_with_fallback
        from engine.clock import ClockSpec
        from engine.receipt import confirm_old_receipt, derive_receipt_date
        from engine.signals import preview_signals

        with new_session() as s:
            p = principal(request, s)
            if p is None:
                return render(request, "preview.html", None, status=401, error="请先登录")
            if not csrf_ok(p, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
                return render(request, "preview.html", p, status=403, error="表单已过期，请刷新页面后重试")
            data = _register_inputs(form)
            try:
                received, _ = derive_receipt_date(data["channel"], data["channel_facts"], local_today())
                confirm_old_receipt(received, local_today(), data["confirm"])
            except DomainError as exc:
                return render(request, "preview.html", p, error=exc.message)
            agency_ids = sorted({aid for aid, r in p.actor.grants if r == "clerk"})
            agency = s.get(Agency, agency_ids[0]) if agency_ids else None
            if agency is None:
                return render(request, "preview.html", p, error="当前用户不是经办人")
            _, state = compute_with_fallback(get_registry(), agency, ClockSpec(received, roll_non_working=agency.options.roll_non_working_receipt))
            known = preview_signals(s, agency.id, data["applicant"]["id_type"], data["applicant"]["id_number"],
                                    data["request_text"], received)
            count, hits = (known["month_count"], known["possible_repeats"]) if known else (None, None)
            return render(request, "preview.html", p, received=received, state=state, count=count, hits=hits)

    return await run_in_threadpool(work)


@router.post("/applications/new")
async def register(request: Request) -> Response:
    form = await request.form()

    def work():
        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused:
                return refused
            data = _register_inputs(form)
            agency_ids = sorted({aid for aid, r in p.actor.grants if r == "clerk"})
            try:
                if not agency_ids:
                    from engine.errors import Forbidden

                    raise Forbidden("登记须由经办人办理")
                app, _ = workflow.register(s, p.actor, agency_ids[0], data, today=local_today(), registry=get_registry())
            except DomainError as exc:
                field = (exc.field or "").replace("applicant.", "a_").replace("channel_facts.", "fact_")
                field = "fact_date" if field.startswith("fact_") else field
                return render(request, "register.html", p, status=422, values=dict(form), errors={field or "_": exc.message},
                              confirm_needed=isinstance(exc, Unconfirmed), **_register_ctx())
            return with_msg(f"/applications/{app.id}", f"已登记，编号 {app.number}")

    return await run_in_threadpool(work)


# -- the application page --------------------------------------------------------------------------------


@router.get("/applications/{app_id}")
def application_page(request: Request, app_id: int) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        errors = {"event": request.query_params.get("event"), "message": request.query_params.get("bad")}
        return application_view(request, s, p, app_id, errors=errors)


def application_view(request: Request, s, p, app_id: int, *, status: int = 200, errors: dict | None = None,
                     values: dict | None = None) -> Response:
    """The case page; after a refused form, with the form open, its values kept and the error beside its
    field (``errors``: event, message, field — a form field name —)."""
    try:
        detail = queries.application_detail(s, p.actor, app_id, get_registry(), local_today(), with_explanation=True)
        actions = workflow.available_actions(s, p.actor, app_id, today=local_today(), registry=get_registry())
    except DomainError as exc:
        return render(request, "error.html", p, status=exc.status, message=exc.message)
    findings = _draft_findings(s, app_id)
    return render(request, "application.html", p, status=status, a=detail, actions=actions, fields=EVENT_FIELDS,
                  errors=errors or {}, values=values or {}, findings=findings, outcome_fields=OUTCOME_FIELDS,
                  docs=case_file.list_documents(s, p.actor, app_id), upload_kinds=case_file.kinds_to_add(s, p.actor, app_id),
                  defaults={"amend_registration": _as_registered(s, app_id)},
                  my_roles={role for aid, role in p.actor.grants if aid == detail["agency"]["id"]})


def _as_registered(s, app_id: int) -> dict:
    """The correction form starts from what is registered (the phone excepted: it is shown masked)."""
    from engine.models import ApplicantDetails

    app, given = s.get(Application, app_id), s.get(ApplicantDetails, app_id)
    values = {k: getattr(given, k) or "" for k in ("name", "kind", "subtype", "email", "address", "postcode")}
    values |= {k: getattr(app, k) or "" for k in ("request_text", "purpose", "form_wanted", "delivery_wanted", "channel")}
    values["received_on"] = (app.channel_facts or {}).get(FACT_FIELDS.get(app.channel, ""), app.received_date.isoformat())
    return values


def _draft_findings(session, app_id: int) -> dict[int, list[dict]]:
    """The legal audit of each draft reply, shown next to it before sign-off (blocking ones first)."""
    from engine.models import Letter
    from engine.case_repository import case_of
    from letters.audit import audit_letter

    app = session.get(Application, app_id)
    drafts = session.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply",
                                               Letter.status == "draft")).all()
    if not drafts:
        return {}
    case = case_of(session, app)
    out = {}
    for letter in drafts:
        failed = [f.as_dict() for f in audit_letter(letter, case, get_registry()) if not f.ok]
        out[letter.id] = sorted(failed, key=lambda f: f["severity"] != "blocking")
    return out


@router.post("/applications/{app_id}/events/{event}")
async def fire_event(request: Request, app_id: int, event: str) -> Response:
    form = await request.form()

    def work():
        from api.hooks import letter_desk

        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused:
                return refused
            version = form.get("version")
            try:
                # a field given several times (the documents a decision picks) arrives comma-separated
                inputs = inputs_from_form(event, {k: ",".join(str(v) for v in form.getlist(k)) for k in form})
                workflow.fire(s, p.actor, app_id, event, inputs, expected_version=int_or(version),
                              today=local_today(), registry=get_registry(), letters=letter_desk())
            except DomainError as exc:
                s.rollback()
                if isinstance(exc, NotFound) or event not in EVENT_FIELDS:
                    return render(request, "error.html", p, status=exc.status, message=exc.message)
                values = {k: str(v) for k, v in form.items() if k not in (CSRF_FIELD, "version")}
                errors = {"event": event, "message": f"{EVENTS.get(event, event)}未完成：{exc.message}",
                          "field": form_field_of(event, exc.field), "text": exc.message,
                          "confirm": isinstance(exc, Unconfirmed)}
                return application_view(request, s, p, app_id, status=exc.status, errors=errors, values=values)
            return with_msg(f"/applications/{app_id}", f"已{EVENTS.get(event, event)}")

    return await run_in_threadpool(work)


@router.post("/letters/{letter_id}/{op}")
async def letter_op(request: Request, letter_id: int, op: str) -> Response:
    form = await request.form()

    def work():
        from api.hooks import letter_desk
        from engine.models import Letter

        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused or op not in ("issue", "void", "reissue"):
                return refused or render(request, "error.html", p, status=404, message="未知的文书操作")
            letter = s.get(Letter, letter_id)
            try:  # another agency's letter: the same answer as none, and no redirect naming its case
                if letter is None:
                    raise NotFound("文书不存在")
                queries.get_visible(s, p.actor, letter.application_id)
            except NotFound:
                return render(request, "error.html", p, status=404, message="文书不存在")
            event = {"issue": "issue_letter", "void": "void_letter", "reissue": "reissue_letter"}[op]
            inputs = {"letter_id": letter_id, **({"reason": str(form.get("reason", ""))} if op == "void" else {})}
            try:
                workflow.fire(s, p.actor, letter.application_id, event, inputs, today=local_today(), registry=get_registry(),
                              letters=letter_desk())
            except DomainError as exc:
                return with_msg(f"/applications/{letter.application_id}", exc.message, bad=True)
            return with_msg(f"/applications/{letter.application_id}", f"已{EVENTS[event]}")

    return await run_in_threadpool(work)


# -- the case file (电子案卷) -------------------------------------------------------------------------------


@router.post("/applications/{app_id}/documents")
async def upload_document(request: Request, app_id: int) -> Response:
    """The upload form: checked and stored like the API's upload, then recorded by its event."""
    return await _document_form(request, app_id, None)


@router.post("/applications/{app_id}/documents/{doc_id}/replace")
async def replace_document(request: Request, app_id: int, doc_id: int) -> Response:
    return await _document_form(request, app_id, doc_id)


async def _document_form(request: Request, app_id: int, doc_id: int | None) -> Response:
    from api.routers.documents import upload_and_fire

    form = await request.form()

    def work():
        with new_session() as s:
            p, refused = guarded(request, form, s)
        if refused:
            return refused
        file = form.get("file")
        event = "add_document" if doc_id is None else "replace_document"
        try:
            if not hasattr(file, "read") or not getattr(file, "filename", ""):
                from engine.errors import InputError

                raise InputError("请选择要上传的文件", field="file")
            doc = upload_and_fire(p, app_id, event, file, str(form.get("kind", "")), local_today(), get_registry(),
                                  document_id=doc_id, reason=str(form.get("reason", "")))
        except DomainError as exc:
            return at_documents(with_msg(f"/applications/{app_id}", f"{EVENTS[event]}未完成：{exc.message}", bad=True))
        return at_documents(with_msg(f"/applications/{app_id}", f"已{EVENTS[event]}：{doc['filename']}"))

    return await run_in_threadpool(work)


def at_documents(response: Response) -> Response:
    response.headers["location"] += "#documents"
    return response


@router.get("/applications/{app_id}/service-form")
def service_form(request: Request, app_id: int, letter_id: int | None = None) -> Response:
    """送达回证: the printable form (A4) for a letter served in person or by post, to be signed by the
    recipient and uploaded back as a 送达凭证."""
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        try:
            detail = queries.application_detail(s, p.actor, app_id, get_registry(), local_today())
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        issued = [x for x in detail["letters"] if x["status"] == "issued"]
        letters = [x for x in issued if x["id"] == letter_id] if letter_id else issued
        if not letters:
            return render(request, "error.html", p, status=404, message="本申请没有可送达的已印发文书")
        return render(request, "service_form.html", p, a=detail, letters=letters)


# -- approvals, reports, admin ----------------------------------------------------------------------------


@router.get("/approvals")
def approvals(request: Request) -> Response:
    """审批: the worklists of the reviewing roles (head, secrecy, legal, supervisor), oldest first."""
    from engine.worklists import worklists

    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        lists = [x for x in worklists(s, p.actor, get_registry(), local_today()) if x["role"] != "clerk"]
        return render(request, "approvals.html", p, worklists=lists)


# -- alerts -----------------------------------------------------------------------------------------------


@router.get("/alerts")
def alerts_page(request: Request) -> Response:
    from engine.alerting import inbox

    q = request.query_params
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        unread = q.get("unread") == "1"
        page = min(max(int_or(q.get("page"), 1), 1), 10000)
        listing = inbox.list_alerts(s, p.actor, unread=unread, page=page, page_size=50)
        return render(request, "alerts.html", p, listing=listing, unread_only=unread, page=page)


@router.post("/alerts/{op}")
async def alert_op(request: Request, op: str) -> Response:
    """``read`` (every unread one), ``<id>-read`` or ``<id>-open`` (read, then to its case)."""
    form = await request.form()

    def work():
        from engine.alerting import inbox

        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused:
                return refused
            back = "/alerts?unread=1" if form.get("unread_only") == "1" else "/alerts"
            if op == "read":
                n = inbox.mark_all_read(s, p.actor)
                return with_msg(back, f"已将{n}条提醒标记为已读")
            ident, _, action = op.partition("-")
            try:
                alert = inbox.mark_read(s, p.actor, int_or(ident, 0) or 0)
            except DomainError as exc:
                return render(request, "error.html", p, status=exc.status, message=exc.message)
            if action == "open" and alert.application_id:
                return RedirectResponse(f"/applications/{alert.application_id}", status_code=303)
            return with_msg(back, "已标记为已读")

    return await run_in_threadpool(work)


@router.get("/reports")
def reports(request: Request) -> Response:
    from api.exports.annual import audit_to_html, to_html
    from engine.reports.annual import cell_applications
    from engine.reports.frozen import published_report
    from letters.audit_report import audit_report

    q = request.query_params
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        agencies = [s.get(Agency, aid) for aid in sorted(queries.visible_agency_ids(s, p.actor))]
        agencies = [a for a in agencies if a]
        if not agencies:
            return render(request, "error.html", p, status=403, message="没有可查看报表的机关")
        code = q.get("agency") or next((a.code for a in agencies if a.competent_department_id), agencies[0].code)
        agency = next((a for a in agencies if a.code == code), None)
        if agency is None:
            return render(request, "error.html", p, status=404, message="机关不存在")
        year = int_or(q.get("year"), local_today().year)
        if not 2008 <= year <= 2100:
            return render(request, "error.html", p, status=422, message="年度应在2008年至2100年之间")
        kind = q.get("kind", "annual")
        if q.get("row") and q.get("column"):
            try:
                cell = cell_applications(s, [agency.id], year, q["row"], q["column"])
            except DomainError as exc:
                return render(request, "error.html", p, status=exc.status, message=exc.message)
            return render(request, "cell.html", p, cell=cell, agency=agency, year=year, row=q["row"], column=q["column"])
        if kind == "audit":
            from engine.deadline import parse_date

            try:
                start = parse_date(q["from"], "开始日期") if q.get("from") else date(year, 1, 1)
                end = parse_date(q["to"], "结束日期") if q.get("to") else date(year, 12, 31)
            except DomainError as exc:
                return render(request, "error.html", p, status=422, message=exc.message)
            body = audit_to_html(audit_report(s, [agency.id], start, end, get_registry()), agency.name)
        else:
            report = published_report(s, [agency.id], year).as_dict()
            body = to_html(report, f"/reports?agency={agency.code}&year={year}")
        inner = body.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        return render(request, "reports.html", p, agencies=agencies, agency=agency, year=year, kind=kind, inner=inner)


def _admin_ctx(s, p) -> dict:
    """What the admin page shows this administrator (engine.admin_rights decides each part)."""
    from engine.admin_rights import may_manage_user, may_set_fee_approval, user_agencies, visible_settings

    agencies = [a for a in s.exec(select(Agency).order_by(Agency.id)).all() if visible_settings(p.actor, a)]
    q = select(User).order_by(User.username)
    if not p.actor.platform_admin:
        q = q.where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.agency_id.in_(p.actor.admin_of()))))
    users = []
    for u in s.exec(q).all():
        grants = s.exec(select(RoleGrant).where(RoleGrant.user_id == u.id)).all()
        users.append({"user": u, "grants": grants,
                      "manageable": may_manage_user(p.actor, u, user_agencies(s, u.id))})
    all_names = {a.id: a.name for a in s.exec(select(Agency)).all()}
    grantable = [a for a in agencies if p.actor.platform_admin or a.id in p.actor.admin_of()]
    return {"agencies": agencies, "users": users, "all_names": all_names, "grantable": grantable,
            "fee_switch": {a.id: may_set_fee_approval(p.actor, a) for a in agencies},
            "platform": p.actor.platform_admin, "year_now": local_today().year, "years": get_registry().years(),
            "role_names": ROLE_ZH}


@router.get("/admin")
def admin_page(request: Request) -> Response:
    from engine.admin_rights import is_administrator

    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        if not is_administrator(p.actor):
            return render(request, "error.html", p, status=403, message="需要机关管理员或平台管理员角色")
        return render(request, "admin.html", p, **_admin_ctx(s, p))


MAX_SEAL_READ = 1024 * 1024 + 1  # one byte over the limit: engine.seal refuses it with the size

AGENCY_FLAGS = ("legal_review_required", "fee_approval_by_supervisor", "acknowledgement_letter", "fee_pauses_clock",
                "roll_non_working_receipt")


def _agency_changes(form, p, agency) -> dict:
    """The agency form as changes: the fee 核准 box is read only from those who may change it (others see
    it disabled, and a disabled box is not submitted); a blank secret keeps the current one."""
    from engine.admin_rights import may_set_fee_approval

    flags = [k for k in AGENCY_FLAGS if k != "fee_approval_by_supervisor" or may_set_fee_approval(p.actor, agency)]
    settings = {k: form.get(k) == "on" for k in flags}
    settings["correction_period_days"] = str(form.get("correction_period_days", "15"))
    settings["webhook_url"] = str(form.get("webhook_url", "")).strip()
    if str(form.get("webhook_secret", "")):
        settings["webhook_secret"] = str(form.get("webhook_secret"))
    settings.update(letter_and_fee_settings(form))
    changes = {k: str(form.get(k, "")).strip() for k in ("review_body", "court", "address", "contact")}
    if p.actor.platform_admin:
        changes["name"] = str(form.get("name", agency.name)).strip() or agency.name
        changes["competent_department"] = str(form.get("competent_department", "")).strip()
    return {**changes, "settings": settings}


@router.post("/admin/{op}")
async def admin_op(request: Request, op: str) -> Response:
    form = await request.form()

    def work():
        from engine import admin_ops
        from engine.admin_rights import is_administrator

        with new_session() as s:
            p = principal(request, s)
            if p is None:
                return login_redirect(request)
            if not is_administrator(p.actor) or not csrf_ok(p, form.get(CSRF_FIELD)):
                return render(request, "error.html", p, status=403, message="需要机关管理员或平台管理员角色，或表单已过期")
            where = request_origin(request)
            kind, _, ident = op.partition("-")
            target = int_or(ident, 0)
            try:
                if op == "user":
                    agency_id = int_or(form.get("agency_id"), 0)
                    roles = [(agency_id, str(form.get("role", "")))] if agency_id else []
                    user = admin_ops.create_user(s, p.actor, where, username=str(form.get("username", "")).strip(),
                                                 display_name=str(form.get("name", "")).strip(),
                                                 password=str(form.get("password", "")), roles=roles,
                                                 platform_admin=form.get("platform_admin") == "on")
                    return with_msg("/admin", f"已添加用户 {user.username}")
                if op == "grant":
                    user = admin_ops.user_by_name(s, str(form.get("username", "")).strip())
                    admin_ops.grant_role(s, p.actor, where, user.id, int_or(form.get("agency_id"), 0),
                                         str(form.get("role", "")))
                    return with_msg("/admin", f"已授予 {user.username} 角色")
                if kind == "revoke":
                    user = admin_ops.revoke_role(s, p.actor, where, int_or(form.get("user_id"), 0), target)
                    return with_msg("/admin", f"已收回 {user.username} 的角色")
                if kind == "password":
                    user = admin_ops.reset_password(s, p.actor, where, target, str(form.get("password", "")))
                    return with_msg("/admin", f"已重设 {user.username} 的密码，其全部登录已失效")
                if kind in ("deactivate", "activate"):
                    user = admin_ops.set_active(s, p.actor, where, target, kind == "activate")
                    return with_msg("/admin", f"已{'启用' if kind == 'activate' else '停用'}账号 {user.username}")
                if op == "new-agency":
                    agency = admin_ops.create_agency(
                        s, p.actor, where, code=str(form.get("code", "")).strip(), name=str(form.get("name", "")).strip(),
                        competent_department=str(form.get("competent_department", "")).strip() or None)
                    return with_msg("/admin", f"已新增机关 {agency.name}")
                if kind == "agency":
                    agency = s.get(Agency, target)
                    if agency is None:
                        raise DomainError("机关不存在")
                    agency = admin_ops.update_agency(s, p.actor, where, agency.id, _agency_changes(form, p, agency))
                    return with_msg("/admin", f"已保存 {agency.name} 的设置")
                if kind in ("seal", "unseal"):
                    from engine.seal import store_seal

                    agency = s.get(Agency, target)
                    if agency is None:
                        raise DomainError("机关不存在")
                    from engine.admin_rights import check_agency_change

                    check_agency_change(p.actor, agency, set(), {"seal_sha256"})  # before storing anything
                    upload = form.get("seal")
                    data = upload.file.read(MAX_SEAL_READ) if kind == "seal" and hasattr(upload, "file") else b""
                    sha = store_seal(data) if kind == "seal" else ""
                    admin_ops.update_agency(s, p.actor, where, agency.id, {"settings": {"seal_sha256": sha}})
                    return with_msg("/admin", f"已{'更换' if sha else '删除'} {agency.name} 的印章图片")
            except DomainError as exc:
                s.rollback()
                return with_msg("/admin", exc.message, bad=True)
            return with_msg("/admin", "未知操作", bad=True)

    return await run_in_threadpool(work)


@router.get("/admin/audit")
def admin_audit_page(request: Request) -> Response:
    from engine.admin_audit import ACTIONS, list_admin_events, readable_agencies
    from engine.deadline import parse_date

    q = request.query_params
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        try:
            allowed = readable_agencies(p.actor)
            start = parse_date(q["from"], "开始日期") if q.get("from") else None
            end = parse_date(q["to"], "结束日期") if q.get("to") else None
            page = int_or(q.get("page"), 1) or 1
            agency_id = int_or(q.get("agency"))
            result = list_admin_events(s, p.actor, agency_id=agency_id, start=start, end=end,
                                       action=q.get("action") or None, page=page, page_size=50)
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        rows = s.exec(select(Agency).order_by(Agency.id)).all()
        agencies = [a for a in rows if allowed is None or a.id in allowed]
        names = {a.id: a.name for a in rows}
        return render(request, "admin_audit.html", p, result=result, agencies=agencies, names=names, actions=ACTIONS,
                      q={k: q.get(k, "") for k in ("agency", "from", "to", "action")}, page=page)
