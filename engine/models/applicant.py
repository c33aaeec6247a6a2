"""Applicants. The identity document is the identity; lists show it masked."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utc_column, utcnow

APPLICANT_KINDS = {"natural": "自然人", "legal": "法人或其他组织"}
LEGAL_SUBTYPES = {
    "commercial": "商业企业",
    "research": "科研机构",
    "public_interest": "社会公益组织",
    "legal_services": "法律服务机构",
    "other": "其他",
}
ID_TYPES = {
    "resident_id": "居民身份证",
    "passport": "护照",
    "hk_macau_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent": "外国人永久居留身份证",
    "uscc": "统一社会信用代码",
    "other": "其他证件",
}


class Applicant(SQLModel, table=True):
    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # natural | legal
    subtype: Optional[str] = Field(default=None, max_length=32)  # legal persons: report column
    name: str = Field(max_length=200, index=True)
    id_type: str = Field(max_length=32)
    id_number: str = Field(max_length=64)
    phone: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


def mask_id(number: str) -> str:
    """Keep the first 3 and last 4 characters: 110***********1234."""
    if len(number) <= 7:
        return number[:1] + "*" * max(len(number) - 1, 0)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
