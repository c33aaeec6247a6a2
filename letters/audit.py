"""The legal audit of reply letters (spec letters.md "Legal audit"): named checks with severities.

Blocking checks must pass before ``sign_off``; warnings are listed for legal review. The same checks
run per letter, per application and over an agency and a period (reports).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

from calendars import CalendarNotAvailable, CalendarRegistry
from engine.app_clock import correction_notice_deadline
from engine.fees import item_rule_from, per_item, per_volume, volume_rule_from
from engine.case import Case
from engine.models import Letter
from engine.outcomes import GROUNDS, OUTCOMES, PART_GROUNDS, requires_review_first, review_first_partly, withheld_parts
from engine.third_party import notices_for, overridden

from .legal import REMEDY_SUBJECT, remedy_paragraph, remedy_problems

BLOCKING, WARNING = "blocking", "warning"

CHECKS = {
    "required_elements": ("必备要素齐全（文号、主送、收到日期、申请内容、答复决定、法律依据、救济途径、署名、日期）", BLOCKING),
    "basis_matches": ("引用的法律依据与答复类型相符", BLOCKING),
    "details_present": ("答复类型要求的内容齐全（不予公开的理由、检索记录、负责机关等）", BLOCKING),
    "remedy": ("救济途径写明复议机关、法院、60日和6个月；依第十四至十六条不予公开的写明复议前置", BLOCKING),
    "tamper": ("存档 PDF 与其 SHA-256 一致", BLOCKING),
    "on_time": ("在答复期限内作出", WARNING),
    "extension": ("延期经负责人批准、不超过20个工作日、在原期限届满前告知", WARNING),
    "correction": ("补正告知在7个工作日内一次性作出", WARNING),
    "third_party": ("第三方征求意见为书面、15个工作日；不顾第三方反对决定公开的，写明公共利益理由并在答复前书面告知、送达第三方", WARNING),
    "fee": ("收费方式唯一、分档计算正确、先核准后通知", WARNING),
    "service": ("已登记送达并有凭证", WARNING),
}


@dataclass
class Finding:
    check: str
    severity: str
    ok: bool
    message: str = ""
    letter_id: int | None = None
    label: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def finding(check: str, ok: bool, message: str = "", letter: Letter | None = None, **details) -> Finding:
    label, severity = CHECKS[check]
    return Finding(check, severity, ok, message if not ok else "", letter.id if letter else None, label, details)


# -- checks on one reply letter -------------------------------------------------------------------------


def check_required(letter: Letter) -> Finding:
    d = letter.data
    app = d.get("application") or {}
    decision = d.get("decision") or {}
    missing = [label for label, value in (
        ("文号", d.get("number")), ("主送（申请人）", letter.addressee), ("收到申请日期", app.get("received_date")),
        ("申请内容", d.get("request_summary") or app.get("request_text")), ("答复决定", decision.get("label")),
        ("法律依据", decision.get("basis")), ("署名机关", (d.get("agency") or {}).get("name")),
        ("成文日期", d.get("issue_date")),
    ) if not value]
    remedy = remedy_paragraph(d.get("agency") or {}, bool(decision.get("review_first")))
    if not remedy:
        missing.append("救济途径")
    if letter.status == "draft" and not d.get("number"):  # a draft gets its 文号 and date at sign-off
        missing = [m for m in missing if m not in ("文号", "成文日期")]
    return finding("required_elements", not missing, "缺少：" + "、".join(missing), letter, missing=missing)


def check_basis(letter: Letter) -> Finding:
    decision = letter.data.get("decision") or {}
    outcome = decision.get("outcome")
    if outcome not in OUTCOMES:
        return finding("basis_matches", False, f"答复类型“{outcome}”无效", letter)
    problems = []
    if decision.get("basis") != OUTCOMES[outcome].basis:
        problems.append(f"“{OUTCOMES[outcome].label}”应引用{OUTCOMES[outcome].basis}")
    ground = decision.get("ground")
    if outcome == "withhold":
        if ground not in GROUNDS:
            problems.append("不予公开须写明理由类别")
        elif decision.get("ground_basis") != GROUNDS[ground].basis:
            problems.append(f"“{GROUNDS[ground].label}”应引用{GROUNDS[ground].basis}")
    if outcome == "partial":  # each withheld part cites its own ground's basis (art 37)
        printed = decision.get("withheld_parts") or [{"ground": ground, "basis": decision.get("ground_basis")}]
        for p in printed:
            if p.get("ground") not in PART_GROUNDS:
                problems.append("不予公开的部分须写明理由类别")
            elif p.get("basis") != PART_GROUNDS[p["ground"]].basis:
                problems.append(f"“{PART_GROUNDS[p['ground']].label}”应引用{PART_GROUNDS[p['ground']].basis}")
    return finding("basis_matches", not problems, "；".join(dict.fromkeys(problems)), letter)


def check_details(letter: Letter) -> Finding:
    decision = letter.data.get("decision") or {}
    details = decision.get("details") or {}
    outcome = decision.get("outcome")
    problems = []
    if outcome == "withhold" and not str(details.get("reasons") or "").strip():
        problems.append("不予公开须说明理由")
    if outcome == "partial":
        parts = withheld_parts(outcome, details)
        if not parts:
            problems.append("部分公开须逐项写明不予公开的部分及其理由")
        for p in parts:
            if not str(p.get("part") or "").strip() or not str(p.get("reasons") or "").strip():
                problems.append("部分公开须逐项写明不予公开的部分及其理由")
    if outcome == "not_exist":
        for key, label in (("search_places", "检索范围"), ("keywords", "检索关键词"), ("searched_by", "检索人"),
                           ("searched_on", "检索时间")):
            if not details.get(key):
                problems.append(f"信息不存在须记录{label}")
    if outcome == "not_our_agency" and not details.get("responsible_agency"):
        reasons = str(details.get("reasons") or "")
        if "无法确定" not in reasons and "不能确定" not in reasons:
            problems.append("非本机关负责公开的，能够确定负责机关的应告知其名称和联系方式（不能确定的须在理由中说明）")
    if outcome in OUTCOMES:
        for d in OUTCOMES[outcome].details:
            if d.required and details.get(d.key) in (None, "", []):
                problems.append(f"缺少“{d.label}”")
    return finding("details_present", not problems, "；".join(dict.fromkeys(problems)), letter)


def check_remedy(letter: Letter) -> Finding:
    decision = letter.data.get("decision") or {}
    agency = letter.data.get("agency") or {}
    outcome = decision.get("outcome", "")
    grounds = [p["ground"] for p in withheld_parts(outcome, decision.get("details") or {})] or decision.get("ground")
    expected_first = requires_review_first(outcome, grounds)
    partly = review_first_partly(outcome, grounds)
    problems = []
    if bool(decision.get("review_first")) != expected_first or bool(decision.get("review_first_partly")) != partly:
        problems.append("复议前置的标注与不予公开的理由类别不符")
    text = remedy_paragraph(agency, expected_first, partly=partly)
    problems += remedy_problems(agency, expected_first, text, partly)
    return finding("remedy", not problems, "；".join(problems), letter)


def check_tamper(letter: Letter) -> Finding:
    if letter.status == "draft" or letter.pdf is None:
        return finding("tamper", True, letter=letter)
    ok = hashlib.sha256(letter.pdf).hexdigest() == letter.pdf_sha256
    return finding("tamper", ok, f"文书 {letter.number} 的存档 PDF 与 SHA-256 不符，可能被篡改", letter)


def check_on_time(letter: Letter, case: Case, registry: CalendarRegistry) -> Finding:
    due, issued = letter.data.get("due_date"), letter.data.get("issue_date")
    if not due or not issued or issued <= due:
        return finding("on_time", True, letter=letter)
    cal = registry.calendar(case.agency.region, provisional=True)
    late = cal.working_days_between(date.fromisoformat(due), date.fromisoformat(issued))
    return finding("on_time", False, f"逾期{late}个工作日作出（期限{due}，作出{issued}）", letter, late_by=late)


# -- checks on the application's procedure -------------------------------------------------------------


def check_extension(case: Case) -> Finding:
    problems = []
    total = 0
    requests = {}
    for e in case.history.events():
        if e.name == "request_extension":
            requests["by"] = e.actor_id
        if e.name == "extend":
            ext = (e.changes.get("_related") or {}).get("extension", {})
            total += int(ext.get("days") or 0)
            if e.role != "head":
                problems.append("延期未经负责人批准")
            if ext.get("requested_by") == e.actor_id:
                problems.append("延期由申请人本人批准")
            old_due = ext.get("old_due")
            notices = [x for x in case.letters() if x.type == "extension_notice" and x.status == "issued"]
            if old_due and not any(x.issued_on and x.issued_on.isoformat() <= old_due for x in notices):
                problems.append(f"延期答复告知书未在原期限{old_due}前发出")
    if total > 20:
        problems.append(f"延长期限合计{total}个工作日，超过20个")
    return finding("extension", not problems, "；".join(dict.fromkeys(problems)))


def check_correction(case: Case, registry: CalendarRegistry) -> Finding:
    asks = [e for e in case.history.events() if e.name == "request_correction"]
    problems = []
    if len(asks) > 1:
        problems.append("补正告知超过一次")
    if asks:
        try:
            last = correction_notice_deadline(registry, case.app, case.agency)
            if asks[0].effective_date and asks[0].effective_date > last.isoformat():
                problems.append(f"补正告知晚于{last}（收到申请之日起7个工作日）")
        except CalendarNotAvailable:
            pass
    return finding("correction", not problems, "；".join(problems))


def check_third_party(case: Case) -> Finding:
    problems = []
    third = [c for c in case.consultations() if c.kind == "third_party"]
    for c in third:
        letters = [x for x in case.letters() if x.type == "third_party_consultation" and x.data.get("consultation_id") == c.id]
        if not any(x.status == "issued" for x in letters):
            problems.append(f"向{c.party}征求意见未出具书面征询书")
    # art 32: the same rule as the decision and the sign-off guard (engine/third_party.py)
    served = {r.letter_id: r.served_on for r in case.service_records() if not r.failed}
    replies = [x for x in case.letters() if x.type == "reply" and x.status == "issued" and x.issued_on]
    for c in overridden(third, case.app.outcome, case.app.outcome_details):
        notices = [x for x in notices_for(case, c) if x.status == "issued"]
        if not notices:
            problems.append(f"第三方{c.party}不同意公开而决定公开的，未书面告知第三方")
            continue
        if not all(str(x.data.get("public_interest_reasons") or "").strip() for x in notices):
            problems.append(f"致{c.party}的公开决定告知书未写明不公开可能对公共利益造成重大影响的理由")
        first_served = min((served[x.id] for x in notices if x.id in served), default=None)
        if replies and (first_served is None or first_served > min(x.issued_on for x in replies)):
            problems.append(f"致{c.party}的公开决定告知书未在答复书作出前送达")
    return finding("third_party", not problems, "；".join(problems))


def check_fee(case: Case) -> Finding:
    problems = []
    charged = [f for f in case.fees() if f.status not in ("rejected", "waived")]
    if len({f.method for f in charged}) > 1:
        problems.append("同一申请按件和按量同时计收")
    for f in case.fees():
        rule = (f.basis or {}).get("rule")  # the bands the assessment was made under
        quote = per_item(f.units, item_rule_from(rule)) if f.method == "per_item" else \
            per_volume(f.units, volume_rule_from(rule))
        if quote.amount_fen != f.amount_fen:
            problems.append(f"收费金额 {f.amount_fen / 100:.2f} 元与分档计算 {quote.amount} 元不符")
    for x in case.letters():
        if x.type == "fee_notice" and x.status == "issued":
            fee = next((f for f in case.fees() if f.id == x.data.get("fee_id")), None)
            if fee is None or fee.approved_on is None or (x.issued_on and x.issued_on < fee.approved_on):
                problems.append("收费通知书在核准之前发出")
    return finding("fee", not problems, "；".join(dict.fromkeys(problems)))


def check_service(case: Case) -> Finding:
    served = {}
    for r in case.service_records():
        served.setdefault(r.letter_id, []).append(r)
    missing = []
    for x in case.letters():
        if x.status != "issued":
            continue
        records = served.get(x.id, [])
        if not any(r.proof or r.tracking_number for r in records):
            missing.append(x.number or f"#{x.id}")
    return finding("service", not missing, "未登记送达或缺少凭证：" + "、".join(missing))


def audit_letter(letter: Letter, case: Case, registry: CalendarRegistry) -> list[Finding]:
    """Checks on one letter: all of them for a reply, the integrity check for a notice."""
    if letter.type != "reply":
        findings = [check_tamper(letter)]
        if letter.type in REMEDY_SUBJECT:  # a termination decides the application: remedies are required
            findings.append(check_remedy(letter))
        if not letter.data.get("number") and letter.status != "draft":
            findings.append(finding("required_elements", False, "缺少文号", letter))
        return findings
    return [check_required(letter), check_basis(letter), check_details(letter), check_remedy(letter),
            check_tamper(letter), check_on_time(letter, case, registry)]


def audit_case(case: Case, registry: CalendarRegistry) -> list[Finding]:
    """Every check for an application: each issued or drafted reply, and the procedure."""
    out: list[Finding] = []
    for letter in case.letters():
        if letter.status == "void":
            continue
        out.extend(audit_letter(letter, case, registry))
    out += [check_extension(case), check_correction(case, registry), check_third_party(case), check_fee(case),
            check_service(case)]
    return out


def blocking_failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == BLOCKING and not f.ok]
