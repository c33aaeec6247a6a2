"""The portal's pages over HTTP (no JavaScript): apply with a plain form, see the tracking number and
query code once, follow the case, verify a letter; the clerk's 网上申请待确认 page in the workbench."""

from __future__ import annotations

import re

import pytest

from tests.workflow.world import APPLICANT

from .conftest import api  # noqa: F401

FORM = {"applicant.kind": "natural", "applicant.name": APPLICANT["name"], "applicant.id_type": "resident_id",
        "applicant.id_number": APPLICANT["id_number"], "applicant.phone": APPLICANT["phone"],
        "applicant.email": "", "applicant.address": APPLICANT["address"], "applicant.postcode": "",
        "applicant.subtype": "", "request_text": "请公开2025年本局行政许可事项办理情况统计", "purpose": "",
        "form_wanted": "electronic", "delivery_wanted": "online"}


def form_key(page: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', page).group(1)


def codes(page: str) -> tuple[str, str]:
    number = re.search(r'data-testid="tracking-number">([^<]+)<', page).group(1)
    code = re.search(r'data-testid="query-code">([^<]+)<', page).group(1)
    return number, code


def submit(api, **changes):  # noqa: F811
    key = form_key(api.client.get("/portal/DEMO/apply").text)
    return api.client.post("/portal/DEMO/apply", data={**FORM, "key": key, **changes}), key


def test_the_home_page_lists_the_agencies_and_has_a_strict_csp(api):  # noqa: F811
    r = api.client.get("/portal")
    assert r.status_code == 200 and "示例市交通运输局" in r.text and 'href="/portal/DEMO/apply"' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp and "<script" not in r.text
    assert 'name="viewport"' in r.text


def test_the_guide_page_shows_each_section(api):  # noqa: F811
    r = api.client.get("/portal/DEMO")
    assert "申请指南" in r.text and "行政复议机关" in r.text and "示例市人民政府" in r.text
    assert api.client.get("/portal/NOPE").status_code == 404


def test_applying_by_form_shows_the_codes_once_and_a_double_click_makes_one(api):  # noqa: F811
    r, key = submit(api)
    assert r.status_code == 200 and "申请已提交" in r.text and r.headers["cache-control"] == "no-store"
    number, code = codes(r.text)
    again = api.client.post("/portal/DEMO/apply", data={**FORM, "key": key})
    assert codes(again.text) == (number, code)
    assert len(api.get("clerk", "/api/v1/online-submissions").json()) == 1


def test_a_bad_form_is_shown_again_with_the_chinese_reason_and_what_was_typed(api):  # noqa: F811
    r, _ = submit(api, **{"applicant.id_number": "110101199003091235"})
    assert r.status_code == 422 and "校验位不符" in r.text and 'aria-invalid="true"' in r.text
    assert "请公开2025年本局行政许可事项办理情况统计" in r.text
    r, _ = submit(api, **{"applicant.phone": "", "applicant.address": ""})
    assert r.status_code == 422 and "至少一种联系方式" in r.text
    assert api.get("clerk", "/api/v1/online-submissions").json() == []


def test_following_by_form_and_a_wrong_code(api):  # noqa: F811
    number, code = codes(submit(api)[0].text)
    r = api.client.post("/portal/track", data={"number": number, "code": code})
    assert r.status_code == 200 and "等待工作人员确认收到" in r.text and APPLICANT["id_number"] not in r.text
    bad = api.client.post("/portal/track", data={"number": number, "code": "WRONGWRONG"})
    unknown = api.client.post("/portal/track", data={"number": "W20000101000000", "code": "WRONGWRONG"})
    assert bad.status_code == unknown.status_code == 404 and "未查询到该申请" in bad.text
    assert api.client.post("/portal/track", data={}).status_code == 422


@pytest.mark.parametrize("url", ["/portal/verify?number=" + "长" * 500 + "&code=x", "/portal/verify?number=x",
                                 "/portal/%00/apply", "/portal/" + "A" * 300])
def test_no_server_error_on_odd_addresses(api, url):  # noqa: F811
    assert api.client.get(url).status_code < 500


def test_the_clerk_confirms_in_the_workbench(api):  # noqa: F811
    from api.web.session import csrf_for

    number, code = codes(submit(api)[0].text)
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    page = api.client.get("/online-intake")
    assert page.status_code == 200 and number in page.text and "110***********1234" in page.text
    assert APPLICANT["id_number"] not in page.text
    sid = api.get("clerk", "/api/v1/online-submissions").json()[0]["id"]
    forged = api.client.post(f"/online-intake/{sid}/confirm", data={"csrf": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    r = api.client.post(f"/online-intake/{sid}/confirm", data={"csrf": csrf_for(api.tokens["clerk"]),
                                                              "confirmed_on": ""}, follow_redirects=False)
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    api.client.cookies.clear()
    shown = api.client.post("/portal/track", data={"number": number, "code": code}).text
    from engine.case import local_today

    assert "已收到申请，等待审核" in shown and local_today().isoformat() in shown  # the pages' day is the real one


def test_a_head_has_no_intake_page(api):  # noqa: F811
    api.client.cookies.set("ogi_session", api.tokens["head"])
    assert api.client.get("/online-intake").status_code == 403
