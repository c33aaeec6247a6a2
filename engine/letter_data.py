""""A letter of type X is due": the data snapshot a workflow event hands to ``letters/``.

The engine never renders; it records which letter is due, to whom, with which facts. Everything a
letter prints comes from here or from agency settings — nothing is typed into letter text.
"""

from __future__ import annotations

from .case import Act, Case
from .models import ApplicantDetails
from .models.applicant import REPRESENTATIVE_KINDS
from .outcomes import PART_GROUNDS, OUTCOMES, requires_review_first, review_first_partly, withheld_parts
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
# An art 41 request's own titles (the other letters keep theirs)
CORRECTION_TITLES = {"reply": "政府信息更正申请答复书", "acknowledgement": "政府信息更正申请登记回执"}
ADDRESSEE_MAX = 200  # Letter.addressee


def applicant_names(applicant: ApplicantDetails) -> list[str]:
    """Every applicant named on the application: the first (the contact), then the joint applicants."""
    return [applicant.name, *(c["name"] for c in applicant.co_applicants or [])]


def applicant_addressee(applicant: ApplicantDetails) -> str:
    """主送: the applicant (the principal, never the representative) — every joint applicant by name."""
    names = applicant_names(applicant)
    joined = "、".join(names)
    return joined if len(joined) <= ADDRESSEE_MAX else f"{names[0][:150]}等{len(names)}名申请人"


def delivery_to(applicant: ApplicantDetails) -> dict:
    """Where a letter to the applicant goes. A 公文 is addressed to the applicant (主送); where a
    representative acts, it is handed over through them: the letter says “由委托代理人××转交” under the
    主送 line and is delivered to the representative's address (as civil procedure serves a party through its
    agent or guardian)."""
    rep = applicant.representative
    if rep:
        label = REPRESENTATIVE_KINDS.get(rep.get("kind"), "代理人")
        return {"name": rep.get("name", ""), "address": rep.get("address") or applicant.address,
                "postcode": rep.get("postcode") or applicant.postcode, "via": f"由{label}{rep.get('name', '')}转交"}
    return {"name": applicant.name, "address": applicant.address, "postcode": applicant.postcode, "via": ""}


def letter_data(case: Case, act: Act, type_: str, extra: dict, outcome: str | None) -> dict:
    app, agency = case.app, case.agency
    applicant = case.applicant
    data = {
        "letter_type": type_,
        "title": (CORRECTION_TITLES.get(type_) if app.request_kind == "correction" else None) or LETTER_TYPES[type_],
        "agency": {
            "name": agency.name, "code": agency.code, "address": agency.address, "contact": agency.contact,
            "review_body": agency.review_body, "court": agency.court,
            "letterhead": case.opts.letterhead or agency.name,
        },
        "applicant": {"name": applicant.name, "address": applicant.address, "postcode": applicant.postcode,
                      "kind": applicant.kind, "names": applicant_names(applicant),
                      "representative": _representative(applicant)},
        "application": {
            "number": app.number,
            "received_date": app.received_date.isoformat(),
            "channel": app.channel,
            "channel_phrase": CHANNEL_PHRASE.get(app.channel, app.channel),
            "correction_received_on": app.correction_received_on.isoformat() if app.correction_received_on else None,
            "request_text": app.request_text,
            "request_kind": app.request_kind,
        },
        "drafted_on": act.today.isoformat(),
    }
    if outcome:
        spec = OUTCOMES[outcome]
        details = dict(app.outcome_details or {}) if app.outcome == outcome else {}
        ground = details.get("ground") if app.outcome == outcome else extra.get("ground")
        parts = [{**p, "label": PART_GROUNDS[p["ground"]].label, "basis": PART_GROUNDS[p["ground"]].basis,
                  "verdict": PART_GROUNDS[p["ground"]].verdict} for p in withheld_parts(outcome, details)]
        grounds = [p["ground"] for p in parts] or ground
        data["decision"] = {
            "outcome": outcome,
            "label": spec.label,
            "basis": spec.basis,
            "details": details,
            "ground": ground,  # the primary ground (the first withheld part's)
            "ground_label": PART_GROUNDS[ground].label if ground else None,
            "ground_basis": PART_GROUNDS[ground].basis if ground else None,
            "withheld_parts": parts if outcome == "partial" else [],
            "review_first": requires_review_first(outcome, grounds),  # 复议前置 for some or all of it
            "review_first_partly": review_first_partly(outcome, grounds),
        }
    if "addressee" not in extra:  # addressed to the applicant (not a third party or another agency)
        data["delivery"] = delivery_to(applicant)
    data.update({k: v for k, v in extra.items() if k != "addressee"})
    if type_ == "extension_notice":
        data.update(promised_due(case, act))  # read from the case as extended
    return data


def _representative(applicant: ApplicantDetails) -> dict | None:
    """What a letter may print of the representative: never the identity number or phone."""
    rep = applicant.representative
    if not rep:
        return None
    return {"kind": rep.get("kind"), "kind_label": REPRESENTATIVE_KINDS.get(rep.get("kind"), "代理人"),
            "name": rep.get("name", "")}
