"""Agencies (机关) and their settings."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field as PydField
from sqlmodel import Field, SQLModel

from .base import json_column


class AgencySettings(BaseModel):
    """Feature switches and letter settings of one agency (spec workflow.md "Data that must exist")."""

    model_config = ConfigDict(extra="forbid")

    legal_review_required: bool = False
    fee_approval_by_supervisor: bool = True  # 收费前报主管部门核准; False: the agency head approves
    roll_non_working_receipt: bool = True  # a Sunday e-mail is received on Monday
    fee_pauses_clock: bool = True  # [unconfirmed] the answer clock pauses while a fee notice is unpaid
    acknowledgement_letter: bool = False  # 登记回执 on register
    correction_period_days: int = PydField(default=15, ge=1, le=60)  # [configurable] 补正期限
    fee_count_scope: str = PydField(default="agency", pattern="^(agency|all)$")  # per agency or across agencies
    tracking_format: str = "{code}-{year}-{n:05d}"
    reply_series: str = "公开"  # 文号 series for replies: {code}{series}〔{year}〕{n}号 — letters issue
    notice_series: str = "公开告"
    fee_payment_instructions: str = "持本通知书到本机关政府信息公开受理窗口，按非税收入收缴规定缴纳，取得财政票据"
    alert_thresholds: list[int] = PydField(default_factory=lambda: [5, 2, 1])  # working days left
    webhook_url: str = ""  # JSON POST of every alert, signed (X-OGI-Signature: sha256=HMAC)
    webhook_secret: str = ""
    traffic_yellow: int = PydField(default=5, ge=1, le=30)
    traffic_orange: int = PydField(default=2, ge=1, le=30)


class Agency(SQLModel, table=True):
    __tablename__ = "agencies"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=32)  # used in numbers, e.g. DEMO
    name: str = Field(max_length=200)
    region: str = Field(default="national", max_length=32)  # calendar layer
    competent_department_id: Optional[int] = Field(default=None, foreign_key="agencies.id")
    review_body: str = Field(default="", max_length=200)  # 行政复议机关
    court: str = Field(default="", max_length=200)  # 管辖法院
    address: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=200)
    settings: dict = Field(default_factory=dict, sa_column=json_column())

    @property
    def options(self) -> AgencySettings:
        return AgencySettings.model_validate(self.settings or {})
