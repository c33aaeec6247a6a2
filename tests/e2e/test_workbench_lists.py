"""End to end in Debian's Chromium: the queue pages to its last case, sorts by a column and searches
closed cases and phones; registration refuses an implausible identity number beside the field (values
kept) and asks to confirm a receipt over a year back; each role's worklist shows only its work; a
case waiting on a correction shows the period running instead of the answer clock; alerts are read,
marked read and followed to the case."""

from __future__ import annotations

from sqlmodel import Session

from tests.e2e.test_workbench import PASSWORD, Shots, browser, login, server  # noqa: F401 — fixtures

from tests.workflow.world import APPLICANT


def test_queue_pages_sorts_and_searches(server, browser):  # noqa: F811
    base, world = server
    made = [world.register(request_text=f"请公开第{i:02d}号文件", applicant={**APPLICANT, "name": f"申请人{i:02d}"})
            for i in range(55)]
    world.fire("clerk", made[0], "withdraw", {"withdrawn_on": "2026-03-03"})
    page = login(browser, base, "clerk")
    Shots().take(page, "11-queue-worklists")
    assert "共 54 件，第 1 / 2 页" in page.inner_text("#total")
    assert page.locator("#all tbody tr").count() == 50
    page.click("nav.pager a[rel=next]")
    assert page.locator("#all tbody tr").count() == 4 and "第 2 / 2 页" in page.inner_text("#total")
    page.click("#all th a:text('申请人')")
    names = page.locator("#all tbody td:nth-child(3)").all_inner_texts()
    assert names == sorted(names) and page.locator("#all tbody tr").count() == 50
    page.click("#all th a:text('申请人')")  # again: the other way
    assert page.locator("#all tbody td:nth-child(3)").first.inner_text() == "申请人54"
    page.fill("#q", "申请人00")
    page.select_option("#scope", "all")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "共 1 件" in page.inner_text("#total") and "已终止" in page.inner_text("#all tbody")
    page.fill("#q", "138 0013 8000")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "共 55 件" in page.inner_text("#total")
    counts = page.locator(".counts a b").all_inner_texts()
    assert sum(int(c) for c in counts) == 55


def test_registration_checks_beside_the_field(server, browser):  # noqa: F811
    base, _ = server
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/new")
    page.fill("#a_name", "王小明")
    page.fill("#a_id_number", "110101199201071235")
    page.fill("#a_phone", "13900001111")
    page.fill("#request_text", "请公开2025年本局道路运输行政许可办理情况统计")
    page.select_option("#channel", "email")
    page.fill("#fact_date", "2026-03-09")
    with page.expect_navigation():
        page.click("form[action='/applications/new'] button[type=submit]")
    error = page.locator("#a_id_number ~ .error").first.inner_text()
    assert error.startswith("“居民身份证号码”校验位不符") and page.input_value("#a_name") == "王小明"
    page.fill("#a_id_number", "１１０１０１１９９２０１０７１２３４")  # full-width, as an IME types it
    page.fill("#fact_date", "2024-12-30")
    with page.expect_navigation():
        page.click("form[action='/applications/new'] button[type=submit]")
    assert "距今已超过一年" in page.locator("#fact_date ~ .error").first.inner_text()
    Shots().take(page, "12-register-confirm")
    page.check("#confirm")
    with page.expect_navigation():
        page.click("form[action='/applications/new'] button[type=submit]")
    assert "已登记" in page.inner_text(".flash.ok")
    assert "110***********1234" in page.inner_text("main")


def test_worklists_periods_and_alerts(server, browser):  # noqa: F811
    from engine.db import get_engine
    from engine.models import Alert

    base, world = server
    review = world.register(request_text="请公开本局2025年度预算执行情况")
    world.fire("clerk", review, "start_review", today="2026-03-03")
    world.fire("clerk", review, "accept", today="2026-03-03")
    world.fire("clerk", review, "decide", {"outcome": "partial", "details": {
        "provided": "预算执行总表", "ground": "process_info", "reasons": "内部讨论稿", "attachments": ["总表"]}},
        today="2026-03-05")
    waiting = world.register(request_text="请公开某事项")
    world.fire("clerk", waiting, "start_review", today="2026-03-03")
    world.fire("clerk", waiting, "request_correction", {"items": ["请写明所需信息的名称"]}, today="2026-03-04")
    secrecy = login(browser, base, "secrecy")
    secrecy.goto(f"{base}/approvals")
    assert "待保密审查（1）" in secrecy.inner_text("main") and secrecy.locator(f"a[href='/applications/{review}']").count() == 1
    Shots().take(secrecy, "13-approvals-secrecy")
    head = login(browser, base, "head")
    head.goto(f"{base}/approvals")
    assert "待签发（0）" in head.inner_text("main") and head.locator(f"a[href='/applications/{review}']").count() == 0
    clerk = login(browser, base, "clerk")
    clerk.goto(f"{base}/applications/{waiting}")
    assert "补正告知书尚未登记送达" in clerk.inner_text(".running-periods")
    Shots().take(clerk, "14-running-period")
    with Session(get_engine()) as s:
        s.add(Alert(key="e2e:1", agency_id=world.agency_id, application_id=waiting, kind="due_soon", message="申请即将到期"))
        s.add(Alert(key="e2e:2", agency_id=world.agency_id, kind="digest", message="今日待办汇总"))
        s.commit()
    clerk.goto(f"{base}/alerts")
    assert "2" in clerk.inner_text("header a[href='/alerts']")
    Shots().take(clerk, "15-alerts")
    with clerk.expect_navigation():
        clerk.click("form[action$='-open'] button")
    assert clerk.url.endswith(f"/applications/{waiting}")
    clerk.goto(f"{base}/alerts?unread=1")
    assert clerk.locator("tbody tr.unread").count() == 1
    with clerk.expect_navigation():
        clerk.click("form[action='/alerts/read'] button")
    assert "已将1条提醒标记为已读" in clerk.inner_text(".flash.ok")
    assert clerk.locator("header a[href='/alerts'] .badge").count() == 0
