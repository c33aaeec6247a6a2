"""条例 art 44: the proactive-disclosure candidates of an agency and the decisions recorded on them."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import Answer


class CandidateApplication(Answer):
    id: int
    number: str
    received_date: date
    status: str
    outcome: str | None
    new_since_decision: bool = Field(description="在最近一次认定之后收到的申请")


class CandidateDecision(Answer):
    id: int
    decision: str = Field(description="convert 转为主动公开 | decline 不转为主动公开")
    decision_label: str
    reasons: str
    where: str = Field(description="主动公开的位置（栏目或网址）")
    decided_by: str
    decided_at: str
    application_ids: list[int] = Field(description="认定时该事项所含的申请")


class Candidate(Answer):
    """多个申请人一年内反复申请的同一事项（条例第四十四条）。"""

    key: int = Field(description="该事项最早一件申请的内部编号，用于记录认定")
    subject: str = Field(description="事项（最早一件申请的内容）")
    applicants: int = Field(description="不同申请人的人数")
    applications: list[CandidateApplication]
    decision: CandidateDecision | None = Field(description="最近一次认定，尚未认定的为空")


class Candidates(Answer):
    agency_id: int
    window_days: int = Field(description="统计期间（天）")
    min_applicants: int = Field(description="列为候选所需的不同申请人数")
    items: list[Candidate]
