"""Print views laid out for A4 (api/static/print.css): the 申请表 as registered, the 办理呈批单 read from
the audit trail, and every letter with a 打印 button. Read-only: nothing here changes a case."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engine import queries
from engine.calendar_registry import get_registry
from engine.case import SHANGHAI, local_today
from engine.db import new_session
from engine.errors import DomainError, NotFound
from engine.outcomes import GROUNDS, OUTCOMES
from engine.services.intake import DELIVERIES, FORMS

from .pages import render
from .session import login_redirect, principal

router = APIRouter(include_in_schema=False)

# The steps of the internal approval sheet: who decided, reviewed and approved, in the order they happened.
APPROVAL_STEPS = ("accept", "request_extension", "extend", "propose_fee", "approve_fee", "reject_fee", "waive_fee",
                  "decide", "pass_secrecy_review", "fail_secrecy_review", "legal_review", "sign_off", "reopen")
LETTER_PRINT_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src data:"


def _detail(request: Request, app_id: int):
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return None, login_redirect(request)
        try:
            return (p, queries.application_detail(s, p.actor, app_id, get_registry(), local_today())), None
        except DomainError as exc:
            return None, render(request, "error.html", p, status=exc.status, message=exc.message)


@router.get("/applications/{app_id}/print/form")
def print_application_form(request: Request, app_id: int) -> Response:
    """申请表 as registered: the applicant's details as given on this application (never a later record)."""
    found, refused = _detail(request, app_id)
    if refused:
        return refused
    p, a = found
    registered = next((e for e in a["events"] if e["name"] == "register"), None)
    return render(request, "print_form.html", p, a=a, registered=registered, forms=FORMS, deliveries=DELIVERIES,
                  back=f"/applications/{app_id}")


@router.get("/applications/{app_id}/print/approval")
def print_approval_sheet(request: Request, app_id: int) -> Response:
    """办理呈批单: the decision, each review with its reviewer and time, and the sign-off, from the events."""
    found, refused = _detail(request, app_id)
    if refused:
        return refused
    p, a = found
    steps = [e for e in a["events"] if e["name"] in APPROVAL_STEPS]
    signed = next((e for e in reversed(steps) if e["name"] == "sign_off"), None)
    outcome = OUTCOMES.get(a.get("outcome") or "")
    ground = GROUNDS.get(a.get("withhold_ground") or "")
    reasons = (a.get("outcome_details") or {}).get("reasons") or ""
    numbers = [x["number"] for x in a["letters"] if x["type"] == "reply" and x["status"] == "issued" and x["number"]]
    return render(request, "print_approval.html", p, a=a, steps=steps, signed=signed, numbers=numbers,
                  basis=ground.basis if ground else (outcome.basis if outcome else ""),
                  ground=ground.label if ground else "", reasons=reasons, back=f"/applications/{app_id}",
                  printed=datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M"))


@router.get("/letters/{letter_id}/print")
def print_letter(request: Request, letter_id: int) -> Response:
    """The letter as the preview shows it, with a 打印 bar that is not printed (the letter's own @page
    rules lay it out on A4); an issued letter also links its frozen PDF."""
    from api.routers.letters import _html
    from engine.models import Letter

    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        letter = s.get(Letter, letter_id)
        try:  # another agency's letter: the same answer as none
            if letter is None:
                raise NotFound("文书不存在")
            _, agency = queries.get_visible(s, p.actor, letter.application_id)
        except NotFound:
            return render(request, "error.html", p, status=404, message="文书不存在")
        html = _html(letter, agency.code)
    pdf = f' <a href="/api/v1/letters/{letter.id}/pdf">打印存档PDF</a>' if letter.status == "issued" else ""
    bar = ('<div class="print-bar noprint"><button type="button" id="print-now">打印</button>'
           f' <a href="/applications/{letter.application_id}">返回</a>{pdf}</div>')
    head = ('<link rel="stylesheet" href="/static/print-letter.css"><script src="/static/print.js" defer></script>'
            "</head>")
    html = html.replace("</head>", head, 1).replace("<body>", "<body>" + bar, 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": LETTER_PRINT_CSP, "Cache-Control": "no-store"})
