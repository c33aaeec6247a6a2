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

EVENTS = {
    "register": "登记",
    "start_review": "开始审核",
    "split": "拆分申请",
    "request_correction": "告知补正",
    "receive_correction": "收到补正",
    "correction_lapsed": "逾期未补正",
    "accept": "受理办理",
    "ask_reasons": "要求说明理由",
    "accept_reasons": "认可理由并确定答复期限",
    "reject_reasons": "理由不成立",
    "start_consultation": "征求意见",
    "record_consultation_receipt": "登记对方收到征求意见书",
    "record_consultation_reply": "登记征求意见答复",
    "consultation_lapsed": "征求意见期满",
    "propose_fee": "提出收费",
    "approve_fee": "核准收费",
    "reject_fee": "不予核准收费",
    "waive_fee": "减免收费",
    "record_payment": "登记缴费",
    "payment_lapsed": "逾期未缴费",
    "excuse_late_correction": "准予逾期补正",
    "excuse_late_payment": "准予逾期缴费",
    "request_extension": "申请延期",
    "extend": "批准延期",
    "decide": "作出答复决定",
    "pass_secrecy_review": "保密审查通过",
    "fail_secrecy_review": "保密审查未通过",
    "legal_review": "法制审核",
    "sign_off": "签发",
    "record_service": "登记送达",
    "withdraw": "申请人撤回",
    "archive": "归档",
    "reopen": "重新答复",
    # record-only events: the state stays, the records change
    "issue_letter": "印发文书",
    "void_letter": "作废文书",
    "reissue_letter": "重新出具文书",
    "edit_letter": "修改文书内容",
    "recompute_deadline": "重新计算期限",
    "record_review_case": "登记复议诉讼案件",
}
RECORD_EVENTS = ("issue_letter", "void_letter", "reissue_letter", "edit_letter", "recompute_deadline",
                 "record_review_case")
