"""The documents of a case file (电子案卷)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Answer


class DocumentItem(Answer):
    id: int
    kind: str = Field(description="类别：application、identity_proof、correction、consultation、to_disclose、"
                                  "redacted、service_proof、other")
    kind_label: str = Field(description="类别（中文）")
    visible: bool = Field(description="当前用户可否查看内容（身份证明仅经办人、负责人、法制审核人员可查看）")
    filename: str = Field(description="文件名（仅供显示；不可查看时为占位说明）")
    media_type: str | None = Field(description="按文件内容识别的类型；不可查看时为空")
    type_label: str = Field(description="文件类型（中文），如 PDF、JPEG 图片")
    size: int = Field(description="字节数")
    pages: int | None = Field(description="PDF 页数")
    sha256: str | None = Field(description="SHA-256；不可查看时为空")
    added_by: str = Field(description="添加人")
    added_at: datetime
    status: str = Field(description="active（有效）、withdrawn（已撤回）或 replaced（已替换）")
    status_label: str
    replaces_id: int | None = Field(description="本文件替换的文件 ID")
    withdrawn_reason: str = Field(description="撤回或替换理由")
    scan_verdict: str = Field(description="病毒扫描结论（未配置时为 not_scanned）")
    released: bool = Field(description="属于拟公开信息或区分处理后信息（须经保密审查）")
    picked: bool = Field(description="答复决定选定拟公开的文件")


class DocumentAdded(DocumentItem):
    """The document as recorded by its event (``add_document`` / ``replace_document``)."""

    event_seq: int = Field(description="审计记录序号")
