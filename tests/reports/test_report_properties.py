"""For random workloads driven through the engine, the consistency check always holds and the cells
sum to the totals."""

import shutil
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from engine.actors import Actor
from engine import workflow
from engine.db import make_engine
from engine.reports.annual import COLUMN_KEYS, PARENTS, annual_report

from ..workflow.world import APPLICANT, build_world

COMPANY = {"kind": "legal", "subtype": "research", "name": "某研究院", "id_type": "uscc",
           "id_number": "12110000MB0123456Y", "phone": "010-66660001"}
FATES = ["open", "reviewing", "provide", "withhold", "not_exist", "withdraw", "no_correction", "consulting"]


@st.composite
def workloads(draw):
    n = draw(st.integers(1, 8))
    return [(draw(st.integers(0, 500)), draw(st.sampled_from(FATES)), draw(st.booleans())) for _ in range(n)]


@given(workloads())
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_check_holds_for_random_workloads(tmp_path_factory, sqlite_template, registry, workload):
    folder = tmp_path_factory.mktemp("prop")
    shutil.copy(sqlite_template, folder / "ogi.db")
    engine = make_engine(f"sqlite:///{folder / 'ogi.db'}")
    w = build_world(engine, registry)
    start = date(2025, 6, 2)
    for offset, fate, company in workload:
        received = start + timedelta(days=offset)
        if received.weekday() >= 5:
            received += timedelta(days=7 - received.weekday())
        r = received.isoformat()
        later = (received + timedelta(days=3)).isoformat()
        app_id = w.register(today=r, applicant=COMPANY if company else APPLICANT, channel_facts={"mail_received": r})
        if fate == "open":
            continue
        w.fire("clerk", app_id, "start_review", today=r)
        if fate == "reviewing":
            continue
        if fate == "withdraw":
            w.fire("clerk", app_id, "withdraw", {"withdrawn_on": later}, today=later)
            continue
        if fate == "no_correction":
            w.fire("clerk", app_id, "request_correction", {"items": ["x"], "period_days": 3,
                                                                        "notice_served_on": r}, today=r)
            with Session(engine) as s:
                workflow.fire(s, Actor.system(), app_id, "correction_lapsed", {},
                              today=received + timedelta(days=20), registry=registry)
            continue
        w.fire("clerk", app_id, "accept", today=r)
        if fate == "consulting":
            w.fire("clerk", app_id, "start_consultation", {"kind": "agency", "party": "某局", "party_received_on": r}, today=r)
            continue
        details = {"provide": {"provision_form": "电子", "provision_method": "邮件", "provision_channel": "邮箱",
                               "provision_time": "即时", "attachments": ["a"]},
                   "withhold": {"ground": "process_info", "reasons": "过程信息"},
                   "not_exist": {"search_places": "档案", "keywords": "k", "searched_by": "李", "searched_on": r}}[fate]
        w.fire("clerk", app_id, "decide", {"outcome": fate, "details": details}, today=later)
        if fate == "provide":
            w.fire("secrecy", app_id, "pass_secrecy_review", today=later)
        w.fire("head", app_id, "sign_off", today=later)
    with Session(engine) as s:
        for year in (2025, 2026):
            report = annual_report(s, [w.agency_id], year)
            assert report.check_ok, report.check_failures
            t = report.table3
            for row, values in t.items():
                assert values["total"] == sum(values[c] for c in COLUMN_KEYS if c != "total")
            for parent, leaves in PARENTS.items():
                assert t[parent]["total"] == sum(t[leaf]["total"] for leaf in leaves)
            assert t["3.7"]["total"] == sum(t[r]["total"] for r in ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6"))
    engine.dispose()
