"""reports.md table 三: “（二）部分公开（区分处理的，只计这一情形，不计其他情形）” — a partial disclosure with
several withheld parts, each on its own ground, counts once in 三（二） and in no withholding row."""

from sqlmodel import Session

from engine.outcomes import report_row
from engine.reports.annual import annual_report

from ..workflow.test_happy_paths import to_handling
from ..workflow.world import build_world


def test_partial_with_several_withheld_grounds_counts_once_in_row_3_2(db, registry):
    assert report_row("partial", "state_secret") == "3.2" and report_row("partial", "not_government_info") == "3.2"
    w = build_world(db, registry)
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": {
        "provided": "统计表", "attachments": ["统计表.pdf"],
        "withheld_parts": [{"part": "财务报表", "ground": "third_party", "reasons": "商业秘密"},
                           {"part": "会议纪要", "ground": "process_info", "reasons": "过程性信息"},
                           {"part": "分析说明", "ground": "not_government_info", "reasons": "属于咨询"}]}},
           today="2026-03-10")
    w.fire("secrecy", app_id, "pass_secrecy_review", today="2026-03-11")
    w.fire("head", app_id, "sign_off", today="2026-03-11")
    with Session(db) as s:
        t = annual_report(s, [w.agency_id], 2026).table3
    assert t["3.2"]["total"] == 1 and t["3.7"]["total"] == 1
    assert all(t[row]["total"] == 0 for row in t if row.startswith("3.3"))
