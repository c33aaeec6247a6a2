"""The forms of the workflow events: which fields each event asks for, and turning a submitted form
into the event's inputs (the engine validates them)."""

from __future__ import annotations

from engine.outcomes import GROUNDS, OUTCOMES
from engine.receipt import CHANNELS

CHANNEL_CHOICES = [(k, v[0]) for k, v in CHANNELS.items()]
FACT_FIELDS = {k: v[1] for k, v in CHANNELS.items()}

# The details of every outcome, as form fields ``d_<key>`` (the ground as ``ground``).
DETAIL_FIELDS: list[tuple] = [
    ("ground", "不予公开理由类别（不予公开、部分公开）", "select", [("", "—")] + [(k, g.label) for k, g in GROUNDS.items()]),
    *[(f"d_{key}", label, "lines" if key == "attachments" else ("date" if key == "searched_on" else "textarea"), None)
      for key, label in {d.key: d.label for o in OUTCOMES.values() for d in o.details if d.key != "ground"}.items()],
]
ALL_DETAIL_KEYS = {d.key for o in OUTCOMES.values() for d in o.details}

# event → [(name, label, kind, choices)];
# kind: text | textarea | date | number | select | lines | checkbox | letter (issued) | draft (letter draft)
EVENT_FIELDS: dict[str, list[tuple]] = {
    "start_review": [],
    "accept": [],
    "split": [("parts", "拆分后的各项（每行一项）", "lines", None)],
    "request_correction": [("items", "需补正的事项（每行一项）", "lines", None), ("period_days", "补正期限（工作日）", "number", None)],
    "receive_correction": [("channel", "补正材料收件渠道", "select", CHANNEL_CHOICES), ("received_on", "收到日期", "date", None),
                           ("corrected_text", "补正后的申请内容（可选）", "textarea", None)],
    "correction_lapsed": [],
    "excuse_late_correction": [("channel", "补正材料收件渠道", "select", CHANNEL_CHOICES), ("received_on", "收到日期", "date", None),
                               ("corrected_text", "补正后的申请内容（可选）", "textarea", None),
                               ("reason", "逾期补正的正当理由", "textarea", None)],
    "ask_reasons": [("reply_by", "说明理由的期限", "date", None), ("note", "备注", "text", None)],
    "accept_reasons": [("later_due", "确定的答复期限", "date", None), ("reason", "理由", "textarea", None)],
    "reject_reasons": [("reasons_request", "要求说明理由的情况", "textarea", None), ("reasons_answer", "申请人的说明及认定", "textarea", None)],
    "start_consultation": [("kind", "征求对象", "select", [("third_party", "第三方（第三十二条）"), ("agency", "其他机关（第三十四条）")]),
                           ("party", "名称", "text", None), ("contact", "联系方式", "text", None),
                           ("party_received_on", "对方收到征求意见书之日（已知时填写，也可印发后登记）", "date", None),
                           ("notify_applicant", "同时告知申请人（征求意见告知书）", "checkbox", None)],
    "record_consultation_receipt": [("consultation_id", "征求意见编号", "number", None),
                                    ("party_received_on", "对方收到征求意见书之日", "date", None)],
    "record_consultation_reply": [("consultation_id", "征求意见编号", "number", None),
                                  ("result", "意见", "select", [("consent", "同意公开"), ("objection", "不同意公开"), ("other", "其他意见")]),
                                  ("reasons", "理由", "textarea", None), ("received_on", "收到答复之日", "date", None)],
    "consultation_lapsed": [("consultation_id", "征求意见编号", "number", None)],
    "propose_fee": [("method", "计收方式", "select", [("per_volume", "按量计收"), ("per_item", "按件计收")]),
                    ("pages", "页数（按量计收）", "number", None)],
    "approve_fee": [("approved_amount", "核准金额（元，不填为全额）", "text", None), ("note", "意见", "text", None)],
    "reject_fee": [("reason", "理由", "textarea", None)],
    "waive_fee": [("reason", "理由", "textarea", None)],
    "record_payment": [("amount", "缴费金额（元）", "text", None), ("receipt_number", "财政票据号", "text", None),
                       ("paid_on", "缴费日期", "date", None)],
    "payment_lapsed": [],
    "excuse_late_payment": [("amount", "缴费金额（元）", "text", None), ("receipt_number", "财政票据号", "text", None),
                            ("paid_on", "缴费日期", "date", None), ("reason", "逾期缴费的正当理由", "textarea", None)],
    "request_extension": [("days", "延长工作日数（≤20）", "number", None), ("reason", "理由", "textarea", None)],
    "extend": [],
    "decide": [("outcome", "答复类型", "select", [(k, v.label) for k, v in OUTCOMES.items() if v.by_decision and k != "excessive"]),
               *DETAIL_FIELDS],
    # Amending a draft (e.g. after a legal send-back); only the fields filled in change. An edited
    # releasing reply goes back to the secrecy review.
    "edit_letter": [("letter_id", "文书草稿", "draft", None), ("request_summary", "申请内容摘要（不改请留空）", "textarea", None),
                    *DETAIL_FIELDS],
    "pass_secrecy_review": [("notes", "审查意见", "textarea", None)],
    "fail_secrecy_review": [("reasons", "不通过的理由", "textarea", None)],
    "legal_review": [("approve", "结论", "select", [("true", "审核通过"), ("false", "退回修改")]), ("comments", "意见", "textarea", None)],
    "sign_off": [("note", "签发意见", "text", None)],
    "record_service": [("letter_id", "文书", "letter", None),
                       ("method", "送达方式", "select", [("post", "邮寄"), ("email", "电子邮件"), ("online", "网上"),
                                                      ("in_person", "当面"), ("fax", "传真"), ("other", "其他")]),
                       ("served_on", "送达日期", "date", None), ("tracking_number", "邮件号/回执号", "text", None),
                       ("proof", "送达凭证", "text", None), ("failed", "送达不成功", "checkbox", None)],
    "withdraw": [("withdrawn_on", "撤回日期", "date", None), ("note", "说明", "text", None)],
    "archive": [],
    "reopen": [("decision_reference", "复议决定或判决文号", "text", None), ("new_due", "重新答复期限", "date", None),
               ("reason", "理由", "textarea", None)],
}


def inputs_from_form(event: str, form: dict[str, str]) -> dict:
    """Submitted strings → the event's inputs; empty fields are left out (the engine says what is missing)."""
    fields = EVENT_FIELDS.get(event, [])
    out: dict = {}
    if event == "decide":
        outcome = form.get("outcome", "")
        wanted = {d.key for d in OUTCOMES[outcome].details} if outcome in OUTCOMES else set()
        return {"outcome": outcome, "details": _details_from_form(form, wanted)}
    if event == "edit_letter":
        out = {"letter_id": int(v) if (v := form.get("letter_id", "").strip()).isdigit() else v}
        if (summary := (form.get("request_summary") or "").strip()):
            out["request_summary"] = summary
        if (details := _details_from_form(form, ALL_DETAIL_KEYS)):
            out["details"] = details
        return out
    for name, _label, kind, _choices in fields:
        raw = form.get(name)
        if kind == "checkbox":
            out[name] = raw in ("on", "true", "1")
            continue
        if raw is None or str(raw).strip() == "":
            continue
        value = str(raw).strip()
        if kind == "lines":
            out[name] = [x.strip() for x in value.splitlines() if x.strip()]
        elif kind in ("number", "letter"):
            out[name] = int(value) if value.isdigit() else value
        elif name == "approve":
            out[name] = value == "true"
        else:
            out[name] = value
    if event in ("receive_correction", "excuse_late_correction") and "channel" in out:
        received = out.pop("received_on", None)
        out["channel_facts"] = {FACT_FIELDS[out["channel"]]: received} if received else {}
    return out


def _details_from_form(form: dict[str, str], keys: set[str]) -> dict:
    """The filled-in detail fields among ``keys`` (attachments one a line)."""
    details: dict = {}
    for key in keys:
        if key == "ground":
            if form.get("ground"):
                details["ground"] = form["ground"]
            continue
        value = (form.get(f"d_{key}") or "").strip()
        if not value:
            continue
        details[key] = [x.strip() for x in value.splitlines() if x.strip()] if key == "attachments" else value
    return details
