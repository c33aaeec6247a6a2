"""Accessibility of every portal page (GB/T 37668-2019 / WCAG 2.1 level A and AA) checked with axe-core in
Chromium, at a phone's width. axe-core comes from the npm registry (MPL-2.0, run unmodified as a test
tool): ``npm pack axe-core@4.14.1`` and point OGI_AXE_JS at its ``package/axe.min.js`` (or install it
under ``node_modules/``); skipped without it locally, a failure in CI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .test_workbench import CHROMIUM, browser, server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("OGI_AXE_JS") or ROOT / "node_modules" / "axe-core" / "axe.min.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => ({passes: r.passes.length, violations: r.violations.map("
                          "v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))}))", TAGS)
    assert found["passes"] > 5  # the rules did run
    return found["violations"]


def test_no_level_a_or_aa_violations_on_any_portal_page(server, browser):  # noqa: F811
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not found at {AXE}")
        pytest.skip("axe-core not installed (set OGI_AXE_JS)")
    base, world = server
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
    page = ctx.new_page()
    seen: dict[str, list[str]] = {}

    def check(name: str) -> None:
        seen[name] = violations(page)

    for url in ("/portal", "/portal/DEMO", "/portal/DEMO/apply", "/portal/track", "/portal/verify"):
        page.goto(base + url)
        check(url)
    page.goto(base + "/portal/DEMO/apply")
    page.fill("#name", "王小明")
    page.fill("#id_number", "110101199201071235")  # a wrong check digit: the form comes back with the error
    page.fill("#phone", "13900001111")
    page.fill("#request_text", "请公开2025年本局道路运输行政许可办理情况统计")
    page.click("button[type=submit]")
    page.wait_for_selector(".flash.bad")
    check("apply (refused)")
    page.fill("#id_number", "110101199201071234")
    page.click("button[type=submit]")
    page.wait_for_selector("text=申请已提交")
    check("submitted")
    number = page.inner_text("[data-testid=tracking-number]")
    code = page.inner_text("[data-testid=query-code]")
    page.goto(base + "/portal/track")
    page.fill("#number", number)
    page.fill("#code", code)
    page.click("button[type=submit]")
    page.wait_for_selector("text=等待工作人员确认")
    check("track (result)")
    page.goto(base + "/portal/verify?number=X&code=Y")
    check("verify (unknown)")
    bad = {name: v for name, v in seen.items() if v}
    assert not bad, bad
    assert re.fullmatch(r"W\d{14}", number)
