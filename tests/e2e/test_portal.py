"""The applicants' portal end to end in headless Chromium, with JavaScript switched off for the
applicant (applying and following work without it): apply on a phone, a clerk confirms in the
workbench, the applicant follows the case, the letter issued is verified. OGI_SCREENSHOTS_DIR keeps
screenshots (phone and desktop)."""

from __future__ import annotations

import re

import pytest

from .test_workbench import CHROMIUM, TODAY, Shots, browser, login, server  # noqa: F401

pytestmark = pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="Debian chromium not installed")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def portal(server, monkeypatch):  # noqa: F811
    from api.web import online_intake, portal as portal_pages

    monkeypatch.setattr(portal_pages, "local_today", lambda: TODAY)
    monkeypatch.setattr(online_intake, "local_today", lambda: TODAY)
    return server


def applicant_page(browser, viewport):  # noqa: F811
    ctx = browser.new_context(viewport=viewport, java_script_enabled=False, locale="zh-CN")
    return ctx.new_page()


def test_apply_confirm_follow_and_verify(portal, browser):  # noqa: F811
    base, world = portal
    shots = Shots()
    page = applicant_page(browser, PHONE)
    page.goto(f"{base}/portal")
    shots.take(page, "portal-home-phone")
    page.click("a[href='/portal/DEMO']")
    assert "行政复议机关" in page.content()
    shots.take(page, "portal-guide-phone")
    page.click("text=在线申请")
    page.fill("#name", "王小明")
    page.fill("#id_number", "110101199201071234")
    page.fill("#phone", "13900001111")
    page.fill("#request_text", "请公开2025年本局道路运输行政许可办理情况统计")
    shots.take(page, "portal-apply-phone")
    page.click("button[type=submit]")
    page.wait_for_selector("text=申请已提交")
    number = page.inner_text("[data-testid=tracking-number]")
    code = page.inner_text("[data-testid=query-code]")
    assert re.fullmatch(r"W20260310\d{6}", number) and len(code) == 10
    shots.take(page, "portal-submitted-phone")

    clerk = login(browser, base, "clerk")
    clerk.click("text=网上申请")
    assert number in clerk.content()
    with clerk.expect_navigation():
        clerk.click("text=确认收到并登记")
    assert "已确认收到并登记" in clerk.inner_text(".flash.ok")

    page.goto(f"{base}/portal/track")
    page.fill("#number", number)
    page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_selector("text=已收到申请，等待审核")
    assert "2026-03-10" in page.content() and "110101199201071234" not in page.content()
    shots.take(page, "portal-track-phone")

    # a correction notice is issued: the applicant sees it, and anyone can verify it
    from sqlmodel import Session, select

    from engine.models import Application, Letter
    from engine.portal.codes import VERIFY_KEY

    with Session(world.engine) as s:
        app_id = s.exec(select(Application.id)).one()
    world.fire("clerk", app_id, "start_review", today="2026-03-10")
    world.fire("clerk", app_id, "request_correction", {"items": ["请写明文件名称"]}, today="2026-03-10")
    with Session(world.engine) as s:
        letter = s.exec(select(Letter).where(Letter.application_id == app_id)).one()
    world.fire("clerk", app_id, "issue_letter", {"letter_id": letter.id}, today="2026-03-10")
    with Session(world.engine) as s:
        letter = s.get(Letter, letter.id)
        letter_number, verify_code = letter.number, letter.data[VERIFY_KEY]
    page.goto(f"{base}/portal/track")
    page.fill("#number", number)
    page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_selector("text=补正告知书")
    assert "暂停计算" in page.content() and letter_number in page.content()
    # the first download of the notice is its electronic service (the applicant asked for it online)
    with page.expect_download() as got:
        page.click("text=下载补正告知书")
    assert got.value.suggested_filename.endswith(".pdf")
    from engine.models import ServiceRecord

    with Session(world.engine) as s:
        (served,) = s.exec(select(ServiceRecord).where(ServiceRecord.letter_id == letter.id)).all()
        assert served.method == "online" and served.served_on == TODAY
    # answering the correction online; the clerk confirms its receipt
    page.fill("#corrected_text", "请公开2025年本局道路运输行政许可办理情况统计表（按月）")
    page.click("text=提交补正")
    page.wait_for_selector("text=已提交，等待工作人员确认收到。")
    shots.take(page, "portal-correction-phone")
    clerk.goto(f"{base}/online-intake")
    with clerk.expect_navigation():
        clerk.click("text=确认收到补正")
    assert "已确认收到" in clerk.inner_text(".flash.ok")
    with Session(world.engine) as s:
        assert s.get(Application, app_id).status == "reviewing"

    desk = applicant_page(browser, DESKTOP)
    desk.goto(f"{base}/portal/verify")
    desk.fill("#number", letter_number)
    desk.fill("#code", verify_code)
    desk.click("button[type=submit]")
    desk.wait_for_selector("text=真实有效")
    assert "王小明" not in desk.content()
    shots.take(desk, "portal-verify-desktop")
    desk.goto(f"{base}/portal")
    shots.take(desk, "portal-home-desktop")
