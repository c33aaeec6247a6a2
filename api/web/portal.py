"""The applicants' portal pages (no login, no JavaScript needed): the agencies and their 申请指南,
the application form and its confirmation, following a case, verifying a letter. Thin: each page calls
one engine function of ``engine.portal`` and renders the answer."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from engine.case import local_today
from engine.db import new_session
from engine.errors import DomainError
from engine.models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES
from engine.portal import correction, guide, progress, service, submissions, verification
from engine.services.intake import DELIVERIES, FORMS

from ..client import client_address

router = APIRouter(prefix="/portal", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates" / "portal"))
templates.env.globals.update(KINDS=APPLICANT_KINDS, ID_TYPES=ID_TYPES, SUBTYPES=LEGAL_SUBTYPES, FORMS=FORMS,
                             DELIVERIES=DELIVERIES)
APPLICANT_FIELDS = ("kind", "subtype", "name", "id_type", "id_number", "phone", "email", "address", "postcode")
MAX_FIELD = 20000  # a form field longer than the longest the registration takes is cut (it is refused then)


def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    resp = templates.TemplateResponse(request, name, ctx, status_code=status)
    resp.headers["Cache-Control"] = "no-store"  # query codes and answers are never cached
    return resp


def refused(request: Request, name: str, exc: DomainError, **ctx: Any) -> HTMLResponse:
    resp = page(request, name, status=exc.status, error=exc.message, error_field=exc.field, **ctx)
    if exc.retry_after:
        resp.headers["Retry-After"] = str(exc.retry_after)
    return resp


def _read(fn, *args):
    with new_session() as s:
        return fn(s, *args)


@router.get("")
async def home(request: Request) -> HTMLResponse:
    agencies = await run_in_threadpool(_read, guide.platform_agencies)
    return page(request, "home.html", agencies=agencies)


@router.get("/track")
async def track_form(request: Request) -> HTMLResponse:
    return page(request, "track.html", result=None)


@router.post("/track")
async def track(request: Request) -> HTMLResponse:
    """By POST: the query code stays out of addresses, histories and logs."""
    form = await request.form()
    number, code = str(form.get("number", ""))[:64].strip(), str(form.get("code", ""))[:64].strip()
    if not number or not code:
        return page(request, "track.html", status=422, result=None, number=number, error="请填写查询号和查询码")
    try:
        result = await run_in_threadpool(_read, progress.progress, number, code, client_address(request))
    except DomainError as exc:
        return refused(request, "track.html", exc, result=None, number=number)
    return page(request, "track.html", result=result, number=number, code=code, key=secrets.token_urlsafe(24))


@router.post("/correction")
async def correct(request: Request) -> HTMLResponse:
    """补正 from the progress page: the corrected application, received when a clerk confirms it."""
    return await _answer(request, correction.submit_correction, "corrected_text")


@router.post("/withdrawal")
async def withdraw(request: Request) -> HTMLResponse:
    """撤回 from the progress page: the application ends when a clerk confirms receipt."""
    return await _answer(request, correction.submit_withdrawal, "reason")


async def _answer(request: Request, submit, field: str) -> HTMLResponse:
    form = await request.form()
    number, code = str(form.get("number", ""))[:64].strip(), str(form.get("code", ""))[:64].strip()
    text, key = str(form.get(field, ""))[:MAX_FIELD + 1].strip(), str(form.get("key", ""))[:128]

    def go():
        with new_session() as s:
            try:
                submit(s, number, code, {field: text}, key, client_address(request), local_today())
            except DomainError as exc:
                return exc, None
            return None, progress.progress(s, number, code, client_address(request))

    refusal, result = await run_in_threadpool(go)
    if refusal is not None:
        return refused(request, "track.html", refusal, result=None, number=number)
    return page(request, "track.html", result=result, number=number, code=code, sent=True)


@router.post("/letters/download")
async def download(request: Request) -> Response:
    """A letter from the progress page (by POST, like the look-up): the first download of a letter the
    applicant asked to receive online is its service (engine.portal.service)."""
    from engine.calendar_registry import get_registry

    from ..responses import attachment

    form = await request.form()
    number, code = str(form.get("number", ""))[:64].strip(), str(form.get("code", ""))[:64].strip()
    letter_id = str(form.get("letter_id", ""))
    if not (number and code and letter_id.isdigit() and len(letter_id) < 10):
        return page(request, "track.html", status=422, result=None, number=number, error="请填写查询号和查询码")

    def go():
        with new_session() as s:
            return service.download(s, number, code, int(letter_id), client_address(request), today=local_today(),
                                    registry=get_registry())

    try:
        pdf, name = await run_in_threadpool(go)
    except DomainError as exc:
        return refused(request, "track.html", exc, result=None, number=number)
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store", **attachment(name)})


@router.get("/verify")
async def verify(request: Request) -> HTMLResponse:
    """The QR code on a letter leads here with the 文号 and code filled in."""
    number = request.query_params.get("number", "")[:64].strip()
    code = request.query_params.get("code", "")[:32].strip()
    result = None
    if number and code:
        try:
            result = await run_in_threadpool(_read, verification.verify, number, code, client_address(request))
        except DomainError as exc:
            return refused(request, "verify.html", exc, result=None, number=number, code=code)
    return page(request, "verify.html", result=result, number=number, code=code)


@router.get("/{agency_code}")
async def agency_guide(request: Request, agency_code: str) -> HTMLResponse:
    try:
        g = await run_in_threadpool(_read, lambda s: guide.guide_of(s, guide.agency_by_code(s, agency_code[:32])))
    except DomainError as exc:
        return refused(request, "error.html", exc)
    return page(request, "guide.html", guide=g)


@router.get("/{agency_code}/apply")
async def apply_form(request: Request, agency_code: str) -> HTMLResponse:
    try:
        g = await run_in_threadpool(_read, lambda s: guide.guide_of(s, guide.agency_by_code(s, agency_code[:32])))
    except DomainError as exc:
        return refused(request, "error.html", exc)
    # One key per rendered form: submitting it twice (a double click, a reload) gives the same answer.
    return page(request, "apply.html", guide=g, key=secrets.token_urlsafe(24), v={})


def online_payload(form) -> dict:
    value = {k: str(form.get(k, ""))[:MAX_FIELD].strip() for k in form.keys()}
    applicant = {k: value.get(f"applicant.{k}", "") for k in APPLICANT_FIELDS}
    applicant["subtype"] = applicant["subtype"] or None
    if applicant["kind"] != "legal":
        applicant["subtype"] = None
    return {"applicant": applicant, **{k: value.get(k, "") for k in ("request_text", "purpose", "form_wanted",
                                                                        "delivery_wanted")}}


@router.post("/{agency_code}/apply")
async def apply(request: Request, agency_code: str) -> HTMLResponse:
    form = await request.form()
    payload, key = online_payload(form), str(form.get("key", ""))[:128]
    flat = {k: str(form.get(k, ""))[:MAX_FIELD] for k in form.keys()}

    def go():
        with new_session() as s:
            g = guide.guide_of(s, guide.agency_by_code(s, agency_code[:32]))
            try:
                return g, submissions.submit(s, agency_code[:32], payload, key, client_address(request), local_today())
            except DomainError as exc:
                return g, exc

    try:
        g, done = await run_in_threadpool(go)
    except DomainError as exc:
        return refused(request, "error.html", exc)
    if isinstance(done, DomainError):
        return refused(request, "apply.html", done, guide=g, key=key or secrets.token_urlsafe(24), v=flat)
    return page(request, "submitted.html", guide=g, done=done, submitted_at=progress.local(done.submitted_at),
                state_label=progress.SUBMISSION_PLAIN["pending"])
