"""Letters: record and audit, draft preview (HTML/PDF), frozen PDF, PDF/A copy, issue, void, re-issue, edit."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import ConfigDict, Field
from sqlmodel import Session

from engine.validation import CleanModel
from engine import queries, workflow
from engine.errors import Conflict, NotFound, Refused
from engine.models import Letter
from engine.settings import get_settings

from ..deps import Principal, current, get_session, registry, today
from ..hooks import letter_desk
from ..responses import attachment
from ..schemas.letters import LetterSummary, LetterWithAudit, ReissuedLetter
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/letters", tags=["文书"], responses={**COMMON, **errors(403, 404, 409)})
PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
LetterId = Annotated[int, Path(ge=1, le=2**31 - 1, description="文书 ID")]


def _visible(session: Session, p: Principal, letter_id: int) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFound("文书不存在")
    queries.get_visible(session, p.actor, letter.application_id)
    return letter


@router.get("/{letter_id}", summary="文书记录与审核结果", response_model=LetterWithAudit)
def get_letter(letter_id: LetterId, p: Principal = Depends(current), session: Session = Depends(get_session),
               reg=Depends(registry)) -> dict:
    from engine.case_repository import case_of
    from letters.audit import audit_letter

    letter = _visible(session, p, letter_id)
    app, _ = queries.get_visible(session, p.actor, letter.application_id)
    findings = [f.as_dict() for f in audit_letter(letter, case_of(session, app), reg)]
    return {**queries.letter_summary(letter), "data": letter.data, "audit": findings}


def _html(letter: Letter, agency_code: str) -> str:
    from letters.hooks import templates_for
    from letters.render import render_html

    templates = templates_for(agency_code, get_settings().letter_template_dir)
    return render_html(letter.data, letter.addressee, letter_type=letter.type, outcome=letter.outcome,
                       draft=letter.status != "issued", templates=templates)


@router.get("/{letter_id}/preview", summary="预览（HTML 或 PDF）",
            description="草稿随时可预览（带“草稿”水印）；格式 html 或 pdf。", response_class=Response,
            responses={200: {"description": "HTML 或 PDF", "content": {"text/html": {"schema": {"type": "string"}}, **PDF}}})
def preview(letter_id: LetterId, format: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",
            p: Principal = Depends(current), session: Session = Depends(get_session)) -> Response:
    from letters.render import render_pdf

    letter = _visible(session, p, letter_id)
    _, agency = queries.get_visible(session, p.actor, letter.application_id)
    html = _html(letter, agency.code)
    if format == "html":
        return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
    return Response(render_pdf(html, identifier=f"preview-{letter.id}"), media_type="application/pdf")


@router.get("/{letter_id}/pdf", summary="下载存档 PDF", response_class=Response,
            description="已印发文书的固化 PDF；响应头给出其 SHA-256。存档文件校验失败时返回 409。",
            responses={200: {"description": "PDF", "content": PDF}})
def frozen_pdf(letter_id: LetterId, p: Principal = Depends(current), session: Session = Depends(get_session)) -> Response:
    letter = _visible(session, p, letter_id)
    if letter.status == "draft" or letter.pdf is None:
        raise Refused("文书尚未印发，请使用预览")
    if hashlib.sha256(letter.pdf).hexdigest() != letter.pdf_sha256:
        raise Conflict(f"文书 {letter.number} 的存档文件与其 SHA-256 不符，可能被篡改，请联系管理员")
    name = f"letter-{letter.id}.pdf"
    return Response(letter.pdf, media_type="application/pdf",
                    headers={"X-Content-SHA256": letter.pdf_sha256, **attachment(name)})


@router.get("/{letter_id}/archive.pdf", summary="PDF/A 存档副本", response_class=Response,
            description="以固化时的数据重新生成 PDF/A-3b 副本，供长期保存。", responses={200: {"description": "PDF/A-3b", "content": PDF}})
def archive_pdf(letter_id: LetterId, p: Principal = Depends(current), session: Session = Depends(get_session)) -> Response:
    from letters.render import render_pdf

    letter = _visible(session, p, letter_id)
    if letter.status != "issued":
        raise Refused("只有已印发的文书有存档副本")
    _, agency = queries.get_visible(session, p.actor, letter.application_id)
    return Response(render_pdf(_html(letter, agency.code), identifier=letter.number or "", pdf_a=True),
                    media_type="application/pdf")


def _fire(session: Session, p: Principal, letter: Letter, event: str, inputs: dict, reg, day: date):
    return workflow.fire(session, p.actor, letter.application_id, event, {"letter_id": letter.id, **inputs},
                         today=day, registry=reg, letters=letter_desk())


def _changed(session: Session, p: Principal, letter_id: int, event: str, inputs: dict, reg, day: date) -> dict:
    """Fire an event on the letter and answer with the letter as it now is."""
    letter = _visible(session, p, letter_id)
    _fire(session, p, letter, event, inputs, reg, day)
    session.refresh(letter)
    return queries.letter_summary(letter)


@router.post("/{letter_id}/issue", summary="印发（程序性文书）", response_model=LetterSummary, description="分配文号、固化 PDF。答复书通过“签发”事件印发。")
def issue(letter_id: LetterId, p: Principal = Depends(current), session: Session = Depends(get_session),
          reg=Depends(registry), day: date = Depends(today)) -> dict:
    return _changed(session, p, letter_id, "issue_letter", {}, reg, day)


class VoidBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, examples=["检索日期填写有误"])


@router.post("/{letter_id}/void", summary="作废", response_model=LetterSummary, description="已印发的文书保持原样并标记作废；文号不再使用。")
def void(letter_id: LetterId, body: VoidBody, p: Principal = Depends(current), session: Session = Depends(get_session),
         reg=Depends(registry), day: date = Depends(today)) -> dict:
    return _changed(session, p, letter_id, "void_letter", {"reason": body.reason}, reg, day)


@router.post("/{letter_id}/reissue", summary="重新出具", response_model=ReissuedLetter,
             description="以作废文书的数据生成新草稿，印发时分配新文号。返回新草稿（`replaces` 为被替代的文书）。")
def reissue(letter_id: LetterId, p: Principal = Depends(current), session: Session = Depends(get_session),
            reg=Depends(registry), day: date = Depends(today)) -> dict:
    old = _visible(session, p, letter_id)
    result = _fire(session, p, old, "reissue_letter", {}, reg, day)
    new = session.get(Letter, result.event.changes["_related"]["letter"]["id"])  # the draft the event made
    return {**queries.letter_summary(new), "replaces": old.id}


class EditBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    request_summary: str | None = Field(default=None, max_length=4000)
    details: dict | None = None


@router.patch("/{letter_id}", summary="修改草稿的数据项", response_model=LetterSummary, description="只能修改数据项（申请内容摘要、理由、检索记录等），文字以转义方式插入。")
def edit(letter_id: LetterId, body: EditBody, p: Principal = Depends(current), session: Session = Depends(get_session),
         reg=Depends(registry), day: date = Depends(today)) -> dict:
    return _changed(session, p, letter_id, "edit_letter", body.model_dump(exclude_none=True), reg, day)
