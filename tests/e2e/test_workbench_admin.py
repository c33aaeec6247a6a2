"""End to end in Debian's Chromium: print views laid out for A4 (申请表 as registered, 办理呈批单 from the
audit trail, every letter with a 打印 button); the administration page's 机关代字, letterhead, seal, fee
bands and alert thresholds with Chinese errors beside nothing lost, user deactivation, password resets and
role revocation; the calendar imported from an uploaded file or a form, and the banners while next year's
schedule is missing (from 1 November) and wherever a provisional date is shown."""

from __future__ import annotations

import io
from datetime import date

from sqlmodel import Session

from tests.e2e.test_workbench import CSP_VIOLATIONS, PASSWORD, Shots, browser, login, server  # noqa: F401 — fixtures
from tests.engine.test_agency_letter_settings import png


def add_user(world, username: str, role: str | None = None, platform_admin: bool = False) -> None:
    from engine import admin
    from engine.db import get_engine
    from engine.models import Agency
    from engine.passwords import hash_password

    with Session(get_engine()) as s:
        user = admin.create_user(s, username=username, display_name=f"{username}姓名", password=None,
                                 platform_admin=platform_admin)
        user.password_hash = hash_password(PASSWORD)
        if role:
            admin.grant(s, user, s.get(Agency, world.agency_id), role)
        s.commit()


def signed_case(world) -> int:
    from tests.workflow.test_happy_paths import to_handling

    app_id = world.register(applicant={"kind": "natural", "name": "李四", "id_type": "resident_id",
                                       "id_number": "110101199003091234", "phone": "13800138000",
                                       "address": "示例市人民路2号", "postcode": "100010"})
    to_handling(world, app_id)
    world.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需要对现有数据加工分析"}})
    world.fire("head", app_id, "sign_off", today="2026-03-05")
    return app_id


def test_print_views_are_laid_out_for_a4(server, browser):  # noqa: F811
    """Item 11: the 申请表 as registered and the 办理呈批单 with the decision, reviews and sign-off, each on
    one A4 page without the toolbar; every letter has a print view with a working 打印 button."""
    base, world = server
    app_id = signed_case(world)
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    assert page.locator("a:text('打印申请表')").count() == 1 and page.locator("a:text('打印办理呈批单')").count() == 1
    page.goto(f"{base}/applications/{app_id}/print/form")
    sheet = page.inner_text("article.sheet")
    assert "政府信息公开申请表" in sheet and "李四" in sheet and "示例市人民路2号" in sheet and "请公开2025年" in sheet
    assert "电子文档" in sheet and "电子邮件" in sheet  # the form and delivery as asked, in Chinese
    Shots().take(page, "21-print-form")
    page.emulate_media(media="print")
    assert not page.locator(".print-bar").is_visible()  # the toolbar is not printed
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one A4 sheet
    page.emulate_media(media="screen")
    page.goto(f"{base}/applications/{app_id}/print/approval")
    rows = page.locator("table.reviews tbody tr").all_inner_texts()
    assert any("作出答复决定" in r and "clerk" in r for r in rows), rows
    assert any("签发" in r and "head" in r and "2026-" in r for r in rows), rows
    from engine.outcomes import OUTCOMES

    sheet = page.inner_text("article.sheet")
    assert OUTCOMES["needs_creation"].label in sheet and OUTCOMES["needs_creation"].basis in sheet
    assert "DEMO公开〔2026〕1号" in page.inner_text("article.sheet")
    Shots().take(page, "22-print-approval")
    page.goto(f"{base}/applications/{app_id}")
    with page.context.expect_page() as opened:
        page.locator("a:text-is('打印')").first.click()
    letter = opened.value
    letter.wait_for_load_state()
    printed = []
    letter.evaluate("window.print = () => { document.body.dataset.printed = '1'; }")
    letter.click("#print-now")
    printed.append(letter.get_attribute("body", "data-printed"))
    assert printed == ["1"]  # the button (script from this site, allowed by the CSP) prints
    assert "政府信息公开申请答复书" in letter.inner_text("body")
    Shots().take(letter, "23-letter-print")
    assert not [v for v in CSP_VIOLATIONS if "print" in v]
    other = login(browser, base, "other_clerk")  # another agency's user: nothing to print
    assert other.goto(f"{base}/applications/{app_id}/print/approval").status == 404
    assert other.goto(f"{base}/letters/1/print").status == 404


def test_admin_sets_doc_code_seal_fees_and_thresholds(server, browser, tmp_path):  # noqa: F811
    """Item 13: settings with validation and Chinese errors; the 机关代字 numbers the next letter
    (GB/T 9704 7.2.4); deactivate, reset a password and revoke a role on the same page."""
    base, world = server
    add_user(world, "admin1", "admin")
    page = login(browser, base, "admin1")
    page.goto(f"{base}/admin")
    agency = page.locator("details", has=page.locator("summary:text('修改 示例市交通运输局 的设置')"))
    agency.locator("summary").click()
    form = agency.locator("form[action^='/admin/agency-']")

    def save(selector: str, value: str) -> str:
        form.locator(selector).fill(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        return page.inner_text(".flash")

    assert "“机关代字”应为汉字" in save("input[name=doc_code]", "DEMO")
    agency = page.locator("details", has=page.locator("summary:text('修改 示例市交通运输局 的设置')"))
    agency.locator("summary").click()
    form = agency.locator("form[action^='/admin/agency-']")
    assert "“提醒阈值”不能重复" in save("input[name=alert_thresholds]", "5，5")
    agency.locator("summary").click()
    assert "“按量收费档次”第2行格式不对" in save("textarea[name=fee_volume_bands]", "1-30:0\n三十一页起:10")
    agency.locator("summary").click()
    assert "“按件：基础收费件数上限”不能小于“按件：免费件数上限”" in save("input[name=free_upto]", "40")
    agency.locator("summary").click()
    form.locator("input[name=free_upto]").fill("10")
    form.locator("input[name=doc_code]").fill("示交")
    form.locator("input[name=letterhead]").fill("示例市交通运输局")
    form.locator("input[name=alert_thresholds]").fill("7，3，1")
    form.locator("textarea[name=fee_volume_bands]").fill("1-30:0\n31-100:10\n101-:20")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已保存 示例市交通运输局 的设置" in page.inner_text(".flash")
    assert "文号“示交”" in page.inner_text("section")
    agency.locator("summary").click()
    assert form.locator("input[name=alert_thresholds]").input_value() == "7，3，1"
    assert form.locator("textarea[name=fee_volume_bands]").input_value() == "1-30:0\n31-100:10\n101-:20"
    seal_form = agency.locator("form[action^='/admin/seal-']")
    jpeg, good = tmp_path / "seal.png", tmp_path / "good.png"
    jpeg.write_bytes(png(fmt="JPEG"))  # named .png, but a JPEG inside
    good.write_bytes(png())
    seal_form.locator("input[type=file]").set_input_files(str(jpeg))
    with page.expect_navigation():
        seal_form.locator("button[type=submit]").click()
    assert "印章图片应为PNG格式" in page.inner_text(".flash")
    agency.locator("summary").click()
    seal_form.locator("input[type=file]").set_input_files(str(good))
    with page.expect_navigation():
        seal_form.locator("button[type=submit]").click()
    assert "已更换 示例市交通运输局 的印章图片" in page.inner_text(".flash")
    agency.locator("summary").click()
    Shots().take(page, "24-admin-agency-settings")
    # users: deactivate, reset a password, revoke a role
    row = page.locator("tr", has=page.locator("td:text-is('clerk2')"))
    with page.expect_navigation():
        row.locator("button:text('停用')").click()
    assert "已停用账号 clerk2" in page.inner_text(".flash")
    row = page.locator("tr", has=page.locator("td:text-is('head2')"))
    row.locator("input[type=password]").fill("short")
    with page.expect_navigation():
        row.locator("button:text('重设密码')").click()
    assert "密码" in page.inner_text(".flash.bad")
    row = page.locator("tr", has=page.locator("td:text-is('head2')"))
    row.locator("input[type=password]").fill("a-new-password-2026")
    with page.expect_navigation():
        row.locator("button:text('重设密码')").click()
    assert "已重设 head2 的密码" in page.inner_text(".flash")
    world.grant("clerk", "head")
    page.reload()
    row = page.locator("tr", has=page.locator("td:text-is('clerk')"))
    with page.expect_navigation():
        row.locator("form[action^='/admin/revoke-'] button").last.click()
    assert "已收回 clerk 的角色" in page.inner_text(".flash")
    # the next letter carries the 机关代字 and the seal
    app_id = signed_case(world)
    clerk = login(browser, base, "clerk")
    clerk.goto(f"{base}/applications/{app_id}")
    assert "示交公开〔2026〕1号" in clerk.inner_text("section[aria-label='文书']")


def test_calendar_upload_form_and_banners(server, browser, monkeypatch):  # noqa: F811
    """Item 14: from 1 November an admin is told next year's schedule is missing; a page with a
    provisional date says why; the platform administrator imports the year from a file (or the form), and
    the banners go."""
    from api.web import pages

    base, world = server
    monkeypatch.setattr(pages, "local_today", lambda: date(2026, 11, 5))
    add_user(world, "admin1", "admin")
    add_user(world, "platform", platform_admin=True)
    world.register(today="2026-12-10", channel_facts={"mail_received": "2026-12-10"})
    admin_page = login(browser, base, "admin1")
    banner = admin_page.inner_text(".calendar-banner")
    assert "2027年的放假安排尚未载入" in banner and "请联系平台管理员导入" in banner
    clerk = login(browser, base, "clerk")
    assert "暂定" in clerk.inner_text("#all tbody") and "期限均为暂定" in clerk.inner_text(".calendar-banner")
    assert "联系平台管理员" not in clerk.inner_text(".calendar-banner")  # what to do is the admins' part
    clerk.goto(f"{base}/alerts")  # no provisional date on this page: no banner for a clerk
    assert clerk.locator(".calendar-banner").count() == 0
    clerk.goto(f"{base}/")
    Shots().take(clerk, "25-provisional-banner")
    platform = login(browser, base, "platform")
    platform.goto(f"{base}/admin/calendar")
    form = platform.locator("form[action='/admin/calendar/form']")
    form.locator("#cf-source").fill("国办发明电〔2026〕8号")
    form.locator("#cf-holidays").fill("2027-01-01 元旦\n2027-02-30 春节")
    with platform.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "放假日期第2行格式不对" in platform.inner_text("#calendar-problems")
    assert platform.input_value("#cf-holidays") == "2027-01-01 元旦\n2027-02-30 春节"  # nothing lost
    Shots().take(platform, "26-calendar")
    yaml_text = ("year: 2027\nregion: national\nsource: 国办发明电〔2026〕8号\nholidays:\n"
                 "  - {date: 2027-01-01, name: 元旦}\n  - {from: 2027-02-06, to: 2027-02-12, name: 春节}\n"
                 "workdays:\n  - {date: 2027-02-14, name: 春节调休上班}\n")
    platform.set_input_files("#cal-file", files=[{"name": "2027.yaml", "mimeType": "text/yaml",
                                                  "buffer": yaml_text.encode()}])
    with platform.expect_navigation():
        platform.click("form[action='/admin/calendar/upload'] button[type=submit]")
    assert "已导入2027年放假安排（national）；1件申请的期限已重新计算" in platform.inner_text(".flash")
    assert "2027" in platform.inner_text("table")
    admin_page.reload()
    assert admin_page.locator(".calendar-banner").count() == 0
    clerk.reload()
    assert clerk.locator(".calendar-banner").count() == 0 and "暂定" not in clerk.inner_text("#all tbody")
    bad = platform.goto(f"{base}/admin/calendar")
    assert bad.status == 200
    platform.set_input_files("#cal-file", files=[{"name": "x.yaml", "mimeType": "text/yaml", "buffer": b"\xff\xfe"}])
    with platform.expect_navigation():
        platform.click("form[action='/admin/calendar/upload'] button[type=submit]")
    assert "UTF-8" in platform.inner_text("#calendar-problems")
