"""Workbench pages of 区分处理 (条例 art 37): marking a document's pages, and the secrecy reviewer's
side-by-side view of the original and the redacted copy. Thin: the engine checks and records."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlmodel import select

from engine import redacting
from engine.calendar_registry import get_registry
from engine.db import new_session
from engine.documents.kinds import KINDS, may_see
from engine.documents.preview import page_sizes, render_page
from engine.documents.storage import blob_store
from engine.errors import DomainError, NotFound
from engine.models import Agency, Application, Document, Redaction
from engine.outcomes import GROUNDS
from engine.services.redaction import REDACTABLE_TYPES

from . import pages
from .pages import guarded, render, with_msg
from .session import login_redirect, principal

router = APIRouter(include_in_schema=False)


def _visible_document(s, p, app_id: int, doc_id: int) -> Document:
    """A document of this case that the user's roles may open (identity proofs are opened, with their
    access logged, in the document list only)."""
    app = s.get(Application, app_id)
    agency = s.get(Agency, app.agency_id) if app else None
    doc = s.get(Document, doc_id)
    if agency is None or not p.actor.can_see(agency) or doc is None or doc.application_id != app_id:
        raise NotFound("文件不存在")
    if KINDS[doc.kind].pii or not may_see(doc.kind, p.actor.roles_in(agency)):
        raise NotFound("文件不存在或当前角色不能查看")
    return doc


def _pages(doc: Document) -> list[dict]:
    data = blob_store().get(doc.sha256)
    return [{"n": i, "width": round(w, 2), "height": round(h, 2)}
            for i, (w, h) in enumerate(page_sizes(data, doc.media_type), 1)]


@router.get("/applications/{app_id}/redactions")
def redaction_index(request: Request, app_id: int) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        try:
            done = redacting.redactions_of(s, p.actor, app_id)
            app = s.get(Application, app_id)
            roles = p.actor.roles_in(s.get(Agency, app.agency_id))
            docs = [d for d in s.exec(select(Document).where(Document.application_id == app_id).order_by(Document.id))
                    if d.status == "active" and d.media_type in REDACTABLE_TYPES and not KINDS[d.kind].pii
                    and may_see(d.kind, roles)]
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        names = {d.id: d.filename for d in s.exec(select(Document).where(Document.application_id == app_id))}
        return render(request, "redactions.html", p, app=app, docs=docs, done=done, names=names, KINDS=KINDS,
                      GROUNDS=GROUNDS, can_mark="clerk" in roles)


@router.get("/applications/{app_id}/documents/{doc_id}/pages/{page}.png")
def page_picture(request: Request, app_id: int, doc_id: int, page: int) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return Response(status_code=401)
        try:
            doc = _visible_document(s, p, app_id, doc_id)
            png = render_page(blob_store().get(doc.sha256), doc.media_type, page)
        except DomainError as exc:
            return Response(exc.message, status_code=exc.status, media_type="text/plain; charset=utf-8")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/applications/{app_id}/documents/{doc_id}/redact")
def redact_page(request: Request, app_id: int, doc_id: int) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        try:
            doc = _visible_document(s, p, app_id, doc_id)
            if doc.media_type not in REDACTABLE_TYPES:
                raise NotFound("只能对 PDF 和图片进行区分处理")
            app = s.get(Application, app_id)
            page_list = _pages(doc)
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        return render(request, "redact.html", p, app=app, doc=doc, pages=page_list, GROUNDS=GROUNDS,
                      unit="点" if doc.media_type == "application/pdf" else "像素")


@router.post("/applications/{app_id}/documents/{doc_id}/redact")
async def redact_submit(request: Request, app_id: int, doc_id: int) -> Response:
    form = await request.form()

    def work():
        with new_session() as s:
            p, refused = guarded(request, form, s)
            if refused:
                return refused
            back = f"/applications/{app_id}/documents/{doc_id}/redact"
            try:
                marks = json.loads(str(form.get("marks") or "[]"))
            except ValueError:
                return with_msg(back, "标注数据格式不正确，请重新标注", bad=True)
            try:
                done = redacting.redact_document(s, p.actor, app_id, doc_id, marks, today=pages.local_today(),
                                                 registry=get_registry())
            except DomainError as exc:
                return with_msg(back, f"区分处理未完成：{exc.message}", bad=True)
            return with_msg(f"/applications/{app_id}/redactions/{done.redaction_id}",
                            f"已生成区分处理后的副本（{done.pages}页）")

    return await run_in_threadpool(work)


@router.get("/applications/{app_id}/redactions/{redaction_id}")
def side_by_side(request: Request, app_id: int, redaction_id: int) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        try:
            red = s.get(Redaction, redaction_id)
            if red is None or red.application_id != app_id or red.redacted_id is None:
                raise NotFound("区分处理记录不存在")
            original = _visible_document(s, p, app_id, red.original_id)
            copy = _visible_document(s, p, app_id, red.redacted_id)
            left, right = _pages(original), _pages(copy)
        except DomainError as exc:
            return render(request, "error.html", p, status=exc.status, message=exc.message)
        rows = [(left[i] if i < len(left) else None, right[i] if i < len(right) else None)
                for i in range(max(len(left), len(right)))]
        return render(request, "side_by_side.html", p, app=s.get(Application, app_id), red=red, original=original,
                      copy=copy, rows=rows, GROUNDS=GROUNDS)
