"""End to end in headless Chromium: a clerk drags a rectangle on a rendered page and adds a text mark,
submits, and lands on the side-by-side view, which the secrecy reviewer opens too; the redacted copy
holds none of the marked text (pdftotext). 条例 art 37 (区分处理)."""

from __future__ import annotations

import subprocess

from sqlmodel import Session, select

from tests.documents import builders as b
from tests.documents.case_files import add_document
from tests.e2e.test_workbench import CSP_VIOLATIONS, browser, login, pytestmark, server  # noqa: F401

SECRET = "WANGWU-310101197001011234"


def test_redaction_marking_and_side_by_side_view_art37(server, browser):
    from engine.db import get_engine
    from engine.documents.storage import blob_store
    from engine.models import Redaction

    base, world = server
    app_id = world.register(today="2026-03-09")
    world.fire("clerk", app_id, "start_review", today="2026-03-10")
    world.fire("clerk", app_id, "accept", today="2026-03-10")
    pdf = b.html_pdf(f"<p>第三方联系人 {SECRET}</p><p style='margin-top:300pt'>页面下方的内部意见</p>")
    doc = add_document(get_engine(), app_id, pdf, filename="拟公开信息.pdf")

    page = login(browser, base, "clerk")
    page.set_viewport_size({"width": 1366, "height": 1600})  # the whole first page on screen
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/applications/{app_id}")
    page.click("text=区分处理（标注、原件与副本对照）")
    page.click("text=标注并区分处理")
    page.wait_for_url(f"**/documents/{doc.id}/redact")
    img = page.locator(".redact-page[data-page='1'] img")
    img.wait_for()
    page.wait_for_function("document.querySelector('.redact-page img').naturalWidth > 0")
    page.select_option("#ground", "process_info")  # the ground of the marks made from now on
    box = img.bounding_box()
    # the lower half of the page: where the internal opinion is
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + box["height"] * 0.45)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=5)
    page.mouse.up()
    assert page.locator(".redact-page .redact-box").count() == 1, (errors, box)
    page.fill("#mark-text", SECRET)
    page.keyboard.press("Enter")
    assert page.locator("#mark-list li").count() == 2
    with page.expect_navigation():
        page.click("#redact-submit")
    assert "/redactions/" in page.url, page.content()
    assert page.locator("h1").inner_text().startswith("原件与区分处理后副本对照")
    page.wait_for_function("[...document.querySelectorAll('.side-by-side img')].every(i => i.naturalWidth > 0)")
    sha = page.locator("#copy-sha").inner_text()
    text = subprocess.run(["pdftotext", "-", "-"], input=blob_store().get(sha), capture_output=True,
                          check=True).stdout.decode()
    assert SECRET not in text and "内部意见" not in text
    with Session(get_engine()) as s:
        red = s.exec(select(Redaction)).one()
    area = next(m for m in red.marks if "rect" in m)
    assert area["page"] == 1 and area["ground"] == "process_info"
    assert 0.4 * 842 < area["rect"][1] < 0.5 * 842  # A4 height in points: the drag's units were points
    url = page.url

    reviewer = login(browser, base, "secrecy")
    reviewer.goto(url)
    assert "第三方联系人" not in reviewer.locator("body").inner_text()  # the pages are pictures
    assert reviewer.locator(".side-by-side img").count() == 2
    assert reviewer.locator("text=拟公开信息（区分处理）.pdf").count() == 1
    assert not CSP_VIOLATIONS
