"""Agencies (机关) and their settings."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Optional

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydField
from sqlmodel import Field, SQLModel

from .base import json_column


class FeeItemRule(BaseModel):
    """按件 bands (fees.md): items 1..free_upto free; to base_upto at base_fee; then bands of step_size
    items, each adding step_increase per item. [unconfirmed] 31–40 = 200 元 is the common reading."""

    model_config = ConfigDict(extra="forbid")
    free_upto: int = PydField(default=10, ge=0)
    base_upto: int = PydField(default=30, ge=1)
    base_fee: int = PydField(default=100, ge=0)
    step_size: int = PydField(default=10, ge=1)
    step_increase: int = PydField(default=100, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "FeeItemRule":
        if self.base_upto < self.free_upto:
            raise ValueError("按件收费档次：收费起点不能早于免费上限")
        return self


class FeeVolumeBand(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = PydField(ge=1)
    last: int | None = PydField(default=None, ge=1)
    rate: int = PydField(ge=0)  # 元 per page


def _national_volume_bands() -> list[FeeVolumeBand]:
    return [FeeVolumeBand(first=1, last=30, rate=0), FeeVolumeBand(first=31, last=100, rate=10),
            FeeVolumeBand(first=101, last=200, rate=20), FeeVolumeBand(first=201, last=None, rate=40)]


def _document_types() -> tuple[str, ...]:
    from ..documents.filetypes import DEFAULT_ALLOWED

    return DEFAULT_ALLOWED


class AgencySettings(BaseModel):
    """Feature switches and letter settings of one agency (spec workflow.md "Data that must exist")."""

    model_config = ConfigDict(extra="forbid")

    legal_review_required: bool = False
    fee_approval_by_supervisor: bool = True  # 收费前报主管部门核准; False: the agency head approves
    roll_non_working_receipt: bool = True  # a Sunday e-mail is received on Monday
    fee_pauses_clock: bool = True  # [unconfirmed] the answer clock pauses while a fee notice is unpaid
    acknowledgement_letter: bool = False  # 登记回执 on register
    correction_period_days: int = PydField(default=15, ge=1, le=60)  # [configurable] 补正期限
    # [unconfirmed] the correction and payment periods run from the applicant's receipt of the notice
    # (the recorded service: the lawful default) or, where the agency's rule says so, from its recorded
    # dispatch (交邮、发出之日). Nothing recorded that the rule needs → no period runs.
    periods_from: str = PydField(default="service", pattern="^(service|dispatch)$")
    fee_count_scope: str = PydField(default="agency", pattern="^(agency|all)$")  # per agency or across agencies
    tracking_format: str = "{code}-{year}-{n:05d}"
    # 机关代字 printed in 文号 (GB/T 9704 7.2.4: 发文机关代字+年份+发文顺序号); empty: the agency code
    doc_code: str = PydField(default="", max_length=20, title="机关代字")
    letterhead: str = PydField(default="", max_length=60, title="发文机关标志")  # empty: the agency's name
    seal_sha256: str = PydField(default="", pattern="^([0-9a-f]{64})?$", title="印章图片")  # a blob (engine.seal)
    reply_series: str = "公开"  # 文号 series for replies: {code}{series}〔{year}〕{n}号 — letters issue
    notice_series: str = "公开告"
    fee_item_rule: FeeItemRule = PydField(default_factory=FeeItemRule)  # national values by default
    fee_volume_bands: list[FeeVolumeBand] = PydField(default_factory=_national_volume_bands)
    # [unconfirmed] how pages are counted above A4 and for electronic data: recorded with each assessment
    fee_page_rule: str = "A4 单面为1页；超过A4的纸张和电子数据按本机关公布的折算规则计页，由经办人填写折算后的页数"
    fee_payment_instructions: str = "持本通知书到本机关政府信息公开受理窗口，按非税收入收缴规定缴纳，取得财政票据"
    alert_thresholds: list[int] = PydField(default_factory=lambda: [5, 2, 1], min_length=1, max_length=6,
                                           title="提醒阈值")  # working days left
    webhook_url: str = ""  # JSON POST of every alert, signed (X-OGI-Signature: sha256=HMAC)
    webhook_secret: str = ""
    traffic_yellow: int = PydField(default=5, ge=1, le=30, title="黄灯阈值")
    traffic_orange: int = PydField(default=2, ge=1, le=30, title="橙灯阈值")
    # Uploaded documents: the types taken (detected from the content) and the size limit
    document_types: list[str] = PydField(default_factory=lambda: list(_document_types()))
    document_max_mb: int = PydField(default=50, ge=1, le=2048)

    @field_validator("document_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        from ..documents.filetypes import check_type_keys

        return check_type_keys(value)

    @field_validator("doc_code")
    @classmethod
    def _doc_code(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"[\u4e00-\u9fff]+", value):
            raise ValueError("“机关代字”应为汉字（如“京政办”），不含字母、数字、空格或标点")
        return value

    @model_validator(mode="after")
    def _contiguous_bands(self) -> "AgencySettings":
        bands = self.fee_volume_bands
        expected = 1
        for i, band in enumerate(bands):
            last = i == len(bands) - 1
            if band.first != expected or (band.last is None) != last or (band.last is not None and band.last < band.first):
                raise ValueError("按量收费档次应从第1页起连续排列，最后一档不设上限")
            expected = (band.last or 0) + 1
        return self

    def check_alerts(self) -> "AgencySettings":
        """Checked when settings change (engine.admin.validated_settings), not when stored ones are read:
        an agency saved before these checks keeps working until its administrator edits it."""
        value = self.alert_thresholds
        if any(not 1 <= v <= 30 for v in value):
            raise ValueError("“提醒阈值”每项应为1至30个工作日")
        if len(set(value)) != len(value):
            raise ValueError("“提醒阈值”不能重复")
        if self.traffic_orange > self.traffic_yellow:
            raise ValueError("“橙灯阈值”不能大于“黄灯阈值”")
        return self.model_copy(update={"alert_thresholds": sorted(value, reverse=True)})

    def item_rule(self):
        from ..fees import item_rule_from

        return item_rule_from(self.fee_item_rule.model_dump())

    def volume_rule(self):
        from ..fees import volume_rule_from

        return volume_rule_from([b.model_dump() for b in self.fee_volume_bands])


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
        """The validated settings (read on every event: parsed once per distinct settings value)."""
        return _parse_settings(json.dumps(self.settings or {}, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=256)
def _parse_settings(text: str) -> AgencySettings:
    return AgencySettings.model_validate(json.loads(text)).model_copy(deep=True)
