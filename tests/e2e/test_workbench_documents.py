"""End to end in headless Chromium: a clerk uploads files to the case file (电子案卷) on the case page,
a refused file is answered in Chinese and not listed; the decision picks the uploaded 拟公开信息; the
secrecy reviewer sees exactly that document, can open it, and passes it; identity proofs stay hidden
from the reviewer; the 送达回证 prints."""

from __future__ import annotations

from tests.documents import builders as b

from .test_workbench import CSP_VIOLATIONS, Shots, act, browser, login, server  # noqa: F401  (fixtures)


def test_upload_on_the_case_page_and_the_secrecy_reviewer_sees_the_picked_document(server, browser, tmp_path):
    base, world = server
    app_id = world.register(today="2026-03-02")
    world.fire("clerk", app_id, "start_review", today="2026-03-03")
    world.fire("clerk", app_id, "accept", today="2026-03-03")
    table = tmp_path / "统计表.pdf"
    table.write_bytes(b.scanned_pdf())
    id_card = tmp_path / "身份证.png"
    id_card.write_bytes(b.image_bytes("PNG"))
    locked = tmp_path / "加密.pdf"
    locked.write_bytes(b.encrypted_pdf())

    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    for path, kind in ((table, "to_disclose"), (id_card, "identity_proof")):
        page.select_option("#upload-kind", kind)
        page.set_input_files("#upload-file", str(path))
        with page.expect_navigation():
            page.click("form.upload button[type=submit]")
        assert page.locator(".flash.bad").count() == 0, page.locator(".flash.bad").inner_text()
    docs = page.locator("#documents table")
    assert "统计表.pdf" in docs.inner_text() and "身份证.png" in docs.inner_text()
    # an encrypted PDF: refused with the reason, nothing listed
    page.set_input_files("#upload-file", str(locked))
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert "PDF 文件已加密" in page.locator(".flash.bad").inner_text()
    assert "加密.pdf" not in page.locator("#documents table").inner_text()
    # the decision picks the uploaded document; the attachment list comes from it
    panel = page.locator("section.actions details", has=page.locator("summary:text-is('作出答复决定')")).first
    panel.locator("summary").click()
    panel.locator("#decide-outcome").select_option("provide")
    for field, value in (("d_provision_form", "电子文档"), ("d_provision_method", "电子邮件"),
                         ("d_provision_channel", "邮箱"), ("d_provision_time", "随答复书提供")):
        panel.locator(f"#decide-{field}").fill(value)
    panel.locator("input[name=documents]").first.check()
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    assert page.locator(".flash.bad").count() == 0, page.locator(".flash.bad").inner_text()
    assert "保密审查中" in page.locator("h1").inner_text()
    Shots().take(page, "application-documents")

    reviewer = login(browser, base, "secrecy")
    reviewer.goto(f"{base}/applications/{app_id}")
    review = reviewer.locator("section.secrecy-documents")
    assert "统计表.pdf" in review.inner_text() and "SHA-256" in review.inner_text()
    Shots().take(reviewer, "secrecy-review-documents")
    with reviewer.expect_download() as download:
        review.locator("a", has_text="统计表.pdf").click()
    assert download.value.path().read_bytes() == table.read_bytes()
    assert "身份证.png" not in reviewer.locator("#documents").inner_text()  # personal data: not for this role
    act(reviewer, "保密审查通过", {"#pass_secrecy_review-notes": "不涉密"})
    assert "保密审查中" not in reviewer.locator("h1").inner_text()

    # the printable 送达回证 once a letter is issued is offered from the page (none issued yet here)
    page.goto(f"{base}/applications/{app_id}/service-form")
    assert "没有可送达的已印发文书" in page.content()
    assert not [v for v in CSP_VIOLATIONS if "documents" in v]
