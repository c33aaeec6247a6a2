"""No English a clerk reads: every workbench page, as each role, with every <details> opened, and a set
of error answers (refused forms, unknown pages, stale forms, bad registrations) are scanned for ASCII
identifiers — ``snake_case``, ``dotted.names`` and bare lower-case words. Allowed: 文号 and tracking
numbers, URLs and e-mail addresses, numbers and dates, file names, and upper-case labels (PDF, SHA-256,
API, the agency code)."""

from __future__ import annotations

import re

from sqlmodel import Session

from tests.e2e.test_workbench import PASSWORD, browser, login, server  # noqa: F401 — fixtures

ALLOWED = [
    re.compile(r"https?://\S+"),
    re.compile(r"Mozilla/5\.0[^\t\n]*"),  # the browser's own user agent, as it sent it (登录记录)
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"[^\s，。；、：]+\.(pdf|docx?|xlsx?|ofd|png|jpe?g|zip)\b", re.I),  # file names (brackets allowed)
]
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)*(?![A-Za-z0-9])")


def english_in(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    return sorted({m.group(0) for m in IDENTIFIER.finditer(text) if len(m.group(0)) > 1})


def visible_text(page) -> str:
    """The page's text with every collapsed section opened, option texts and field help included."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.inner_text("body") + "\n" + "\n".join(page.locator("option").all_text_contents())


def chinese_names(world) -> None:
    """The test world's users are named by their user names; give them the names a deployment would."""
    from engine.db import get_engine
    from engine.models import User

    names = {"clerk": "李经办", "clerk2": "王经办", "head": "赵负责", "head2": "钱负责", "secrecy": "孙保密",
             "legal": "周法制", "supervisor": "吴主管", "other_clerk": "郑经办", "other_head": "冯负责"}
    with Session(get_engine()) as s:
        for username, uid in world.users.items():
            user = s.get(User, uid)
            user.display_name = names[username]
            s.add(user)
        s.commit()


def cases_in_every_state(world) -> list[int]:
    from tests.workflow.test_happy_paths import OUTCOME_DETAILS

    made = []
    made.append(world.register())  # registered
    correction = world.register()
    world.fire("clerk", correction, "start_review")
    world.fire("clerk", correction, "request_correction", {"items": ["请写明文件名称"]})
    made.append(correction)
    consulting = world.register()
    world.fire("clerk", consulting, "start_review")
    world.fire("clerk", consulting, "accept")
    world.fire("clerk", consulting, "start_consultation", {"kind": "third_party", "party": "某公司",
                                                            "party_received_on": "2026-03-03"})
    made.append(consulting)
    fee = world.register()
    world.fire("clerk", fee, "start_review")
    world.fire("clerk", fee, "accept")
    world.fire("clerk", fee, "propose_fee", {"method": "per_volume", "pages": 250})
    made.append(fee)
    for outcome in ("partial", "needs_creation"):
        case = world.register()
        world.fire("clerk", case, "start_review")
        world.fire("clerk", case, "accept")
        world.fire("clerk", case, "decide", {"outcome": outcome, "details": OUTCOME_DETAILS[outcome]})
        made.append(case)  # secrecy review, reply drafting
    replied = world.register()
    world.fire("clerk", replied, "start_review")
    world.fire("clerk", replied, "accept")
    world.fire("clerk", replied, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]})
    world.fire("head", replied, "sign_off", today="2026-03-04")
    made.append(replied)
    withdrawn = world.register()
    world.fire("clerk", withdrawn, "withdraw", {"withdrawn_on": "2026-03-03"})
    made.append(withdrawn)
    return made


PAGES = ["/", "/?scope=all", "/applications/new", "/approvals", "/alerts", "/reports", "/reports?kind=audit",
         "/account/logins"]


def test_no_ascii_identifiers_on_any_page_for_any_role(server, browser):  # noqa: F811
    base, world = server
    chinese_names(world)
    cases = cases_in_every_state(world)
    found: dict[str, list[str]] = {}
    for user in ("clerk", "head", "secrecy", "legal", "supervisor"):
        page = login(browser, base, user)
        for url in PAGES + [f"/applications/{c}" for c in cases]:
            page.goto(f"{base}{url}")
            hits = english_in(visible_text(page))
            if hits:
                found[f"{user} {url}"] = hits
        page.context.close()
    assert found == {}


def test_no_ascii_identifiers_in_error_answers(server, browser):  # noqa: F811
    base, world = server
    chinese_names(world)
    app_id = world.register()
    world.fire("clerk", app_id, "start_review")
    world.fire("clerk", app_id, "accept")
    page = login(browser, base, "clerk")
    found: dict[str, list[str]] = {}

    def scan(what: str) -> None:
        hits = english_in(visible_text(page))
        if hits:
            found[what] = hits

    for url in ("/applications/abc", "/applications/99999", "/nothing-here", "/applications/1/nothing"):
        page.goto(f"{base}{url}")
        scan(url)
    bad_forms = {
        "request_extension": {"days": "99", "reason": ""},
        "decide": {"outcome": "withhold", "ground": "", "d_reasons": ""},
        "amend_registration": {"phone": "12", "email": "x@", "postcode": "abc", "received_on": "2030-01-01",
                               "reason": "核对"},
        "start_consultation": {"kind": "third_party", "party": "", "party_received_on": "2030-01-01"},
        "propose_fee": {"method": "per_volume", "pages": "-3"},
        "withdraw": {"withdrawn_on": "yesterday"},
        "split": {"parts": "只有一项"},
        "sign_off": {},
    }
    for event, fields in bad_forms.items():
        page.goto(f"{base}/applications/{app_id}")
        csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
        version = page.locator("input[name=version]").first.input_value()
        # post as the form would (also events the page does not offer now: their refusal is read too)
        with page.expect_navigation():
            page.evaluate("""([url, fields]) => {
            const f = document.createElement('form'); f.method = 'post'; f.action = url;
            for (const [k, v] of Object.entries(fields)) {
                const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }
            document.body.appendChild(f); f.submit(); }""",
                          [f"/applications/{app_id}/events/{event}", {"csrf": csrf, "version": version, **fields}])
        assert page.locator(".flash.bad, .error").count() > 0, event
        scan(event)
    page.goto(f"{base}/applications/new")
    page.fill("#a_name", "王" * 300)
    page.fill("#a_id_number", "123")
    page.fill("#a_email", "not-an-email")
    page.fill("#request_text", "请公开文件")
    page.fill("#fact_date", "2026-03-09")
    with page.expect_navigation():
        page.click("form[action='/applications/new'] button[type=submit]")
    scan("register")
    assert found == {}
