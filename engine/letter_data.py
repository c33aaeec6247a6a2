""""A letter of type X is due": the data snapshot a workflow event hands to ``letters/``.

The engine never renders; it records which letter is due, to whom, with which facts. Everything a
letter prints comes from here or from agency settings — nothing is typed into letter text.
"""

from __future__ import annotations

from .case import Act, Case
from .outcomes import GROUNDS, OUTCOMES, requires_review_first
from .receipt import CHANNEL_PHRASE
from .services.extension import promised_due

LETTER_TYPES = {
    "acknowledgement": "政府信息公开申请登记回执",
    "correction_notice": "补正告知书",
    "reasons_request": "说明理由告知书",
    "late_reply_notice": "延迟答复告知书",
    "extension_notice": "延期答复告知书",
    "third_party_consultation": "第三方意见征询书",
    "agency_consultation": "征求意见函",
    "consultation_notice": "征求意见告知书",
    "third_party_disclosure_notice": "公开决定告知书",
    "fee_notice": "收费通知书",
    "termination_notice": "终止办理告知书",
    "reply": "政府信息公开申请答复书",
}


def letter_data(case: Case, act: Act, type_: str, extra: dict, outcome: str | None) -> dict:
    app, agency = case.app, case.agency
    applicant = case.applicant
    data = {
        "letter_type": type_,
        "title": LETTER_TYPES[type_],
        "agency": {
            "name": agency.name, "code": agency.code, "address": agency.address, "contact": agency.contact,
            "review_body": agency.review_body, "court": agency.court,
            "letterhead": case.opts.letterhead or agency.name,
        },
        "applicant": {"name": applicant.name, "address": applicant.address, "postcode": applicant.postcode,
                      "kind": applicant.kind},
        "application": {
            "number": app.number,
            "received_date": app.received_date.isoformat(),
            "channel": app.channel,
            "channel_phrase": CHANNEL_PHRASE.get(app.channel, app.channel),
            "correction_received_on": app.correction_received_on.isoformat() if app.correction_received_on else None,
            "request_text": app.request_text,
        },
        "drafted_on": act.today.isoformat(),
    }
    if outcome:
        spec = OUTCOMES[outcome]
        ground = (app.outcome_details or {}).get("ground") if app.outcome == outcome else extra.get("ground")
        data["decision"] = {
            "outcome": outcome,
            "label": spec.label,
            "basis": spec.basis,
            "details": dict(app.outcome_details or {}) if app.outcome == outcome else {},
            "ground": ground,
            "ground_label": GROUNDS[ground].label if ground else None,
            "ground_basis": GROUNDS[ground].basis if ground else None,
            "review_first": requires_review_first(outcome, ground),
        }
    data.update({k: v for k, v in extra.items() if k != "addressee"})
    if type_ == "extension_notice":
        data.update(promised_due(case, act))  # read from the case as extended
    return data
