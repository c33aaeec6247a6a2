"""Applicants. The identity document is the identity — within one agency: every agency of a shared
deployment keeps its own applicant records. What an applicant gave on one application (name, kind,
contact) is kept with that application (``ApplicantDetails``) and never rewritten by a later one.
Lists show identity numbers and phones masked; the audit trail stores them masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import json_column, utc_column, utcnow

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
# Who may act for the applicant: an agent under a power of attorney (民法典 arts 161–165) or the legal
# representative of a natural person who cannot act alone (民法典 arts 23, 27–28: the guardian).
REPRESENTATIVE_KINDS = {"agent": "委托代理人", "guardian": "法定代理人"}
PRINCIPAL_CAPACITIES = {"minor": "未成年人", "incapacitated": "无民事行为能力或者限制民事行为能力的成年人"}


class Applicant(SQLModel, table=True):
    """One identity document at one agency: the same number at another agency is another record."""

    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("agency_id", "id_type", "id_number"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id")  # leads the unique key, which serves its lookups
    id_type: str = Field(max_length=32)
    id_number: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class ApplicantDetails(SQLModel, table=True):
    """The applicant as given on one application (art 29): written once at registration (split
    siblings copy it), never updated — letters, lists and the annual report's columns read it."""

    __tablename__ = "applicant_details"

    application_id: int = Field(primary_key=True, foreign_key="applications.id")
    kind: str = Field(max_length=16)  # natural | legal
    subtype: Optional[str] = Field(default=None, max_length=32)  # legal persons: the report column
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=16)
    # 委托代理人 / 法定代理人 acting for the applicant (the principal): kind, name, identity document,
    # contact, the authority (power of attorney / guardianship) — or None. Letters are addressed to the
    # applicant and delivered through the representative (engine.letter_data).
    representative: Optional[dict] = Field(default=None, sa_column=json_column(nullable=True))
    # 共同申请人: the other applicants of a joint application (kind, subtype, name, identity document);
    # the applicant above is the first named and the one contact.
    co_applicants: list = Field(default_factory=list, sa_column=json_column())


def normalised_id_number(number: str) -> str:
    """As stored and looked up: without surrounding spaces, letters upper case (…X)."""
    return number.strip().upper()


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


# Fields holding personal data that is shown masked and stored masked in the audit trail.
PII_MASKS = {"id_number": mask_id, "phone": mask_phone}


def mask_pii(value: Any) -> Any:
    """A JSON-like value with every ``id_number`` and ``phone`` masked, at any depth (also in the
    ``[before, after]`` pairs of an audit event's changes). Masking twice gives the same result."""
    if isinstance(value, dict):
        return {k: _mask_field(PII_MASKS[k], v) if k in PII_MASKS else mask_pii(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_pii(v) for v in value]
    return value


def _mask_field(mask, value: Any) -> Any:
    if isinstance(value, str):
        return mask(value) if value else value
    if isinstance(value, list):
        return [_mask_field(mask, v) for v in value]
    return mask_pii(value)
