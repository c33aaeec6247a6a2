"""Documents of a case (电子案卷): upload (multipart), list, download, replace.

An upload is checked and stored first (``intake.receive``: size, type from the content, readable PDF,
malware scan), then recorded by its event (``add_document``); see engine/services/documents.py for why
a blob may outlive a refused event and why that is harmless. Withdrawing is the event
``withdraw_document`` (POST …/events/withdraw_document).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from engine import case_file, workflow
from engine.db import new_session
from engine.documents.intake import receive
from engine.services.documents import Upload

from ..deps import Principal, current, get_session, registry, today
from ..hooks import letter_desk
from ..schemas.documents import DocumentAdded, DocumentItem
from ..schemas.problems import COMMON, errors

router = APIRouter(tags=["电子案卷"], responses={**COMMON, **errors(403, 404)})

AppId = Annotated[int, Path(ge=1, le=2**31 - 1, description="申请 ID")]
DocId = Annotated[int, Path(ge=1, le=2**31 - 1, description="文件 ID")]
FILE_ERRORS = errors(s413="文件超过本机关的大小上限", s415="文件类型不受理（按内容识别）", s409="状态不允许",
                     s503="文件存储或病毒扫描暂不可用")


def upload_and_fire(p: Principal, app_id: int, event: str, file: UploadFile, kind: str | None, day, reg,
                    document_id: int | None = None, reason: str = "") -> dict:
    """Check and store the file, then record it by its event; the answer is the recorded document."""
    with new_session() as session:
        if document_id is None:
            _, agency = case_file.check_upload(session, p.actor, app_id, kind or "")
        else:
            old, agency = case_file.replaceable(session, p.actor, app_id, document_id)
            kind = old.kind
        options = agency.options
        session.rollback()  # no transaction held while the file is checked and stored
    received = receive(file.file, file.filename or "", kind, options)
    inputs = {"upload": Upload(received)}
    if document_id is not None:
        inputs.update(document_id=document_id, reason=reason)
    with new_session() as session:
        result = workflow.fire(session, p.actor, app_id, event, inputs, today=day, registry=reg, letters=letter_desk())
        new_id = result.event.changes["_related"]["document"]["id"]
        item = next(d for d in case_file.list_documents(session, p.actor, app_id) if d["id"] == new_id)
    return {**item, "event_seq": result.event.seq}


@router.post("/applications/{app_id}/documents", status_code=201, summary="上传文件", response_model=DocumentAdded,
             description="multipart：`file`（文件）和 `kind`（类别）。按文件内容识别类型，检查大小、PDF 是否加密或损坏、"
                         "病毒扫描（如配置），通过后存储并记入审计记录（add_document）。任何一项不通过均不保存。",
             responses={**FILE_ERRORS, **errors(409)})
def upload(app_id: AppId, file: Annotated[UploadFile, File(description="文件")],
           kind: Annotated[str, Form(max_length=32, description="类别，如 to_disclose（拟公开信息）")],
           p: Principal = Depends(current), reg=Depends(registry), day=Depends(today)) -> dict:
    return upload_and_fire(p, app_id, "add_document", file, kind, day, reg)


@router.post("/applications/{app_id}/documents/{doc_id}/replace", status_code=201, summary="替换文件",
             response_model=DocumentAdded,
             description="上传新版本（同一类别）；原文件保留在案卷中，标记为已替换。答复决定拟公开的文件经保密审查后被替换的，"
                         "申请退回保密审查，法制审核结论失效（replace_document）。",
             responses={**FILE_ERRORS, **errors(409)})
def replace(app_id: AppId, doc_id: DocId, file: Annotated[UploadFile, File(description="新文件")],
            reason: Annotated[str, Form(max_length=500, description="替换理由")] = "",
            p: Principal = Depends(current), reg=Depends(registry), day=Depends(today)) -> dict:
    return upload_and_fire(p, app_id, "replace_document", file, None, day, reg, document_id=doc_id, reason=reason)


@router.get("/applications/{app_id}/documents", summary="案卷文件列表", response_model=list[DocumentItem],
            description="本申请的全部文件（含已撤回、已替换的），每件的类别、添加人和时间、SHA-256、大小、识别的类型。"
                        "无权查看的类别（身份证明）只显示其存在。")
def list_documents(app_id: AppId, p: Principal = Depends(current),
                   session: Session = Depends(get_session)) -> list[dict]:
    return case_file.list_documents(session, p.actor, app_id)


@router.get("/applications/{app_id}/documents/{doc_id}/content", summary="下载文件", response_class=StreamingResponse,
            description="文件内容，读取时按 SHA-256 校验（不符时拒绝并提示从备份恢复）。查看身份证明记入访问日志。",
            responses={200: {"content": {"application/octet-stream": {}}, "description": "文件内容"},
                       **errors(500, 503)})
def content(app_id: AppId, doc_id: DocId, p: Principal = Depends(current),
            session: Session = Depends(get_session)) -> StreamingResponse:
    doc, chunks = case_file.open_document(session, p.actor, app_id, doc_id)
    disposition = f"attachment; filename*=UTF-8''{quote(doc.filename)}"
    return StreamingResponse(chunks, media_type=doc.media_type,
                             headers={"Content-Disposition": disposition, "Content-Length": str(doc.size),
                                      "X-Content-SHA256": doc.sha256, "Cache-Control": "no-store"})
