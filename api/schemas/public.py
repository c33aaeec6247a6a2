"""Answers of the applicants' portal routes (/api/v1/public/…) and of the clerks' online intake."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Answer


class GuideSection(Answer):
    key: str = Field(description="栏目代码")
    title: str = Field(description="栏目标题")
    text: str = Field(description="内容")


class Guide(Answer):
    """申请指南。"""

    agency_code: str
    agency_name: str
    sections: list[GuideSection]
    updated_at: str | None = Field(description="机关最近修改时间；未修改时为空（显示默认内容）")


class PlatformAgency(Answer):
    code: str = Field(description="机关代码")
    name: str = Field(description="机关名称")


class Submitted(Answer):
    """网上申请已提交：请保存查询号和查询码（查询码只显示这一次，凭同一 Idempotency-Key 重试时再次返回）。"""

    tracking_number: str = Field(description="查询号")
    query_code: str = Field(description="查询码")
    agency_code: str
    agency_name: str
    submitted_at: str
    state_label: str = Field(description="状态说明")


class ProgressLetter(Answer):
    id: int
    title: str = Field(description="文书名称")
    number: str | None = Field(description="文号")
    issued_on: str | None = Field(description="印发日期")
    voided: bool = Field(description="已作废")


class NotApplicationAnswer(Answer):
    kind_label: str = Field(description="类别")
    message: str = Field(description="给申请人的答复")
    answered_at: str | None


class Progress(Answer):
    """办理进度（不含申请人身份信息）。"""

    tracking_number: str
    agency_name: str
    submitted_at: str
    stage: Literal["pending", "confirmed", "not_application"] = Field(description="待确认、已确认收到、不属于信息公开申请")
    state_label: str = Field(description="当前状态（通俗说明）")
    received_date: str | None = Field(description="收到申请之日（确认收到之日）")
    due_date: str | None = Field(description="答复期限；暂停计算时为空")
    due_provisional: bool = Field(description="期限为暂定（放假安排尚未公布）")
    paused: bool
    paused_reason: str | None
    outcome_label: str | None = Field(description="答复类型")
    answer: NotApplicationAnswer | None = Field(description="不属于政府信息公开申请时的答复")
    letters: list[ProgressLetter] = Field(description="已印发的文书")
    correction_pending: bool = Field(description="已在线提交补正，等待确认收到")
    may_correct: bool = Field(description="现在可以在线提交补正")
    withdrawal_pending: bool = Field(description="已在线申请撤回，等待确认")
    may_withdraw: bool = Field(description="现在可以在线撤回申请")


class CorrectionSent(Answer):
    """补正（或撤回）已提交，等待工作人员确认收到（确认之日为收到之日）。"""

    tracking_number: str = Field(description="本次提交的编号（凭原查询号和查询码查询原申请的进度）")
    submitted_at: str


class Verification(Answer):
    """文书核验结果：不显示申请人信息和文书内容。"""

    result: Literal["genuine", "voided", "unknown"]
    result_label: str
    number: str | None
    agency_name: str | None
    letter_type: str | None
    issued_on: str | None
    pdf_sha256: str | None = Field(description="文书 PDF 的 SHA-256")
    voided_on: str | None


class OnlineApplicant(Answer):
    kind: str | None
    subtype: str | None
    name: str
    id_type: str | None
    id_number: str = Field(description="证件号码（脱敏）")
    phone: str = Field(description="电话（脱敏）")
    email: str
    address: str
    postcode: str


class OnlineSubmissionRow(Answer):
    """网上申请（待确认或已处理）。"""

    id: int
    kind: Literal["application", "correction", "withdrawal"] = Field(description="新申请、补正或撤回")
    tracking_number: str
    agency_id: int
    submitted_at: str
    status: str
    applicant: OnlineApplicant
    request_text: str
    purpose: str
    form_wanted: str | None
    delivery_wanted: str | None
    application_id: int | None
    answer_kind: str | None
    answer_message: str


class Confirmed(Answer):
    application_id: int
    number: str = Field(description="登记编号")
    received_date: str
