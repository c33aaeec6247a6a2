"""The decide form in the workbench (Chromium): a 部分公开 with several withheld parts, one a line
“部分｜理由类别｜理由” (条例第三十七条), over a third party's objection with the public-interest reasons
(第三十二条) — and a malformed line refused in Chinese with nothing recorded."""

from __future__ import annotations

from sqlmodel import select

from engine.models import Consultation, Letter
from tests.e2e.test_workbench import CHROMIUM, act, browser, login, server  # noqa: F401 — fixtures
from tests.workflow.test_happy_paths import to_handling

import pytest
from pathlib import Path

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")


def objected_case(world) -> int:
    app_id = world.register(today="2026-03-09")
    to_handling(world, app_id, today="2026-03-09")
    world.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某运输有限公司",
                                                        "party_received_on": "2026-03-09"}, today="2026-03-09")
    with world.session() as s:
        c = s.exec(select(Consultation).where(Consultation.application_id == app_id)).one()
    world.fire("clerk", app_id, "record_consultation_reply", {"consultation_id": c.id, "result": "objection",
                                                               "reasons": "报价属于商业秘密", "received_on": "2026-03-10"},
               today="2026-03-10")
    return app_id


def test_decide_form_takes_several_withheld_parts_art_37_and_public_interest_art_32(server, browser):
    base, world = server
    app_id = objected_case(world)
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    # a line without its three fields: refused, in Chinese, nothing decided
    panel = page.locator("section.actions details", has=page.locator("summary:text-is('作出答复决定')")).first
    panel.locator("summary").click()
    panel.locator("select[name=outcome]").select_option("partial")
    panel.locator("textarea[name=d_withheld_parts]").fill("财务报表｜商业秘密")
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert "不予公开的部分第1行应写成“部分｜理由类别｜理由”" in page.inner_text(".flash.bad")
    assert world.app(app_id).outcome is None
    page.goto(f"{base}/applications/{app_id}")  # the form afresh (the refused one comes back open)
    act(page, "作出答复决定", {
        "select[name=outcome]": "partial",
        "textarea[name=d_provided]": "统计表中的许可事项和办理数量",
        "textarea[name=d_withheld_parts]": "企业成本数据｜商业秘密｜属于企业商业秘密\n"
                                           "会议纪要|过程性信息|研究讨论过程中形成的记录\n"
                                           "对数据的分析说明｜政府信息｜属于咨询，不是已有信息",
        "textarea[name=d_attachments]": "统计表（区分处理后）.pdf",
        "textarea[name=d_public_interest_reasons]": "报价决定公共资源配置结果，关系公众监督",
    })
    assert "保密审查中" in page.content()
    app = world.app(app_id)
    assert [(p["part"], p["ground"]) for p in app.outcome_details["withheld_parts"]] == [
        ("企业成本数据", "third_party"), ("会议纪要", "process_info"), ("对数据的分析说明", "not_government_info")]
    assert app.withhold_ground == "third_party"
    with world.session() as s:
        notice = s.exec(select(Letter).where(Letter.application_id == app_id,
                                             Letter.type == "third_party_disclosure_notice")).one()
    assert notice.data["public_interest_reasons"] == "报价决定公共资源配置结果，关系公众监督"
