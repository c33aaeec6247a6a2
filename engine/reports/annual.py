"""Table 三 (收到和处理政府信息公开申请情况) and table 四 (行政复议、行政诉讼情况) for one agency — or
every agency under a competent department — and a year; definitions as in spec reports.md.

Aggregated in SQL (GROUP BY applicant column × outcome), so an agency-year over a million
applications costs a handful of indexed queries. The consistency check 一 + 二 = 三（七） + 四 is
verified per column before anything is exported; a failing table names the applications behind it.

Each handling of an application is counted on its own dates (``episodes.py``): a reopening never
rewrites a past year. What a published year shows once frozen is ``frozen.published_report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from ..errors import NotFound
from ..fees.figures import fee_figures
from ..models import Agency, ApplicantDetails, Application, ReviewCase
from ..outcomes import OUTCOMES, REPORT_ROWS, report_row
from .episodes import Handlings, as_day, current_start, handlings

COLUMNS = [
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_services", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
]
COLUMN_KEYS = [c for c, _ in COLUMNS]

# Rows in print order: (key, label, indent, leaf). Parents are sums of their leaves.
ROWS: list[tuple[str, str, int]] = [
    ("1", "一、本年新收政府信息公开申请数量", 0),
    ("2", "二、上年结转政府信息公开申请数量", 0),
    ("3", "三、本年度办理结果", 0),
    ("3.1", "（一）予以公开", 1),
    ("3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1),
    ("3.3", "（三）不予公开", 1),
    *[(f"3.3.{i}", label, 2) for i, label in enumerate(
        ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
         "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"], 1)],
    ("3.4", "（四）无法提供", 1),
    ("3.4.1", "1.本机关不掌握相关政府信息", 2),
    ("3.4.2", "2.没有现成信息需要另行制作", 2),
    ("3.4.3", "3.补正后申请内容仍不明确", 2),
    ("3.5", "（五）不予处理", 1),
    *[(f"3.5.{i}", label, 2) for i, label in enumerate(
        ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
         "5.要求行政机关确认或重新出具已获取信息"], 1)],
    ("3.6", "（六）其他处理", 1),
    ("3.6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2),
    ("3.6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 2),
    ("3.6.3", "3.其他", 2),
    ("3.7", "（七）总计", 1),
    ("4", "四、结转下年度继续办理", 0),
]
PARENTS = {"3.3": [f"3.3.{i}" for i in range(1, 9)], "3.4": ["3.4.1", "3.4.2", "3.4.3"],
           "3.5": [f"3.5.{i}" for i in range(1, 6)], "3.6": ["3.6.1", "3.6.2", "3.6.3"]}
LEAVES = [r for r, _, _ in ROWS if r in REPORT_ROWS]

DEFINITIONS = [
    "本年新收：首次收到申请之日（补正前）在本年度内。",
    "上年结转：本年度1月1日前收到、且在1月1日前尚未办结。",
    "本年度办理结果：办结日期（答复书签发日，或终止、撤回之日）在本年度内，按答复类型计入相应行。",
    "结转下年度：12月31日前收到、且截至12月31日尚未办结。",
    "行政复议决定、判决责令重新答复的：原办理结果仍计入原办结年度；重新办理自决定登记之日起视为新收，"
    "重新答复计入作出答复的年度。已冻结（已公布）年度的数字不变，此后的变化列为更正。",
    "表四：按案件结果所在年度统计（以12月31日的状态为准）：本年审结的按结果计入；本年立案、截至12月31日尚未审结的计入“尚未审结”。",
    "政府信息更正申请（条例第四十一条）：国家规定的表三没有单列的行，计入新收及“（六）其他处理 3.其他”。",
    "核对关系：一 + 二 = 三（七） + 四，逐列成立。",
]

REVIEW_KINDS = [("reconsideration", "行政复议"), ("direct_suit", "行政诉讼（未经复议直接起诉）"),
                ("suit_after_reconsideration", "行政诉讼（复议后起诉）")]
REVIEW_RESULTS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
                  ("total", "总计")]


def _column():
    """The applicant column as registered on each application (a later registration of the same
    applicant with another subtype does not move earlier rows)."""
    return case((ApplicantDetails.kind == "natural", "natural"), else_=func.coalesce(ApplicantDetails.subtype, "other"))


def _with_details(stmt, h: Handlings):
    return stmt.join(ApplicantDetails, ApplicantDetails.application_id == h.application_id)


@dataclass
class AnnualReport:
    year: int
    agencies: list[dict]
    table3: dict[str, dict[str, int]]
    table4: dict[str, dict[str, int]]
    fees: dict
    check_ok: bool
    check_failures: list[dict] = field(default_factory=list)  # columns that fail, with the offending applications
    frozen: list[dict] = field(default_factory=list)  # agencies whose figures are the frozen ones (frozen.py)
    corrections: list[dict] = field(default_factory=list)  # changes since they were frozen, cell by cell

    def as_dict(self) -> dict:
        return {
            "year": self.year, "agencies": self.agencies, "definitions": DEFINITIONS,
            "columns": [{"key": k, "label": lbl} for k, lbl in COLUMNS],
            "table3": [{"row": r, "label": lbl, "indent": ind, "values": self.table3[r]} for r, lbl, ind in ROWS],
            "table4": {"kinds": [{"key": k, "label": lbl, "values": self.table4[k]} for k, lbl in REVIEW_KINDS],
                       "results": [{"key": k, "label": lbl} for k, lbl in REVIEW_RESULTS]},
            "fees": self.fees, "check_ok": self.check_ok, "check_failures": self.check_failures,
            "frozen": self.frozen, "corrections": self.corrections,
        }


def agencies_for(session: Session, code: str, include_supervised: bool = False) -> list[Agency]:
    agency = session.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        raise NotFound(f"机关“{code}”不存在")
    if not include_supervised:
        return [agency]
    children = session.exec(select(Agency).where(Agency.competent_department_id == agency.id)).all()
    return [agency, *children]


def _filters(year: int, h: Handlings):
    """Rows 一, 二, 三 and 四 over one table of handlings (each handling on its own dates)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return {
        "1": and_(h.start >= start, h.start <= end),
        "2": and_(h.start < start, or_(h.end.is_(None), h.end >= start)),
        "3": and_(h.end >= start, h.end <= end),
        "4": and_(h.start <= end, or_(h.end.is_(None), h.end > end)),
    }


def _row_of(outcome: str | None, ground: str | None) -> str | None:
    from ..settings import get_settings

    return report_row(outcome, ground, get_settings().report_rows)


def annual_report(session: Session, agency_ids: list[int], year: int) -> AnnualReport:
    col = _column()
    table3: dict[str, dict[str, int]] = {r: dict.fromkeys(COLUMN_KEYS, 0) for r, _, _ in ROWS}
    unmapped = 0
    for h in handlings():
        f = _filters(year, h)
        base = _with_details(select(col.label("col"), func.count()).select_from(h.entity), h).where(
            h.agency_id.in_(agency_ids), *h.only)
        for key in ("1", "2", "4"):
            for column, n in session.exec(base.where(f[key]).group_by(col)).all():
                table3[key][column if column in table3[key] else "other"] += n
        concluded = _with_details(select(col.label("col"), h.outcome, h.ground, func.count()).select_from(h.entity),
                                  h).where(h.agency_id.in_(agency_ids), f["3"], *h.only).group_by(
            col, h.outcome, h.ground)
        for column, outcome, ground, n in session.exec(concluded).all():
            row = _row_of(outcome, ground)
            if row is None:
                unmapped += n
                continue
            table3[row][column if column in table3[row] else "other"] += n
    for parent, leaves in PARENTS.items():
        for c in COLUMN_KEYS:
            table3[parent][c] = sum(table3[leaf][c] for leaf in leaves)
    for c in COLUMN_KEYS:
        table3["3.7"][c] = sum(table3[r][c] for r in ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6"))
        table3["3"][c] = table3["3.7"][c]
    for r in table3:
        table3[r]["total"] = sum(table3[r][c] for c in COLUMN_KEYS if c != "total")

    failures = []
    for c in COLUMN_KEYS:
        left, right = table3["1"][c] + table3["2"][c], table3["3.7"][c] + table3["4"][c]
        if left != right:
            failures.append({"column": c, "new_plus_carried": left, "concluded_plus_forward": right})
    if failures or unmapped:
        offenders = offending_applications(session, agency_ids, year)
        failures = failures or [{"column": "total", "new_plus_carried": None, "concluded_plus_forward": None}]
        for fl in failures:
            fl["applications"] = offenders
    table4 = review_table(session, agency_ids, year)
    fees = {"notices": 0, "billed_fen": 0, "collected_fen": 0, "closed_unpaid": 0}
    for aid in agency_ids:
        for k, v in fee_figures(session, aid, year).items():
            fees[k] += v
    agencies = [{"id": a.id, "code": a.code, "name": a.name}
                for a in session.exec(select(Agency).where(Agency.id.in_(agency_ids)).order_by(Agency.id)).all()]
    return AnnualReport(year, agencies, table3, table4, fees, not failures, failures)


def offending_applications(session: Session, agency_ids: list[int], year: int) -> list[dict]:
    """Applications that break 一 + 二 = 三（七） + 四: concluded without a mapped outcome, or with
    dates that contradict each other."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    began = current_start()
    rows = session.exec(select(Application, began).where(
        Application.agency_id.in_(agency_ids),
        or_(and_(Application.concluded_on >= start, Application.concluded_on <= end),
            Application.concluded_on < began))).all()
    out = []
    for app, began_on in rows:
        problem = None
        if app.concluded_on and app.concluded_on < as_day(began_on):
            problem = "办结日期早于收到日期"
        elif _row_of(app.outcome, app.withhold_ground) is None:
            problem = "已办结但没有可计入报表的答复类型"
        if problem:
            out.append({"id": app.id, "number": app.number, "problem": problem})
    return out


def review_table(session: Session, agency_ids: list[int], year: int) -> dict[str, dict[str, int]]:
    """Table 四 by the year of each case's result, with the result as of 31 December: a case decided in
    the year counts there under its result; a case filed in the year and not decided by 31 December
    counts there as 尚未审结 — a result recorded later counts in its own year and leaves the earlier
    year's figures as published."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    out = {k: dict.fromkeys([r for r, _ in REVIEW_RESULTS], 0) for k, _ in REVIEW_KINDS}
    decided_by_end = and_(ReviewCase.result != "pending", ReviewCase.decided_on.is_not(None),
                          ReviewCase.decided_on <= end)
    as_of_end = case((decided_by_end, ReviewCase.result), else_="pending")
    counted = or_(and_(decided_by_end, ReviewCase.decided_on >= start),
                  and_(ReviewCase.filed_on >= start, ReviewCase.filed_on <= end))
    rows = session.exec(select(ReviewCase.kind, as_of_end, func.count()).where(
        ReviewCase.agency_id.in_(agency_ids), counted).group_by(ReviewCase.kind, as_of_end)).all()
    for kind, result, n in rows:
        out[kind][result] += n
        out[kind]["total"] += n
    return out


def cell_applications(session: Session, agency_ids: list[int], year: int, row: str, column: str,
                      limit: int = 500) -> list[dict]:
    """Drill-down: the applications behind one cell of table 三."""
    if row not in {r for r, _, _ in ROWS}:
        raise NotFound(f"报表没有“{row}”行")
    if column not in COLUMN_KEYS:
        raise NotFound(f"报表没有“{column}”列")
    leaves: list[str] | None = None
    if row not in ("1", "2", "4", "3", "3.7"):
        leaves = PARENTS.get(row, [row])
    out = []
    for h in handlings():
        f = _filters(year, h)
        q = _with_details(select(Application, ApplicantDetails, h.start, h.end, h.outcome, h.ground)
                          .select_from(h.entity), h).where(h.agency_id.in_(agency_ids), *h.only)
        if h.entity is not Application:
            q = q.join(Application, Application.id == h.application_id)
        if column != "total":
            q = q.where(_column() == column)
        q = q.where(f[row] if row in ("1", "2", "4") else f["3"])
        for app, applicant, began, ended, outcome, ground in session.exec(q).all():
            if leaves is not None and _row_of(outcome, ground) not in leaves:
                continue
            out.append({"id": app.id, "number": app.number, "applicant": applicant.name,
                        "received_date": as_day(began).isoformat(),
                        "concluded_on": as_day(ended).isoformat() if ended else None,
                        "outcome": outcome, "outcome_label": OUTCOMES[outcome].label if outcome else None,
                        "earlier_handling": h.earlier})
    out.sort(key=lambda item: (item["received_date"], item["id"]))
    return out[:limit]
