"""Outcomes (答复类型): legal basis, required details, reply letter and annual-report row — one table.

spec workflow.md "Outcomes"; the report rows follow 国办公开办函〔2021〕30号 table 三.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import InputError

REG = "《中华人民共和国政府信息公开条例》"


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    kind: str = "text"  # text | list | date | choice | parts (art 37: each withheld part with its ground)
    required: bool = True


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    basis: str  # the citation printed in the letter, to article, paragraph and item
    details: tuple[Detail, ...]
    report_row: str  # key in REPORT_ROWS
    releases: bool = False  # goes through the secrecy review
    by_decision: bool = True  # False: set by the procedure (lapse, withdrawal), not by `decide`
    request_kind: str | None = "disclosure"  # the request it answers (None: either — the procedure's outcomes)


@dataclass(frozen=True)
class WithholdGround:
    code: str
    label: str
    basis: str
    report_row: str
    review_first: bool  # 复议前置 for arts 14–16 withholding (行政复议法 art 23)
    verdict: str = "不予公开"  # what the reply says of information withheld on this ground


GROUNDS: dict[str, WithholdGround] = {
    g.code: g
    for g in (
        WithholdGround("state_secret", "属于国家秘密", f"{REG}第十四条", "3.3.1", True),
        WithholdGround("law_prohibited", "其他法律、行政法规禁止公开", f"{REG}第十四条", "3.3.2", True),
        WithholdGround("security_stability", "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
                       f"{REG}第十四条", "3.3.3", True),
        WithholdGround("third_party", "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
                       f"{REG}第十五条", "3.3.4", True),
        WithholdGround("internal_affairs", "属于人事管理、后勤管理、内部工作流程等内部事务信息",
                       f"{REG}第十六条第一款", "3.3.5", True),
        WithholdGround("process_info", "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息",
                       f"{REG}第十六条第二款", "3.3.6", True),
        WithholdGround("enforcement_file", "属于行政执法案卷信息", f"{REG}第十六条第二款", "3.3.7", True),
        WithholdGround("administrative_inquiry", "属于行政查询事项，应通过相应查询渠道获取",
                       f"{REG}第三十六条第（七）项", "3.3.8", False, "不作为政府信息公开申请提供"),
    )
}

# A part of a partial disclosure (art 37) may also be left out because it is not government information
# at all (art 2). No withholding row counts it: a partial disclosure counts once, in 三（二）.
PART_GROUNDS: dict[str, WithholdGround] = {
    **GROUNDS,
    "not_government_info": WithholdGround("not_government_info", "不属于《中华人民共和国政府信息公开条例》所指的政府信息",
                                          f"{REG}第二条", "", False, "不属于政府信息公开的范围，不予提供"),
}

_ATTACH = Detail("attachments", "提供的信息（附件清单）", "list")
_GROUND = Detail("ground", "不予公开的理由类别", "choice")
_REASONS = Detail("reasons", "理由")
# art 32: disclosing over a third party's objection needs the public-interest reasons (required by
# ``decide`` when a third party objected and its objected part is released)
_PUBLIC_INTEREST = Detail("public_interest_reasons", "不公开可能对公共利益造成重大影响的理由（第三方不同意公开时）",
                          required=False)

OUTCOMES: dict[str, Outcome] = {
    o.code: o
    for o in (
        Outcome("provide", "予以公开", f"{REG}第三十六条第（二）项",
                (Detail("provision_form", "提供形式"), Detail("provision_method", "获取方式"),
                 Detail("provision_channel", "提供途径"), Detail("provision_time", "提供时间"), _ATTACH,
                 _PUBLIC_INTEREST),
                "3.1", releases=True),
        Outcome("already_public", "已主动公开", f"{REG}第三十六条第（一）项",
                (Detail("where", "公开的位置"), Detail("how", "获取的方式和途径")), "3.1"),
        Outcome("partial", "部分公开", f"{REG}第三十七条",
                (Detail("provided", "予以公开的部分"),
                 Detail("withheld_parts", "不予公开的部分（每行：部分｜理由类别｜理由）", "parts"), _ATTACH,
                 Detail("ground", "不予公开的理由类别", "choice", required=False),  # shorthand for one part
                 Detail("reasons", "理由", required=False),
                 _PUBLIC_INTEREST,
                 Detail("objections_withheld", "不予公开的部分恰为其反对公开内容的第三方（征求意见编号或名称，每行一个）", "list",
                        required=False)),
                "3.2", releases=True),
        Outcome("withhold", "不予公开", f"{REG}第三十六条第（三）项", (_GROUND, _REASONS), "3.3"),
        Outcome("not_exist", "信息不存在", f"{REG}第三十六条第（四）项",
                (Detail("search_places", "检索范围（档案、系统等）"), Detail("keywords", "检索关键词"),
                 Detail("searched_by", "检索人"), Detail("searched_on", "检索日期", "date")), "3.4.1"),
        Outcome("not_our_agency", "非本机关负责公开", f"{REG}第三十六条第（五）项",
                (_REASONS, Detail("responsible_agency", "负责公开的机关", required=False),
                 Detail("responsible_contact", "该机关的联系方式", required=False)), "3.4.1"),
        Outcome("needs_creation", "需另行制作", f"{REG}第三十八条", (_REASONS,), "3.4.2"),
        Outcome("still_unclear", "补正后申请内容仍不明确", f"{REG}第三十条", (_REASONS,), "3.4.3"),
        Outcome("petition", "信访举报投诉类申请", f"{REG}第三十九条第一款",
                (Detail("proper_channel", "应通过的渠道"),), "3.5.1"),
        Outcome("repeat", "重复申请", f"{REG}第三十六条第（六）项",
                (Detail("earlier_application", "此前申请的编号"), Detail("earlier_reply", "此前的答复")), "3.5.2"),
        Outcome("publication", "要求提供公开出版物", f"{REG}第三十九条第二款",
                (Detail("where_to_obtain", "获取途径"),), "3.5.3"),
        Outcome("excessive", "无正当理由大量反复申请", f"{REG}第三十五条",
                (Detail("reasons_request", "要求说明理由的情况"), Detail("reasons_answer", "申请人的说明及认定")), "3.5.4"),
        Outcome("confirm_or_reissue", "要求确认或重新出具已获取信息", f"{REG}第二条", (_REASONS,), "3.5.5"),
        Outcome("special_procedure", "依照有关法律、行政法规办理", f"{REG}第三十六条第（七）项",
                (Detail("law", "有关法律、行政法规"), Detail("procedure", "办理程序")), "3.6.3"),
        Outcome("no_correction", "申请人逾期不补正", f"{REG}第三十条", (), "3.6.1", by_decision=False,
                request_kind=None),
        Outcome("fee_unpaid", "申请人逾期未缴纳信息处理费", "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
                (), "3.6.2", by_decision=False),
        Outcome("withdrawn", "申请人撤回申请", "申请人撤回", (), "3.6.3", by_decision=False, request_kind=None),
        # 条例 art 41: a request to correct a record about the applicant. The national table 三
        # (国办公开办函〔2021〕30号) has no row for it; it is counted in （六）其他处理 3.其他 — the row for
        # what the table does not name — so 一 + 二 = 三（七） + 四 still holds (CORRECTION_OUTCOMES).
        Outcome("info_corrected", "予以更正", f"{REG}第四十一条",
                (Detail("corrected_record", "更正的内容（原记录及更正后的记录）"),
                 Detail("corrected_on", "更正日期", "date")), "3.6.3", request_kind="correction"),
        Outcome("correction_not_ours", "不属于本机关更正职能", f"{REG}第四十一条",
                (_REASONS, Detail("competent_agency", "有权更正的行政机关"),
                 Detail("competent_contact", "该机关的联系方式", required=False),
                 Detail("forwarded_on", "转送该机关的日期（已转送的）", "date", required=False)),
                "3.6.3", request_kind="correction"),
        Outcome("correction_refused", "不予更正", f"{REG}第四十一条", (_REASONS,), "3.6.3",
                request_kind="correction"),
    )
}

# Annual report table 三 rows (the leaves; parents are sums). The mapping above is the only place an
# outcome meets a row.
REPORT_ROWS: dict[str, str] = {
    "3.1": "（一）予以公开",
    "3.2": "（二）部分公开",
    "3.3.1": "（三）不予公开 1.属于国家秘密",
    "3.3.2": "（三）不予公开 2.其他法律行政法规禁止公开",
    "3.3.3": "（三）不予公开 3.危及“三安全一稳定”",
    "3.3.4": "（三）不予公开 4.保护第三方合法权益",
    "3.3.5": "（三）不予公开 5.属于三类内部事务信息",
    "3.3.6": "（三）不予公开 6.属于四类过程性信息",
    "3.3.7": "（三）不予公开 7.属于行政执法案卷",
    "3.3.8": "（三）不予公开 8.属于行政查询事项",
    "3.4.1": "（四）无法提供 1.本机关不掌握相关政府信息",
    "3.4.2": "（四）无法提供 2.没有现成信息需要另行制作",
    "3.4.3": "（四）无法提供 3.补正后申请内容仍不明确",
    "3.5.1": "（五）不予处理 1.信访举报投诉类申请",
    "3.5.2": "（五）不予处理 2.重复申请",
    "3.5.3": "（五）不予处理 3.要求提供公开出版物",
    "3.5.4": "（五）不予处理 4.无正当理由大量反复申请",
    "3.5.5": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "3.6.1": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "3.6.2": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "3.6.3": "（六）其他处理 3.其他",
}


# Art 41 outcomes: counted in 3.6.3 because the national table has no row of their own (see above).
CORRECTION_OUTCOMES = frozenset(k for k, o in OUTCOMES.items() if o.request_kind == "correction")

# Rows the spec marks [configurable]: which other rows a deployment may count these outcomes in.
CONFIGURABLE_ROWS = {"not_our_agency": {"3.4.1", "3.5.5", "3.6.3"}, "special_procedure": {"3.6.3", "3.3.8", "3.5.5"}}


def check_row_overrides(overrides: dict[str, str]) -> dict[str, str]:
    for outcome, row in overrides.items():
        if row not in CONFIGURABLE_ROWS.get(outcome, set()):
            raise ValueError(f"答复类型“{outcome}”不能改计入报表第“{row}”行")
    return overrides


def report_row(outcome: str | None, ground: str | None = None, overrides: dict[str, str] | None = None) -> str | None:
    """The table 三 leaf row of a concluded application, or None when it cannot be counted (an unknown
    outcome, or a withholding without its ground). Withholding follows its ground."""
    if outcome not in OUTCOMES:
        return None
    if outcome == "withhold":
        return GROUNDS[ground].report_row if ground in GROUNDS else None
    return (overrides or {}).get(outcome, OUTCOMES[outcome].report_row)


def withheld_parts(outcome: str | None, details: dict | None) -> list[dict]:
    """The withheld parts of a decision, each {part, ground, reasons}: a partial disclosure's list (art 37;
    a decision recorded before parts were listed has its one ground for 其余部分), a withholding's whole."""
    details = details or {}
    if outcome == "partial":
        if details.get("withheld_parts"):
            return [dict(p) for p in details["withheld_parts"]]
        if details.get("ground"):
            return [{"part": "其余部分", "ground": details["ground"], "reasons": details.get("reasons") or ""}]
    if outcome == "withhold" and details.get("ground"):
        return [{"part": "申请的信息", "ground": details["ground"], "reasons": details.get("reasons") or ""}]
    return []


def withheld_grounds(outcome: str | None, details: dict | None) -> list[str]:
    return list(dict.fromkeys(p["ground"] for p in withheld_parts(outcome, details)))


def _grounds(ground: str | list | tuple | None) -> list[str]:
    return [g for g in ([ground] if isinstance(ground, str) else (ground or [])) if g]


def requires_review_first(outcome: str, ground: str | list | tuple | None) -> bool:
    """复议前置 (行政复议法 art 23): a withholding — or a withheld part of a partial disclosure — under arts
    14–16. ``ground``: the decision's ground, or the grounds of its withheld parts."""
    return outcome in ("withhold", "partial") and any(PART_GROUNDS[g].review_first for g in _grounds(ground))


def review_first_partly(outcome: str, ground: str | list | tuple | None) -> bool:
    """Some withheld parts need review first and others do not: the letter says which (a direct lawsuit
    is open against the rest)."""
    grounds = _grounds(ground)
    return requires_review_first(outcome, grounds) and not all(PART_GROUNDS[g].review_first for g in grounds)


def _clean_parts(value, details: dict) -> list[dict]:
    """Each withheld part with its own ground and reasons (art 37); ``ground`` and ``reasons`` given alone
    stand for one part, 其余部分."""
    field = "details.withheld_parts"
    if not value and details.get("ground"):
        value = [{"part": "其余部分", "ground": details.get("ground"), "reasons": details.get("reasons")}]
    if not isinstance(value, list):
        raise InputError("“不予公开的部分”应为列表，每项写明部分、理由类别和理由", field=field)
    parts = []
    for i, p in enumerate(value, 1):
        if not isinstance(p, dict):
            raise InputError(f"不予公开的第{i}部分应写明部分、理由类别和理由", field=field)
        part, ground, reasons = (str(p.get(k) or "").strip() for k in ("part", "ground", "reasons"))
        missing = [label for label, v in (("部分", part), ("理由类别", ground), ("理由", reasons)) if not v]
        if missing:
            raise InputError(f"不予公开的第{i}部分缺少：{'、'.join(missing)}", field=field)
        if ground not in PART_GROUNDS:
            choices = "、".join(f"{g.code}（{g.label}）" for g in PART_GROUNDS.values())
            raise InputError(f"不予公开的第{i}部分的理由类别“{ground}”无效，可选：{choices}", field=field)
        parts.append({"part": part, "ground": ground, "reasons": reasons})
    return parts


def validate_details(outcome: str, details: dict | None, *, today: date | None = None, confirm: bool = False) -> dict:
    """Check the details an outcome requires; returns the cleaned details or raises InputError. With
    ``today``, a date after today (a 检索日期 not yet come) is taken only with ``confirm``."""
    if outcome not in OUTCOMES:
        raise InputError(f"未知的答复类型“{outcome}”", field="outcome")
    spec = OUTCOMES[outcome]
    if not spec.by_decision:
        raise InputError(f"“{spec.label}”由程序产生（逾期、撤回），不能作为答复决定", field="outcome")
    details = dict(details or {})
    allowed = {d.key for d in spec.details}
    unknown = sorted(set(details) - allowed)
    if unknown:
        names = {d.key: d.label for o in OUTCOMES.values() for d in o.details}
        raise InputError(f"“{spec.label}”不需要这些内容：{'、'.join(names.get(k, k) for k in unknown)}",
                         field=f"details.{unknown[0]}")
    missing: list[Detail] = []
    clean: dict = {}
    for d in spec.details:
        value = details.get(d.key)
        if d.kind == "list":
            items = [str(x).strip() for x in (value or []) if str(x).strip()] if isinstance(value, list) else []
            if isinstance(value, str) and value.strip():
                items = [value.strip()]
            if d.required and not items:
                missing.append(d)
            clean[d.key] = items
        elif d.kind == "date":
            try:
                clean[d.key] = date.fromisoformat(str(value)).isoformat() if value else None
            except ValueError:
                raise InputError(f"“{d.label}”应为日期 YYYY-MM-DD", field=f"details.{d.key}") from None
            if d.required and not clean[d.key]:
                missing.append(d)
            if today and clean[d.key] and date.fromisoformat(clean[d.key]) > today and not confirm:
                from .errors import Unconfirmed

                raise Unconfirmed(f"“{d.label}”{clean[d.key]} 晚于今天，请核对；确属如此的，勾选“确认日期无误”"
                                  "后再提交", field=f"details.{d.key}")
        elif d.kind == "parts":
            clean[d.key] = _clean_parts(value, details)
            if d.required and not clean[d.key]:
                missing.append(d.label)
        elif d.kind == "choice":
            text = str(value or "").strip()
            grounds = PART_GROUNDS if outcome == "partial" else GROUNDS
            if text and text not in grounds:
                raise InputError(f"不予公开的理由类别“{text}”无效，可选：{'、'.join(g.label for g in grounds.values())}",
                                 field="details.ground")
            if d.required and not text:
                missing.append(d)
            clean[d.key] = text or None
        else:
            text = str(value or "").strip()
            if d.required and not text:
                missing.append(d)
            clean[d.key] = text
    if missing:
        raise InputError(f"“{spec.label}”缺少必需的内容：{'、'.join(d.label for d in missing)}",
                         field=f"details.{missing[0].key}")
    if clean.get("withheld_parts"):  # the primary ground (the report, the audit), the reasons per part
        clean["ground"] = clean["withheld_parts"][0]["ground"]
        clean.pop("reasons", None)
    return clean


# One line of help per detail, shown under its field in the decision form (a detail without one shows
# its label only). Keyed by ``Detail.key``: the same key means the same thing in every outcome.
DETAIL_HELP: dict[str, str] = {
    "public_interest_reasons": "第三方不同意公开而决定公开的，写明不公开可能对公共利益造成重大影响的理由（条例第三十二条）",
    "withheld_parts": "每行一项：不予公开的部分｜理由类别｜理由，如：企业报价｜商业秘密｜涉及投标人的商业秘密",
    "objections_withheld": "部分公开恰好不公开第三方反对公开的内容的，逐行写明该征求意见的编号或第三方名称",
    "corrected_record": "已更正的政府信息及更正后的内容（条例第四十一条）",
    "corrected_on": "完成更正的日期",
    "competent_agency": "有权更正该信息的行政机关名称",
    "competent_contact": "该机关的联系方式",
    "forwarded_on": "已转送有权机关处理的，填写转送日期；未转送的留空（告知申请人向其提出）",
    "provision_form": "如：纸质复印件、电子文档",
    "provision_method": "如：邮寄、电子邮件发送、当面领取",
    "provision_channel": "提供信息所通过的途径，如：本机关政府信息公开窗口",
    "provision_time": "何时提供，如：收到本答复之日起10个工作日内",
    "attachments": "随答复提供的信息，每行一项",
    "where": "已主动公开的网站栏目或公报等位置",
    "how": "申请人获取该信息的方式和途径",
    "provided": "说明哪些部分予以公开",
    "ground": "选择条例规定的不予公开情形",
    "reasons": "写明事实和理由，答复书照此载明",
    "search_places": "已检索的档案、系统、台账等",
    "keywords": "检索所用的关键词",
    "searched_by": "实施检索的人员",
    "searched_on": "实施检索的日期；晚于今天须确认",
    "responsible_agency": "能够确定时，写明负责公开的机关名称",
    "responsible_contact": "该机关的地址或电话",
    "proper_channel": "告知申请人应通过的信访、投诉、举报渠道",
    "earlier_application": "此前已答复的同一申请的编号",
    "earlier_reply": "此前答复的文号和结论",
    "where_to_obtain": "公开出版物的获取途径",
    "reasons_request": "何时、如何要求申请人说明理由",
    "reasons_answer": "申请人的说明以及本机关的认定",
    "law": "所依照的法律、行政法规名称和条款",
    "procedure": "告知申请人应办理的程序",
}
