"""条例 art 44: subjects requested repeatedly by different applicants, and the head's decision on each."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from pydantic import Field
from sqlmodel import Session

from engine import proactive
from engine.validation import CleanModel

from ..deps import Principal, current, get_session, request_origin
from ..deps import today as today_dep
from ..schemas.problems import COMMON, errors
from ..schemas.proactive import Candidate, Candidates

router = APIRouter(prefix="/agencies/{agency_id}/proactive-candidates", tags=["主动公开候选"],
                   responses={**COMMON, **errors(403, 404)})


@router.get("", summary="主动公开候选事项", response_model=Candidates,
            description="一年内至少3个不同申请人申请的相似事项（按申请内容相似度归并），附所含申请及最近一次认定。"
                        "本机关的经办人、负责人、法制审核人员可查看。")
def list_candidates(agency_id: int, p: Principal = Depends(current), session: Session = Depends(get_session),
                    day: date = Depends(today_dep)) -> dict:
    items = proactive.candidates(session, p.actor, agency_id, day)
    return {"agency_id": agency_id, "window_days": proactive.WINDOW_DAYS,
            "min_applicants": proactive.MIN_APPLICANTS, "items": items}


class DecisionIn(CleanModel):
    decision: str = Field(title="认定结果", description="convert 转为主动公开 | decline 不转为主动公开")
    reasons: str = Field(max_length=2000, title="理由")
    where: str = Field(default="", max_length=500, title="主动公开的位置")


@router.post("/{key}/decision", summary="认定是否转为主动公开", response_model=Candidate,
             description="由本机关负责人认定，写明理由（转为主动公开的写明位置），记入管理审计日志。")
def decide_candidate(agency_id: int, key: int, body: DecisionIn, p: Principal = Depends(current),
                     session: Session = Depends(get_session), day: date = Depends(today_dep),
                     client=Depends(request_origin)) -> dict:
    proactive.record_decision(session, p.actor, agency_id, key, body.decision, body.reasons, body.where, today=day,
                              client=client)
    return next(c for c in proactive.candidates(session, p.actor, agency_id, day) if c["key"] == key)
