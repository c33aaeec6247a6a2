"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): a clerk registers
an application and runs it through correction, consultation and a decision; the head signs off and
downloads the PDF; a supervisor approves a fee; legal staff open the audit report; a clerk of another
agency cannot open the application by URL. Set OGI_SCREENSHOTS_DIR to keep screenshots of the pages."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
TODAY = date(2026, 3, 10)
PASSWORD = "e2e-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(isolated_settings, registry, monkeypatch):
    import uvicorn
    from sqlmodel import Session

    from api import deps
    from api.main import create_app
    from api.web import pages
    from engine.db import get_engine
    from engine.migrate import upgrade
    from engine.models import User
    from engine.passwords import hash_password
    from tests.workflow.world import build_world

    upgrade(isolated_settings.database_url)
    world = build_world(get_engine(), registry)
    with Session(get_engine()) as s:
        digest = hash_password(PASSWORD)
        for uid in world.users.values():
            user = s.get(User, uid)
            user.password_hash = digest
            s.add(user)
        s.commit()
    monkeypatch.setattr(pages, "local_today", lambda: TODAY)
    app = create_app()
    app.dependency_overrides[deps.today] = lambda: TODAY
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


class Shots:
    def __init__(self):
        self.dir = Path(os.environ["OGI_SCREENSHOTS_DIR"]) if os.environ.get("OGI_SCREENSHOTS_DIR") else None

    def take(self, page, name: str) -> None:
        if self.dir:
            self.dir.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(self.dir / f"{name}.png"), full_page=True)


CSP_VIOLATIONS: list[str] = []  # the Content-Security-Policy must not block anything the workbench does


def login(browser, base, username):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
    page = ctx.new_page()
    page.on("console", lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def act(page, label: str, fields: dict | None = None) -> None:
    """Open the action's panel, fill its fields, submit, and wait for the page to come back."""
    panel = page.locator("section.actions details", has=page.locator(f"summary:text-is('{label}')")).first
    panel.locator("summary").click()
    for selector, value in (fields or {}).items():
        field = panel.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif value is True:
            field.check()
        else:
            field.fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert page.locator(".flash.bad").count() == 0, page.locator(".flash.bad").inner_text()


def test_clerk_head_supervisor_legal_and_isolation(server, browser, tmp_path):
    base, world = server
    shots = Shots()
    page = login(browser, base, "clerk")
    shots.take(page, "01-queue")
    assert "我的待办" in page.content()
    assert "示例市交通运输局·经办人" in page.inner_text("header")  # the user's agency and roles
    # register (art 29), with the derived receipt and due dates shown before saving
    page.click("text=登记申请")
    page.fill("#a_name", "王小明")
    page.fill("#a_id_number", "110101199201071234")
    page.fill("#a_phone", "13900001111")
    page.fill("#request_text", "请公开2025年本局道路运输行政许可办理情况统计")
    page.select_option("#channel", "email")
    page.fill("#fact_date", "2026-03-09")
    page.locator("#fact_date").dispatch_event("change")
    page.wait_for_function("document.querySelector('#preview').innerText.includes('2026-04-07')", timeout=10_000)
    shots.take(page, "02-register")
    with page.expect_navigation():
        page.click("form[action='/applications/new'] button[type=submit]")
    assert "已登记，编号 DEMO-2026-00001" in page.inner_text(".flash.ok")
    app_url = page.url.split("?")[0]
    act(page, "开始审核")
    act(page, "告知补正", {"textarea[name=items]": "请写明所需统计的具体事项"})
    act(page, "收到补正", {"select[name=channel]": "email", "input[name=received_on]": "2026-03-10"})
    act(page, "受理办理")
    act(page, "征求意见", {"select[name=kind]": "third_party", "input[name=party]": "某运输有限公司",
                        "input[name=party_received_on]": "2026-03-10"})
    assert "已暂停" in page.content()
    act(page, "登记征求意见答复", {"select[name=consultation_id]": "1", "select[name=result]": "consent",
                               "input[name=received_on]": "2026-03-10"})
    act(page, "作出答复决定", {"select[name=outcome]": "not_exist", "textarea[name=d_search_places]": "档案室、审批系统",
                          "textarea[name=d_keywords]": "行政许可 统计", "textarea[name=d_searched_by]": "李四",
                          "input[name=d_searched_on]": "2026-03-10"})
    assert "答复拟稿中" in page.content()
    assert "签发前审核：必备项均已齐全" in page.inner_text("main")  # the audit shown in place before sign-off
    page.click("summary:text('期限计算明细')")
    shots.take(page, "03-application")
    # the head signs off and downloads the frozen PDF
    head = login(browser, base, "head")
    head.goto(f"{base}/approvals")
    assert "DEMO-2026-00001" in head.inner_text("main")
    head.goto(app_url)
    act(head, "签发")
    assert "已答复" in head.content()
    with head.expect_download() as dl:
        head.click("text=下载存档PDF")
    path = tmp_path / "reply.pdf"
    dl.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    shots.take(head, "04-signed")
    # a supervisor of the competent department approves a fee
    from engine import workflow
    from engine.db import new_session

    fee_app = world.register(today="2026-03-09", request_text="请提供近十年全部会议纪要")
    world.fire("clerk", fee_app, "start_review", today="2026-03-09")
    world.fire("clerk", fee_app, "accept", today="2026-03-09")
    world.fire("clerk", fee_app, "propose_fee", {"method": "per_volume", "pages": 250}, today="2026-03-10")
    sup = login(browser, base, "supervisor")
    sup.goto(f"{base}/approvals")
    shots.take(sup, "05-approvals")
    sup.click(f"a[href='/applications/{fee_app}']")
    act(sup, "核准收费")
    assert "待缴费" in sup.content()
    _ = workflow, new_session
    # legal staff open the audit report
    legal = login(browser, base, "legal")
    legal.goto(f"{base}/reports?kind=audit&year=2026")
    assert "法制审核报告" in legal.inner_text("main")
    shots.take(legal, "06-audit-report")
    legal.goto(f"{base}/reports?year=2026")
    assert "三、收到和处理政府信息公开申请情况" in legal.inner_text("main")
    shots.take(legal, "07-annual-report")
    # a clerk of another agency cannot open the application by URL
    other = login(browser, base, "other_clerk")
    response = other.goto(app_url)
    assert response.status == 404 and "不存在" in other.inner_text("main")
    assert "DEMO-2026-00001" not in other.content()
    assert CSP_VIOLATIONS == []


def test_csrf_and_login_errors(server, browser):
    base, _ = server
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", "clerk")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("main")
    page = login(browser, base, "clerk")
    response = page.request.post(f"{base}/applications/new", form={"csrf": "forged", "a_name": "x"})
    assert response.status == 403
    cookie = next(c for c in page.context.cookies() if c["name"] == "ogi_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # the API on the session cookie: the page's own script call with the CSRF header passes, without it not
    call = """async (withToken) => {
        const token = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch('/api/v1/auth/logout', {method: 'POST', headers: withToken ? {'X-CSRF-Token': token} : {}});
        return r.status; }"""
    assert page.evaluate(call, False) == 403
    assert page.evaluate(call, True) == 200
    _ = shutil


def test_admin_settings_users_and_calendar(server, browser):
    base, world = server
    from sqlmodel import Session

    from engine import admin as admin_svc
    from engine.db import get_engine
    from engine.models import Agency, User

    with Session(get_engine()) as s:
        head2 = s.get(User, world.users["head2"])
        admin_svc.grant(s, head2, s.get(Agency, world.agency_id), "admin")
        head2.platform_admin = True  # the calendar import below is the platform administrator's
        s.add(head2)
        s.commit()
    page = login(browser, base, "head2")
    page.goto(f"{base}/admin")
    page.click("summary:text('修改 示例市交通运输局 的设置')")
    form = f"form[action='/admin/agency-{world.agency_id}']"  # the platform admin sees every agency's form
    page.check(f"{form} input[name=legal_review_required]")
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert "已保存" in page.inner_text(".flash.ok")
    page.fill("#nu-username", "newclerk")
    page.fill("#nu-name", "新经办")
    page.fill("#nu-password", "long-password-1")
    with page.expect_navigation():
        page.click("form[action='/admin/user'] button[type=submit]")
    assert "已添加用户 newclerk" in page.inner_text(".flash.ok")
    page.goto(f"{base}/admin/calendar")  # the calendar's own page: upload, form or paste
    page.click("summary:text('粘贴文本导入')")
    page.fill("#cal-content", "year: 2027\nsource: x\nworkdays:\n  - {date: 2027-02-16, name: 调休}\n")
    with page.expect_navigation():
        page.click("form[action='/admin/calendar/paste'] button[type=submit]")
    assert "第4行：调休上班日 2027-02-16 是周二，不是周末" in page.inner_text("main")
    with Session(get_engine()) as s:
        assert s.get(Agency, world.agency_id).options.legal_review_required is True
