"""The applicants' portal: each agency's 申请指南, online submissions waiting for a clerk's confirmation
(条例 art 31(三): received when confirmed), and the failed progress look-ups that slow an address down."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow


class AgencyGuide(SQLModel, table=True):
    """申请指南 of one agency, edited by its administrator, shown on the portal."""

    __tablename__ = "agency_guides"

    agency_id: int = Field(foreign_key="agencies.id", primary_key=True)
    how_to: str = Field(default="", max_length=4000)  # 申请方式与流程
    materials: str = Field(default="", max_length=4000)  # 申请应包括的内容与材料
    channels: str = Field(default="", max_length=2000)  # 受理渠道（地址、邮箱、传真、网上平台）
    fees: str = Field(default="", max_length=2000)  # 信息处理费
    deadlines: str = Field(default="", max_length=2000)  # 答复期限
    contact: str = Field(default="", max_length=1000)  # 咨询电话、办公时间
    review_body: str = Field(default="", max_length=1000)  # 行政复议机关及地址
    court: str = Field(default="", max_length=1000)  # 管辖法院及地址
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_by_id: Optional[int] = Field(default=None, foreign_key="users.id")


class OnlineSubmission(SQLModel, table=True):
    """An application sent through the portal, not yet an application: a clerk confirms it (then it is
    registered with the internet-platform channel, received on the confirmation day) or answers that it
    is not a disclosure application. The query code is stored only as its SHA-256; the idempotency key
    likewise, with the code sealed under the key, so a retry with the same key gets the same answer."""

    __tablename__ = "online_submissions"

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    # application: a new application; correction: the corrected application (补正) of a confirmed one,
    # received likewise when a clerk confirms it (its application_id is set from the start)
    kind: str = Field(default="application", max_length=16)
    tracking_number: str = Field(max_length=32, unique=True)
    query_code_hash: str = Field(max_length=64)
    idempotency_key_hash: str = Field(max_length=64, unique=True)
    request_sha256: str = Field(max_length=64)  # the body the key was first used with
    code_sealed: str = Field(max_length=64)
    payload: dict = Field(default_factory=dict, sa_column=json_column())  # RegisterIn's fields as given
    status: str = Field(default="pending", max_length=16, index=True)  # pending | confirmed | not_application
    ip: str = Field(default="", max_length=64, index=True)
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    submitted_on: date  # the local day (a confirmation cannot be earlier)
    decided_at: Optional[datetime] = Field(default=None, sa_column=utc_column(nullable=True))
    decided_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    application_id: Optional[int] = Field(default=None, foreign_key="applications.id")
    answer_kind: Optional[str] = Field(default=None, max_length=16)  # petition | consultation | other
    answer_message: str = Field(default="", max_length=2000)


class PortalFailure(SQLModel, table=True):
    """A progress look-up with an unknown number or a wrong code, counted per address (rate limit)."""

    __tablename__ = "portal_failures"

    id: Optional[int] = Field(default=None, primary_key=True)
    ip: str = Field(default="", max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
