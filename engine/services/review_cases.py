"""行政复议 and 行政诉讼 cases against an application's reply (report table 四, the legal audit)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ..case import Act, Case
from ..change import Change, NewId
from ..errors import InputError
from ..eventdef import Inputs, declare
from ..models import ReviewCase

KINDS = {"reconsideration": "行政复议", "direct_suit": "未经复议直接起诉", "suit_after_reconsideration": "复议后起诉"}
RESULTS = {"upheld": "维持", "corrected": "纠正", "other": "其他结果", "pending": "尚未审结"}


class ReviewCaseIn(Inputs):
    case_id: int | None = Field(default=None, title="案件")  # given: update that case (result, decision date)
    kind: str | None = Field(default=None, pattern="^(reconsideration|direct_suit|suit_after_reconsideration)$",
                             title="案件类型")
    case_number: str | None = Field(default=None, min_length=1, max_length=100, title="案号")
    filed_on: date | None = Field(default=None, title="立案（申请）日期")
    decided_on: date | None = Field(default=None, title="决定（判决）日期")
    result: str = Field(default="pending", pattern="^(upheld|corrected|other|pending)$", title="结果")
    notes: str = Field(default="", max_length=2000, title="备注")


@declare("record_review_case", "登记复议诉讼案件", roles={"legal", "head", "clerk"}, inputs=ReviewCaseIn,
         record_only=True, listed=False)
def record_review_case(case: Case, data: ReviewCaseIn, act: Act) -> Change:
    if data.result != "pending" and data.decided_on is None:
        raise InputError("已审结的案件须填写决定（判决）日期", field="decided_on")
    if data.decided_on:
        act.check_date(data.decided_on, "决定日期")
    change = Change()
    if data.case_id is not None:
        found = case.review_case(data.case_id)
        if found is None:
            raise InputError("本申请没有该复议/诉讼案件", field="case_id")
        if data.decided_on and data.decided_on < found.filed_on:
            raise InputError("决定日期早于立案日期", field="decided_on")
        change.set(found, result=data.result, decided_on=data.decided_on, notes=data.notes or found.notes)
        change.note("review_case", {"id": found.id, "kind": found.kind, "result": data.result})
        return change
    if not (data.kind and data.case_number and data.filed_on):
        raise InputError("新增案件须填写类型、案号和立案（申请）日期", field="kind")
    act.check_date(data.filed_on, "立案（申请）日期", not_before=case.app.received_date, not_before_what="收到申请之日")
    if data.decided_on and data.decided_on < data.filed_on:
        raise InputError("决定日期早于立案日期", field="decided_on")
    new_id = change.add(ReviewCase(application_id=case.app.id, agency_id=case.agency.id, kind=data.kind,
                                   case_number=data.case_number, filed_on=data.filed_on, decided_on=data.decided_on,
                                   result=data.result, notes=data.notes))
    change.note("review_case", {"id": new_id, "kind": data.kind, "result": data.result})
    return change
