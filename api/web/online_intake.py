"""The workbench's 网上申请待确认 list: the clerk confirms an online submission (registered on the
internet-platform channel, received on the confirmation day, 条例 art 31(三)) or answers that it is not
a disclosure application."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from engine.calendar_registry import get_registry
from engine.case import local_today
from engine.db import new_session
from engine.errors import DomainError
from engine.models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES
from engine.portal import submissions
from engine.services.intake import DELIVERIES, FORMS

from ..deps import request_origin
from .pages import guarded, int_or, render, with_msg
from .session import login_redirect, principal

router = APIRouter(include_in_schema=False)
LABELS = {"kinds": APPLICANT_KINDS, "id_types": ID_TYPES, "subtypes": LEGAL_SUBTYPES, "forms": FORMS,
          "deliveries": DELIVERIES, "answer_kinds": submissions.ANSWER_KINDS}


@router.get("/online-intake")
async def pending_page(request: Request) -> Response:
    def go():
        with new_session() as s:
            p = principal(request, s)
            if p is None:
                return None, None, None
            try:
                return p, submissions.pending(s, p.actor), None
            except DomainError as exc:
                return p, [], exc.message

    p, rows, refusal = await run_in_threadpool(go)
    if p is None:
        return login_redirect(request)
    if refusal:
        return render(request, "error.html", p, status=403, message=refusal)
    return render(request, "online_intake.html", p, rows=rows, today=local_today().isoformat(), **LABELS)


async def _act(request: Request, submission_id: str, act) -> Response:
    form = await request.form()
    sid = int_or(submission_id)

    def go():
        with new_session() as s:
            p, refusal = guarded(request, form, s)
            if refusal is not None:
                return refusal
            try:
                message = act(s, p, sid or 0, form)
            except DomainError as exc:
                return with_msg("/online-intake", exc.message, bad=True)
            return with_msg("/online-intake", message)

    return await run_in_threadpool(go)


@router.post("/online-intake/{submission_id}/confirm")
async def confirm(request: Request, submission_id: str) -> Response:
    def act(s, p, sid, form):
        inputs = {"confirmed_on": str(form.get("confirmed_on") or "")[:10] or None}
        app = submissions.confirm(s, p.actor, sid, inputs, today=local_today(), registry=get_registry())
        return f"已确认收到并登记，登记编号 {app.number}，收到申请之日 {app.received_date.isoformat()}"

    return await _act(request, submission_id, act)


@router.post("/online-intake/{submission_id}/not-application")
async def not_application(request: Request, submission_id: str) -> Response:
    def act(s, p, sid, form):
        inputs = {"kind": str(form.get("kind", ""))[:16], "message": str(form.get("message", ""))[:2001]}
        row = submissions.answer_not_application(s, p.actor, sid, inputs, request_origin(request))
        return f"已答复网上申请 {row.tracking_number} 不属于政府信息公开申请"

    return await _act(request, submission_id, act)
