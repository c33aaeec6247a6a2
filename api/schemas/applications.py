"""Applications: the list, the detail, the answer to an event, the actions, the signals, the reveal."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from engine.models import Consultation, FeeAssessment, ServiceRecord

from .base import Answer, record_answer
from .letters import LetterSummary

ConsultationRecord = record_answer("ConsultationRecord", Consultation, "征求意见记录")
FeeRecord = record_answer("FeeRecord", FeeAssessment, "收费记录（金额以分计）")
ServiceRecordOut = record_answer("ServiceRecordOut", ServiceRecord, "送达记录")


class ApplicantBrief(Answer):
    name: str
    kind: str


class Summary(Answer):
    """申请摘要。"""

    id: int
    number: str
    agency_id: int
    status: str
    status_label: str
    outcome: str | None
    outcome_label: str | None
    applicant: ApplicantBrief
    request_text: str = Field(description="申请内容（列表中最多200字）")
    received_date: date
    due_date: date | None
    clock_state: str
    paused: bool
    provisional: bool
    days_left: int | None = Field(description="剩余工作日（负数为逾期），暂停或停止计时时为空")
    overdue: bool
    light: str | None = Field(description="交通灯")
    handling_clerk_id: int | None
    version: int


class ApplicationPage(Answer):
    items: list[Summary]
    total: int
    page: int
    page_size: int
    pages: int = Field(description="总页数")
    counts: dict[str, int] | None = Field(default=None, description="各状态的件数（与筛选条件一致）")


class RepresentativeShown(Answer):
    """委托代理人或法定代理人。"""

    kind: str = Field(description="agent 委托代理人 | guardian 法定代理人")
    kind_label: str
    name: str
    id_type: str
    id_type_label: str
    id_number: str = Field(description="证件号码（除查看完整信息外均脱敏）")
    phone: str = Field(description="电话（除查看完整信息外均脱敏）")
    address: str
    postcode: str
    authority: str = Field(description="代理权限（授权委托书）或监护关系")
    principal_capacity: str | None = Field(description="法定代理：minor 未成年人 | incapacitated 无（限制）民事行为能力的成年人")
    principal_capacity_label: str


class CoApplicantShown(Answer):
    """共同申请人（证件号码脱敏）。"""

    kind: str
    kind_label: str
    subtype: str | None
    subtype_label: str
    name: str
    id_type: str
    id_type_label: str
    id_number: str = Field(description="脱敏的证件号码")


class ApplicantMasked(Answer):
    id: int
    kind: str
    kind_label: str
    subtype: str | None
    subtype_label: str
    name: str
    id_type: str
    id_type_label: str
    id_number: str = Field(description="脱敏的证件号码")
    phone: str = Field(description="脱敏的电话")
    email: str | None
    address: str | None
    postcode: str | None
    representative: RepresentativeShown | None = Field(default=None, description="代理人（委托代理人或法定代理人）")
    co_applicants: list[CoApplicantShown] = Field(default_factory=list, description="共同申请人")


class Revealed(ApplicantMasked):
    """完整的证件号码和电话（已记入访问日志）。"""

    application_id: int
    id_number: str = Field(description="完整的证件号码")
    phone: str | None = Field(description="完整的电话")


class AgencyBrief(Answer):
    id: int
    code: str
    name: str


class Correction(Answer):
    requested_on: date | None
    items: list[str] | None
    period_days: int | None
    received_on: date | None


class ClockView(Answer):
    """答复期限。"""

    state: str
    received: date
    day0: date = Field(description="第0日")
    working_days: int
    extension: int
    due: date | None
    paused: bool
    paused_since: date | None
    provisional: bool
    days_left: int | None
    overdue: bool
    light: str | None
    summary: str
    explanation: list[dict[str, Any]] | None = Field(default=None, description="逐日计算明细（explain=true 时）")


class EventBrief(Answer):
    model_config = {"populate_by_name": True}

    seq: int
    name: str
    label: str
    from_state: str | None = Field(alias="from")
    to: str
    actor: str | None
    role: str | None
    at: str = Field(description="时间（ISO 8601）")
    changes: dict[str, Any] | None


class EventRecord(EventBrief):
    """审计记录。"""

    effective_date: date | None
    inputs: dict[str, Any] | None
    reason: str | None
    words: str = Field(description="一句话说明")


class RemedyPeriods(Answer):
    served_on: date
    letter_id: int
    review_by: date = Field(description="申请行政复议的最后一日")
    sue_by: date = Field(description="提起行政诉讼的最后一日")
    provisional: bool


class RunningPeriod(Answer):
    what: str
    due: date | None
    overdue: bool
    words: str


class ApplicationDetail(Summary):
    """申请详情。"""

    agency: AgencyBrief
    applicant: ApplicantMasked  # type: ignore[assignment]
    request_kind: str = Field(description="disclosure 政府信息公开申请 | correction 政府信息更正申请（条例第四十一条）")
    request_kind_label: str
    evidence: str = Field(description="更正申请：证明信息记录不准确的证据")
    purpose: str | None
    channel: str
    channel_facts: dict[str, Any] | None
    form_wanted: str | None
    delivery_wanted: str | None
    outcome_details: dict[str, Any] | None
    withhold_ground: str | None
    extension_days: int | None
    correction: Correction
    replied_on: date | None
    replied_on_time: bool | None
    late_by_working_days: int | None
    concluded_on: date | None
    clock: ClockView
    events: list[EventRecord]
    consultations: list[ConsultationRecord]  # type: ignore[valid-type]
    fees: list[FeeRecord]  # type: ignore[valid-type]
    letters: list[LetterSummary]
    service_records: list[ServiceRecordOut]  # type: ignore[valid-type]
    remedy_periods: RemedyPeriods | None
    running_periods: list[RunningPeriod] = Field(description="答复期限暂停或停止时，正在计算的其他期限")


class PossibleRepeat(Answer):
    number: str
    id: int
    agency_id: int
    similarity: int = Field(description="相似度（百分比）")
    received_date: date
    status: str
    outcome: str | None


class RegistrationSignals(Answer):
    possible_repeats: list[PossibleRepeat]
    month_count: int = Field(description="申请人本自然月申请件数")


class Registered(ApplicationDetail):
    signals: RegistrationSignals


class Signals(RegistrationSignals):
    scope_agency_ids: list[int] = Field(description="统计范围内的机关")


class Action(Answer):
    event: str
    label: str
    allowed: bool
    reason: str | None = Field(description="不可用的原因")
    role: str | None = Field(default=None, description="以哪个角色办理（可用时）")
    note: str | None = Field(default=None, description="提示（可用时）")


class EventAnswer(Summary):
    """事件的结果：申请摘要、期限、文书清单和本次审计记录。"""

    outcome_details: dict[str, Any] | None
    replied_on: date | None
    replied_on_time: bool | None
    letters: list[LetterSummary]
    event: EventBrief
