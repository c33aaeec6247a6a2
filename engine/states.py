"""States and events of an application (spec workflow.md), with their Chinese names."""

from __future__ import annotations

STATES = {
    "registered": "已登记",
    "reviewing": "审核中",
    "awaiting_correction": "待补正",
    "awaiting_reasons": "待说明理由",
    "handling": "办理中",
    "consulting": "征求意见中",
    "awaiting_fee_approval": "收费待核准",
    "awaiting_payment": "待缴费",
    "secrecy_review": "保密审查中",
    "reply_drafting": "答复拟稿中",
    "replied": "已答复",
    "closed": "已终止",
    "archived": "已归档",
}
OPEN_STATES = (
    "registered", "reviewing", "awaiting_correction", "awaiting_reasons", "handling", "consulting",
    "awaiting_fee_approval", "awaiting_payment", "secrecy_review", "reply_drafting",
)
CONCLUDED_STATES = ("replied", "closed", "archived")
# The events are declared with their decisions (engine.services.catalog collects them).
