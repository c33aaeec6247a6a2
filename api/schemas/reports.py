"""Annual reports, their freeze, a cell's applications, the legal audit report."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from .base import Answer


class Frozen(Answer):
    agency: str
    year: int
    frozen_at: str
    frozen_by: str


class CellItem(Answer):
    id: int
    number: str
    applicant: str
    received_date: date
    concluded_on: date | None
    outcome: str | None
    outcome_label: str | None
    earlier_handling: Any = Field(description="此前年度的办理情况")


class Cell(Answer):
    row: str
    column: str
    count: int
    items: list[CellItem]


class AnnualReport(Answer):
    """年度报告表三、表四（JSON 格式）。"""

    year: int
    agencies: list[dict[str, Any]]
    definitions: Any = Field(description="各行、各列的口径")
    columns: list[dict[str, Any]]
    table3: list[dict[str, Any]] = Field(description="表三：每行的各列数字")
    table4: dict[str, Any] = Field(description="表四：行政复议、行政诉讼")
    fees: dict[str, Any]
    check_ok: bool = Field(description="一 + 二 = 三（七） + 四 是否成立")
    check_failures: list[dict[str, Any]] = Field(description="核对未通过的列及相关申请")
    frozen: list[dict[str, Any]] = Field(description="已冻结的机关")
    corrections: list[dict[str, Any]] = Field(description="冻结后的更正")


class AuditReport(Answer):
    """法制审核报告（JSON 格式）。"""

    period: dict[str, date]
    replies: int
    checks: list[dict[str, Any]]
    late_replies: list[dict[str, Any]]
    withholding_by_ground: list[dict[str, Any]]
    withholding_share: float
    review_cases_decided: int
    corrected_on_review: int
    corrected_rate: float


FILE_CONTENT: dict[str, dict[str, Any]] = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
    "text/html": {"schema": {"type": "string"}},
}
