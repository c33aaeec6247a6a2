"""Redacted copies (区分处理, 条例 art 37)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Answer


class Redacted(Answer):
    document_id: int = Field(description="区分处理后信息（新文件）的 ID")
    redaction_id: int = Field(description="区分处理记录 ID（标注与理由）")
    sha256: str = Field(description="区分处理后文件的 SHA-256")
    size: int = Field(description="字节数")
    media_type: str
    pages: int
    found: dict[str, int] = Field(description="每个文字标注遮盖的处数")
    version: int = Field(description="申请的新版本（ETag）")


class RedactionView(Answer):
    id: int
    original_id: int
    redacted_id: int | None
    marks: list[dict] = Field(description="标注：{page, rect, ground} 或 {text, ground}")
    boxes: list[dict] = Field(description="实际遮盖的每个区域（页、矩形、理由、来源）")
    dpi: int
    created_by_id: int | None
    created_at: datetime
