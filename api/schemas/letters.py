"""Letter records and their legal audit."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from .base import Answer


class LetterSummary(Answer):
    id: int
    type: str = Field(description="文书类型")
    type_label: str
    outcome: str | None = Field(description="答复书：答复类型")
    status: str = Field(description="draft（草稿）、issued（已印发）或 void（已作废）")
    number: str | None = Field(description="文号，印发时分配")
    addressee: str
    issued_on: date | None
    pdf_sha256: str | None
    template_version: str | None
    void_reason: str


class ReissuedLetter(LetterSummary):
    """The new draft a re-issue creates."""

    replaces: int = Field(description="被作废、由本草稿替代的文书 ID")


class Finding(Answer):
    check: str = Field(description="审核项")
    severity: str = Field(description="blocking（必备项）或 warning（提示项）")
    ok: bool
    message: str
    letter_id: int | None
    label: str
    details: dict[str, Any]


class LetterWithAudit(LetterSummary):
    data: dict[str, Any] = Field(description="文书的数据项")
    audit: list[Finding]
