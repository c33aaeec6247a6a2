"""行政复议 and 行政诉讼 cases against an application's reply (report table 四, the legal audit)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ..errors import InputError
from ..models import ReviewCase
from .pipeline import Ctx, Inputs, handler

KINDS = {"reconsideration": "行政复议", "direct_suit": "未经复议直接起诉", "suit_after_reconsideration": "复议后起诉"}
RESULTS = {"upheld": "维持", "corrected": "纠正", "other": "其他结果", "pending": "尚未审结"}


class ReviewCaseIn(Inputs):
    case_id: int | None = None  # given: update that case (result, decision date)
    kind: str | None = Field(default=None, pattern="^(reconsideration|direct_suit|suit_after_reconsideration)$")
    case_number: str | None = Field(default=None, min_length=1, max_length=100)
    filed_on: date | None = None
    decided_on: date | None = None
    result: str = Field(default="pending", pattern="^(upheld|corrected|other|pending)$")
    notes: str = Field(default="", max_length=2000)


@handler("record_review_case", {"legal", "head", "clerk"}, ReviewCaseIn, record_only=True)
def record_review_case(ctx: Ctx, data: ReviewCaseIn) -> None:
    if data.result != "pending" and data.decided_on is None:
        raise InputError("已审结的案件须填写决定（判决）日期", field="decided_on")
    if data.decided_on:
        ctx.check_date(data.decided_on, "决定日期")
    if data.case_id is not None:
        case = ctx.session.get(ReviewCase, data.case_id)
        if case is None or case.application_id != ctx.app.id:
            raise InputError("本申请没有该复议/诉讼案件", field="case_id")
        if data.decided_on and data.decided_on < case.filed_on:
            raise InputError("决定日期早于立案日期", field="decided_on")
        case.result, case.decided_on, case.notes = data.result, data.decided_on, data.notes or case.notes
    else:
        if not (data.kind and data.case_number and data.filed_on):
            raise InputError("新增案件须填写类型、案号和立案（申请）日期", field="kind")
        ctx.check_date(data.filed_on, "立案（申请）日期", not_before=ctx.app.received_date, not_before_what="收到申请之日")
        if data.decided_on and data.decided_on < data.filed_on:
            raise InputError("决定日期早于立案日期", field="decided_on")
        case = ReviewCase(application_id=ctx.app.id, agency_id=ctx.agency.id, kind=data.kind,
                          case_number=data.case_number, filed_on=data.filed_on, decided_on=data.decided_on,
                          result=data.result, notes=data.notes)
        ctx.add(case)
    ctx.notes["review_case"] = {"id": case.id, "kind": case.kind, "result": case.result}
