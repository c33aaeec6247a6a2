"""The fee calculator's quote."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from .base import Answer


class QuoteLine(Answer):
    model_config = ConfigDict(populate_by_name=True)

    first: int = Field(alias="from")
    last: int = Field(alias="to")
    units: int
    rate: int = Field(description="单价（元）")
    subtotal: int = Field(description="小计（元）")
    band: str | None = Field(default=None, description="按件：该件所在档次")


class Quote(Answer):
    method: str = Field(description="per_item（按件）或 per_volume（按量）")
    units: int
    amount: int = Field(description="金额（元）")
    amount_fen: int = Field(description="金额（分）")
    lines: list[QuoteLine]
    explain: list[str] = Field(description="分档计算说明")
    month_total: int | None = Field(default=None, description="按件：申请人本月累计（元）")
