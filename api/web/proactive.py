"""The workbench page of 条例 art 44: proactive-disclosure candidates, and the head's decision form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from engine import proactive
from engine.case import local_today
from engine.db import new_session
from engine.errors import DomainError

from ..deps import request_origin
from .pages import guarded, int_or, render, with_msg
from .session import login_redirect, principal

router = APIRouter(include_in_schema=False)


def _readable(p) -> list[int]:
    """The agencies where this user may read the list (in grant order)."""
    return sorted({aid for aid, role in p.actor.grants if role in proactive.READERS})


@router.get("/proactive")
def proactive_page(request: Request) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        agencies = _readable(p)
        agency_id = int_or(request.query_params.get("agency"), agencies[0] if agencies else None)
        if agency_id is None:
            return render(request, "error.html", p, status=403,
                          message="主动公开候选事项由本机关的经办人、负责人、法制审核人员查看")
        try:
            items = proactive.candidates(s, p.actor, agency_id, local_today())
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        may_decide = (agency_id, "head") in p.actor.grants
        return render(request, "proactive.html", p, items=items, agency_id=agency_id, agencies=agencies,
                      may_decide=may_decide, decisions=proactive.DECISIONS, window=proactive.WINDOW_DAYS,
                      min_applicants=proactive.MIN_APPLICANTS)


@router.post("/proactive/{agency_id}/{key}")
async def proactive_decide(request: Request, agency_id: int, key: int) -> Response:
    form = await request.form()

    def work():
        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused:
                return refused
            back = f"/proactive?agency={agency_id}"
            try:
                proactive.record_decision(s, p.actor, agency_id, key, str(form.get("decision") or ""),
                                          str(form.get("reasons") or ""), str(form.get("where") or ""),
                                          today=local_today(), client=request_origin(request))
            except DomainError as exc:
                return with_msg(back, exc.message, bad=True)
            return with_msg(back, "已记录认定")

    return await run_in_threadpool(work)
