"""网上申请待确认: the clerks' side of the portal. An online submission is confirmed (registered on the
internet-platform channel, received on the confirmation day, 条例 art 31(三)) or answered as not a
disclosure application (信访, 咨询)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlmodel import Session

from engine.portal import submissions
from engine.portal.submissions import ConfirmIn, NotApplicationIn

from ..deps import Principal, get_session, registry, request_origin, requires, today
from ..schemas.problems import COMMON, errors
from ..schemas.public import Confirmed, OnlineSubmissionRow

router = APIRouter(tags=["网上申请"], responses={**COMMON, **errors(403, 404, 409)})
SubmissionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="网上申请 ID")]


@router.get("/online-submissions", summary="网上申请待确认", response_model=list[OnlineSubmissionRow],
            description="本人任经办人的机关收到的、尚待确认的网上申请，按提交时间先后；证件号码和电话脱敏。")
def pending(p: Principal = Depends(requires("clerk")), session: Session = Depends(get_session)) -> list[dict]:
    return submissions.pending(session, p.actor)


@router.post("/online-submissions/{submission_id}/confirm", status_code=201, summary="确认收到网上申请",
             response_model=Confirmed,
             description="按经办人登记的同一规则登记为申请：收件渠道为互联网平台，收到申请之日为确认之日（默认今天，可填 confirmed_on）。"
                         "已处理的网上申请 409。")
def confirm(submission_id: SubmissionId, body: ConfirmIn | None = None, p: Principal = Depends(requires("clerk")),
            session: Session = Depends(get_session), reg=Depends(registry), day: date = Depends(today)) -> dict:
    app = submissions.confirm(session, p.actor, submission_id, body.model_dump() if body else {}, today=day,
                              registry=reg)
    return {"application_id": app.id, "number": app.number, "received_date": app.received_date.isoformat()}


@router.post("/online-submissions/{submission_id}/not-application", summary="答复不属于政府信息公开申请",
             response_model=OnlineSubmissionRow,
             description="信访、咨询等不属于政府信息公开申请的：记录类别和给申请人的答复（申请人凭查询码查看），记入管理日志。")
def not_application(submission_id: SubmissionId, body: NotApplicationIn, request: Request,
                    p: Principal = Depends(requires("clerk")), session: Session = Depends(get_session)) -> dict:
    row = submissions.answer_not_application(session, p.actor, submission_id, body.model_dump(),
                                             request_origin(request))
    return submissions.listed(row)
