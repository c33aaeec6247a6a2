"""区分处理 (条例 art 37): the redacted copy of a document of a case, and the redactions made."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Response
from pydantic import Field
from sqlmodel import Session

from engine import redacting
from engine.validation import CleanModel

from ..deps import Principal, current, get_session, registry, today
from ..routers.applications import AppId, etag, expected_version
from ..schemas.problems import COMMON, errors
from ..schemas.redactions import Redacted, RedactionView

router = APIRouter(tags=["区分处理"], responses={**COMMON, **errors(403, 404)})

DocId = Annotated[int, Path(ge=1, le=2**31 - 1, description="文件 ID")]


class MarksBody(CleanModel):
    marks: list[dict[str, Any]] = Field(
        min_length=1, max_length=500, title="标注",
        examples=[[{"page": 1, "rect": [72, 100, 300, 130], "ground": "third_party"},
                   {"text": "张三", "ground": "third_party"}]],
        description="区域标注 {page（从1起）, rect [x0, y0, x1, y1]（自页面左上角，PDF 为点、图片为像素）, ground}，"
                    "或文字标注 {text, ground}（遮盖该文字的每一处）；ground 为不予公开的理由代码")


@router.post("/applications/{app_id}/documents/{doc_id}/redactions", status_code=201, response_model=Redacted,
             summary="区分处理（生成遮盖后的副本）",
             description="按标注生成区分处理后的副本（仅含图像，不含任何文字层），作为“区分处理后信息”类文件存入案卷，"
                         "标注及理由随案保存并记入审计。可带 If-Match（ETag）。",
             responses=errors(409, s409="状态不允许或版本冲突"))
def create_redaction(app_id: AppId, doc_id: DocId, body: MarksBody, response: Response,
                     if_match: Annotated[str | None, Header(alias="If-Match")] = None,
                     p: Principal = Depends(current), session: Session = Depends(get_session),
                     reg=Depends(registry), day=Depends(today)) -> dict:
    done = redacting.redact_document(session, p.actor, app_id, doc_id, body.marks, today=day, registry=reg,
                                     expected_version=expected_version(if_match, app_id))
    version = done.result.application.version
    response.headers["ETag"] = etag(version, app_id)
    return {"document_id": done.document_id, "redaction_id": done.redaction_id, "sha256": done.sha256,
            "size": done.size, "media_type": done.media_type, "pages": done.pages, "found": done.found,
            "version": version}


@router.get("/applications/{app_id}/redactions", response_model=list[RedactionView], summary="区分处理记录",
            description="本申请的每次区分处理：原文件、副本、标注与理由、实际遮盖的区域（仅列出当前角色可查看原文件的记录）。")
def list_redactions(app_id: AppId, p: Principal = Depends(current),
                    session: Session = Depends(get_session)) -> list[dict]:
    return [r.model_dump(mode="json", exclude={"application_id", "agency_id"})
            for r in redacting.redactions_of(session, p.actor, app_id)]
