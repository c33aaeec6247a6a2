"""End to end in Debian's Chromium: correcting registration data (audited, the clock recomputed); forms
that keep their values and show each error beside its field in Chinese; the decision form showing only
the chosen outcome's fields (and all of them, labelled, without JavaScript); every dead end with a way
forward (legal send-back, a voided reply re-issued and signed, consultations picked from a list, no
forms for actions a role cannot take); a Chinese 404 page."""

from __future__ import annotations

from tests.e2e.test_workbench import Shots, act, browser, login, server  # noqa: F401 — fixtures


def submit(page, label: str, fields: dict) -> None:
    """Open the action's panel, fill it and submit, expecting a refusal shown in place."""
    panel = page.locator("section.actions details", has=page.locator(f"summary:text-is('{label}')")).first
    if not panel.get_attribute("open") is not None:
        panel.locator("summary").click()
    for selector, value in fields.items():
        field = panel.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


def panel(page, label: str):
    return page.locator("section.actions details", has=page.locator(f"summary:text-is('{label}')")).first


def test_amend_registration_recomputes_the_clock_and_is_audited(server, browser):  # noqa: F811
    base, world = server
    app_id = world.register(today="2026-03-06")  # e-mail received 2026-03-02: due 2026-03-30
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    assert "2026-03-30" in page.inner_text("section[aria-label=期限]")
    form = panel(page, "更正登记信息")
    form.locator("summary").click()
    assert form.locator("input[name=name]").input_value() == "张三"  # starts from what is registered
    form.locator("input[name=name]").fill("张三丰")
    form.locator("select[name=channel]").select_option("post_signed")
    form.locator("input[name=received_on]").fill("2026-03-05")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    # the reason is required: refused beside its field, the values kept
    form = panel(page, "更正登记信息")
    assert "“更正理由”缺少必填项" in form.locator("#amend_registration-reason ~ .error").inner_text()
    assert form.locator("input[name=name]").input_value() == "张三丰"
    assert form.locator("input[name=received_on]").input_value() == "2026-03-05"
    form.locator("textarea[name=reason]").fill("实为挂号信，依签收记录更正；姓名依申请书原件更正")
    Shots().take(page, "21-amend-registration")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已更正登记信息" in page.inner_text(".flash.ok")
    assert "2026-04-02" in page.inner_text("section[aria-label=期限]")
    assert "张三丰" in page.inner_text("section[aria-label=概要]")
    trail = page.inner_text("section[aria-label=办理记录]")
    assert "姓名或名称“张三”改为“张三丰”" in trail and "收到申请之日“2026-03-02”改为“2026-03-05”" in trail
    assert "依签收记录更正" in trail


def test_errors_beside_their_field_in_chinese_and_a_chinese_404(server, browser):  # noqa: F811
    base, world = server
    app_id = world.register()
    world.fire("clerk", app_id, "start_review")
    world.fire("clerk", app_id, "accept")
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    submit(page, "申请延期", {"input[name=days]": "99", "textarea[name=reason]": "需调取档案"})
    error = panel(page, "申请延期").locator("#request_extension-days ~ .error").inner_text()
    assert error.startswith("“延长工作日数（≤20）”数值过大") and "days" not in page.inner_text("main")
    assert panel(page, "申请延期").locator("input[name=days]").input_value() == "99"
    assert panel(page, "申请延期").locator("textarea[name=reason]").input_value() == "需调取档案"
    Shots().take(page, "22-error-beside-field")
    for url in ("/applications/abc", "/no-such-page", "/applications/99999"):
        response = page.goto(f"{base}{url}")
        assert response.status == 404 and "text/html" in response.headers["content-type"], url
        assert "无法完成" in page.inner_text("main") and "{" not in page.inner_text("body")
    page.goto(f"{base}/applications/abc")
    Shots().take(page, "23-not-found")


def test_decision_form_shows_the_chosen_outcomes_fields(server, browser):  # noqa: F811
    base, world = server
    app_id = world.register()
    world.fire("clerk", app_id, "start_review")
    world.fire("clerk", app_id, "accept")
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    form = panel(page, "作出答复决定")
    form.locator("summary").click()
    form.locator("select[name=outcome]").select_option("not_exist")
    visible = form.locator(".field[data-outcomes]:visible label")
    labels = visible.all_inner_texts()
    assert len(labels) == 4 and all(x.rstrip().endswith("*") for x in labels), labels
    assert form.locator("textarea[name=d_reasons]").is_hidden()
    assert form.locator("textarea[name=d_keywords] ~ .help").inner_text() == "检索所用的关键词"
    form.locator("select[name=outcome]").select_option("not_our_agency")
    assert form.locator("textarea[name=d_reasons]").is_visible()
    assert not form.locator(".field:has(textarea[name=d_responsible_agency]) .js-req").is_visible()  # optional
    form.locator("select[name=outcome]").select_option("withhold")
    assert form.locator("select[name=ground]").is_visible() and form.locator("textarea[name=d_keywords]").is_hidden()
    Shots().take(page, "24-decide-form")
    form.locator("select[name=ground]").select_option("process_info")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    # a missing required detail: beside its field, the choice kept
    form = panel(page, "作出答复决定")
    assert "缺少必需的内容：理由" in form.locator("#decide-d_reasons ~ .error").inner_text()
    assert form.locator("select[name=outcome]").input_value() == "withhold"
    assert form.locator("select[name=ground]").input_value() == "process_info"
    # without JavaScript: every field shows, each naming the outcomes it is for
    ctx = browser.new_context(java_script_enabled=False, locale="zh-CN")
    plain = ctx.new_page()
    plain.goto(f"{base}/login")
    plain.fill("#username", "clerk")
    plain.fill("#password", "e2e-password-1")
    plain.click("button[type=submit]")
    plain.goto(f"{base}/applications/{app_id}")
    plain.click("summary:text-is('作出答复决定')")
    assert plain.locator("textarea[name=d_keywords]").is_visible() and plain.locator("textarea[name=d_reasons]").is_visible()
    note = plain.locator(".field:has(textarea[name=d_keywords]) .for-outcomes").inner_text()
    assert "信息不存在，必填" in note
    ctx.close()


def test_every_dead_end_has_a_way_forward(server, browser):  # noqa: F811
    base, world = server
    app_id = world.register()
    world.fire("clerk", app_id, "start_review")
    world.fire("clerk", app_id, "accept")
    world.fire("clerk", app_id, "start_consultation", {"kind": "third_party", "party": "某运输有限公司",
                                                        "party_received_on": "2026-03-03"})
    page = login(browser, base, "clerk")
    page.goto(f"{base}/applications/{app_id}")
    # the consultation reply form picks the consultation from a list of the open ones
    options = panel(page, "登记征求意见答复").locator("select[name=consultation_id] option").all_text_contents()
    assert len(options) == 1 and options[0].startswith("某运输有限公司（第三方")
    act(page, "登记征求意见答复", {"select[name=result]": "consent", "input[name=received_on]": "2026-03-10"})
    act(page, "作出答复决定", {"select[name=outcome]": "needs_creation", "textarea[name=d_reasons]": "需汇总多份材料"})
    # legal sends the reply back: the clerk is offered to amend the draft or the decision
    legal = login(browser, base, "legal")
    legal.goto(f"{base}/applications/{app_id}")
    assert legal.locator("form[action$='/void']").count() == 0  # not the legal reviewer's action
    act(legal, "法制审核", {"select[name=approve]": "false", "textarea[name=comments]": "理由过简，请补充依据"})
    page.goto(f"{base}/applications/{app_id}")
    offered = page.locator("section.actions > details > summary").all_inner_texts()
    assert any(x.startswith("修改文书内容") for x in offered) and any(x.startswith("作出答复决定") for x in offered)
    assert "理由过简" in page.inner_text("section.actions")
    act(page, "修改文书内容", {"textarea[name=d_reasons]": "需对三个系统的原始记录汇总分析，依条例第三十八条"})
    legal.goto(f"{base}/applications/{app_id}")
    act(legal, "法制审核", {"select[name=approve]": "true"})
    head = login(browser, base, "head")
    head.goto(f"{base}/applications/{app_id}")
    act(head, "签发")
    # the head voids the reply; the clerk re-issues; the head signs the re-issued draft
    head.fill("input[name=reason]", "答复书送达地址有误")
    with head.expect_navigation():
        head.click("form[action$='/void'] button")
    assert page.locator("form[action$='/void']").count() == 0  # the clerk may not void
    page.goto(f"{base}/applications/{app_id}")
    assert page.locator("form[action$='/void']").count() == 0
    with page.expect_navigation():
        page.click("form[action$='/reissue'] button")
    assert "已重新出具文书" in page.inner_text(".flash.ok")
    head.goto(f"{base}/applications/{app_id}")
    Shots().take(head, "25-reissued-draft")
    with head.expect_navigation():
        head.click("button:text('签发重新出具的答复书')")
    assert head.locator(".flash.bad").count() == 0, head.inner_text(".flash.bad")
    letters = head.inner_text("section[aria-label=文书]")
    assert letters.count("已印发") == 1 and letters.count("已作废") == 1 and "〔2026〕2号" in letters
