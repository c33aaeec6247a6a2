"""Applicants. The identity document is the identity — within one agency: every agency of a shared
deployment keeps its own applicant records. What an applicant gave on one application (name, kind,
contact) is kept with that application (``ApplicantDetails``) and never rewritten by a later one.
Lists show identity numbers and phones masked; the audit trail stores them masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

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
