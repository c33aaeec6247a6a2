"""Applications over HTTP: auth, scenarios to archive with letters downloaded, concurrency, isolation."""

import pytest

from .conftest import TODAY

OUTCOMES = {
    "provide": {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "邮箱",
                "provision_time": "随答复书提供", "attachments": ["统计表.pdf"]},
    "already_public": {"where": "门户网站", "how": "检索"},
    "partial": {"provided": "统计表", "ground": "third_party", "reasons": "含商业秘密", "attachments": ["表.pdf"]},
    "withhold": {"ground": "state_secret", "reasons": "属于国家秘密"},
    "not_exist": {"search_places": "档案室", "keywords": "统计", "searched_by": "李四", "searched_on": "2026-03-05"},
    "not_our_agency": {"reasons": "由市场监管局制作", "responsible_agency": "示例市市场监督管理局"},
    "needs_creation": {"reasons": "需加工分析"},
    "petition": {"proper_channel": "信访局"},
    "publication": {"where_to_obtain": "图书馆"},
    "confirm_or_reissue": {"reasons": "要求确认真实性"},
    "special_procedure": {"law": "《档案法》", "procedure": "向档案馆申请"},
}


def test_login_me_logout(api, isolated_settings):
    from engine.db import get_engine
    from engine.passwords import hash_password
    from sqlmodel import Session

    from engine.models import User

    with Session(get_engine()) as s:
        user = s.get(User, api.world.users["clerk"])
        user.password_hash = hash_password("correct-horse-1")
        s.add(user)
        s.commit()
    bad = api.client.post("/api/v1/auth/login", json={"username": "clerk", "password": "wrong"})
    assert bad.status_code == 401 and bad.json()["detail"] == "用户名或密码不正确"
    r = api.client.post("/api/v1/auth/login", json={"username": "clerk", "password": "correct-horse-1"})
    assert r.status_code == 200
    token = r.json()["token"]
    me = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "clerk" and me["roles"][0]["role_label"] == "经办人"
    assert api.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_failed_logins_are_rate_limited(api):
    for _ in range(3):
        assert api.client.post("/api/v1/auth/login", json={"username": "head", "password": "x"}).status_code == 401
    r = api.client.post("/api/v1/auth/login", json={"username": "head", "password": "x"})
    assert r.status_code == 429 and "秒后再试" in r.json()["detail"] and r.headers["Retry-After"] == "1"


def test_anonymous_is_401(api):
    r = api.client.get("/api/v1/applications")
    assert r.status_code == 401 and r.json()["detail"] == "请先登录"


@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_outcome_from_registration_to_archive(api, outcome):
    app = api.register()
    assert app["number"] == "DEMO-2026-00001" and app["due_date"] == "2026-03-30" and app["signals"]["month_count"] == 1
    app_id = app["id"]
    for event in ("start_review", "accept"):
        assert api.event("clerk", app_id, event).status_code == 200
    r = api.event("clerk", app_id, "decide", {"outcome": outcome, "details": OUTCOMES[outcome]})
    assert r.status_code == 200, r.text
    if r.json()["status"] == "secrecy_review":
        assert api.event("secrecy", app_id, "pass_secrecy_review").status_code == 200
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["status"] == "replied" and detail["replied_on_time"] is True
    reply = next(x for x in detail["letters"] if x["type"] == "reply" and x["status"] == "issued")
    pdf = api.get("clerk", f"/api/v1/letters/{reply['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["x-content-sha256"] == reply["pdf_sha256"]
    r = api.event("clerk", app_id, "record_service", {"letter_id": reply["id"], "method": "post",
                                                       "served_on": "2026-03-10", "tracking_number": "EMS123"})
    assert r.status_code == 200, r.text
    r = api.event("clerk", app_id, "archive")
    assert r.status_code == 200 and r.json()["status"] == "archived"
    trail = api.get("legal", f"/api/v1/applications/{app_id}").json()["events"]
    assert [e["name"] for e in trail][-3:] == ["sign_off", "record_service", "archive"]
    assert all(e["words"] for e in trail)
    audit = api.get("legal", f"/api/v1/applications/{app_id}/audit").json()
    assert not [f for f in audit if f["severity"] == "blocking" and not f["ok"]]


def test_detail_etag_if_match_and_conflict(api):
    app = api.register()
    r = api.get("clerk", f"/api/v1/applications/{app['id']}?explain=true")
    assert r.headers["etag"] == f'"{app["id"]}-1"'
    assert r.json()["clock"]["explanation"][0]["note"].startswith("第0日")
    ok = api.event("clerk", app["id"], "start_review", headers={"If-Match": r.headers["etag"]})
    assert ok.status_code == 200 and ok.headers["etag"] == f'"{app["id"]}-2"'
    stale = api.event("clerk2", app["id"], "accept", headers={"If-Match": r.headers["etag"]})
    assert stale.status_code == 409
    body = stale.json()
    assert "已被他人修改" in body["detail"] and body["current"]["status"] == "reviewing" and body["current"]["version"] == 2
    assert api.event("clerk", app["id"], "accept", headers={"If-Match": "garbage"}).status_code == 422


def test_actions_list_with_reasons(api):
    app = api.register()
    actions = {a["event"]: a for a in api.get("clerk", f"/api/v1/applications/{app['id']}/actions").json()}
    assert actions["start_review"]["allowed"] and not actions["sign_off"]["allowed"]
    assert "工作机构负责人" in actions["sign_off"]["reason"]


def test_list_filters_and_masking(api):
    a = api.register(channel_facts={"mail_received": "2026-02-02"})  # overdue by 3/10
    b = api.register(request_text="请公开公交线路调整方案")
    api.event("clerk", b["id"], "start_review")
    listing = api.get("clerk", "/api/v1/applications").json()
    assert listing["total"] == 2 and [x["id"] for x in listing["items"]] == [a["id"], b["id"]]  # due-date order
    assert api.get("clerk", "/api/v1/applications?overdue=true").json()["items"][0]["id"] == a["id"]
    assert api.get("clerk", "/api/v1/applications?status=reviewing").json()["total"] == 1
    assert api.get("clerk", "/api/v1/applications?text=公交").json()["total"] == 1
    assert api.get("clerk", "/api/v1/applications?due_within=15").json()["total"] == 1
    assert api.get("clerk", "/api/v1/applications?status=flying").status_code == 422
    detail = api.get("clerk", f"/api/v1/applications/{a['id']}").json()
    assert detail["applicant"]["id_number"] == "110***********1234"
    assert "110101199003091234" not in api.get("clerk", "/api/v1/applications").text
    r = api.post("clerk", f"/api/v1/applicants/{detail['applicant']['id']}/reveal", {"reason": "核对身份"})
    assert r.status_code == 200 and r.json()["id_number"] == "110101199003091234"


def test_other_agency_cannot_read_or_act(api):
    app = api.register()
    for url in (f"/api/v1/applications/{app['id']}", f"/api/v1/applications/{app['id']}/actions",
                f"/api/v1/applications/{app['id']}/audit"):
        assert api.get("other_clerk", url).status_code == 404
    assert api.event("other_clerk", app["id"], "start_review").status_code == 404
    assert api.get("other_clerk", "/api/v1/applications").json()["total"] == 0
    assert api.get("supervisor", f"/api/v1/applications/{app['id']}").status_code == 200  # competent department reads
    assert api.event("supervisor", app["id"], "start_review").status_code == 403  # …but does not act


def test_supervisor_approves_fees_over_http(api):
    app = api.register()
    api.event("clerk", app["id"], "start_review")
    api.event("clerk", app["id"], "accept")
    assert api.event("clerk", app["id"], "propose_fee", {"method": "per_volume", "pages": 250}).status_code == 200
    assert api.event("head", app["id"], "approve_fee").status_code == 403
    r = api.event("supervisor", app["id"], "approve_fee")
    assert r.status_code == 200 and r.json()["status"] == "awaiting_payment"
    fee_notice = next(x for x in r.json()["letters"] if x["type"] == "fee_notice")
    prev = api.get("clerk", f"/api/v1/letters/{fee_notice['id']}/preview?format=pdf")
    assert prev.status_code == 200 and prev.content.startswith(b"%PDF")
    html = api.get("clerk", f"/api/v1/letters/{fee_notice['id']}/preview").text
    assert "草稿" in html and "4700元" in html
    issued = api.post("clerk", f"/api/v1/letters/{fee_notice['id']}/issue")
    assert issued.status_code == 200 and issued.json()["number"] == "DEMO公开告〔2026〕1号"
    assert api.get("clerk", "/api/v1/fees/quote?method=per_volume&pages=250").json()["amount"] == 4700
    assert api.get("clerk", "/api/v1/fees/quote?method=per_item&position=45").json()["amount"] == 300
    assert api.get("clerk", "/api/v1/fees/quote?method=per_volume&pages=0").status_code == 422


def test_void_and_reissue_over_http(api):
    app = api.register()
    for event in ("start_review", "accept"):
        api.event("clerk", app["id"], event)
    api.event("clerk", app["id"], "decide", {"outcome": "needs_creation", "details": {"reasons": "需加工"}})
    reply = next(x for x in api.event("head", app["id"], "sign_off").json()["letters"] if x["type"] == "reply")
    assert api.post("clerk", f"/api/v1/letters/{reply['id']}/void", {"reason": "x"}).status_code == 403
    r = api.post("head", f"/api/v1/letters/{reply['id']}/void", {"reason": "日期有误"})
    assert r.status_code == 200 and r.json()["status"] == "void"
    new = api.post("clerk", f"/api/v1/letters/{reply['id']}/reissue")
    assert new.status_code == 200
    detail = api.get("clerk", f"/api/v1/applications/{app['id']}").json()
    draft = next(x for x in detail["letters"] if x["status"] == "draft")
    # The answer is the new draft, not the voided letter it replaces.
    assert new.json() == {**draft, "replaces": reply["id"]}
    assert new.json()["id"] != reply["id"] and new.json()["status"] == "draft" and new.json()["number"] is None
    issued = api.post("head", f"/api/v1/letters/{draft['id']}/issue")
    assert issued.status_code == 200 and issued.json()["number"] == "DEMO公开〔2026〕2号"
    letter = api.get("legal", f"/api/v1/letters/{draft['id']}").json()
    assert letter["audit"] and all(f["ok"] for f in letter["audit"] if f["severity"] == "blocking")
    assert TODAY.year == 2026


def test_nobody_approves_their_own_proposal_over_http(api):
    """Separation of duties on a reply draft: a head who edited the draft cannot sign it (409, the
    refusal names the rule); an edit after the legal approval needs a fresh approval; another
    agency's head cannot even see the application."""
    from sqlmodel import Session

    from engine import admin
    from engine.db import get_engine
    from engine.models import Agency, User

    with Session(get_engine()) as s:
        admin.grant(s, s.get(User, api.world.users["clerk2"]), s.get(Agency, api.world.agency_id), "head")
        s.commit()
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", json={"settings": {"legal_review_required": True}},
                         headers=api.headers("admin"))
    assert r.status_code == 200
    app = api.register()
    for event in ("start_review", "accept"):
        api.event("clerk", app["id"], event)
    detail = api.event("clerk", app["id"], "decide", {"outcome": "needs_creation", "details": {"reasons": "需加工"}}).json()
    draft = next(x for x in detail["letters"] if x["type"] == "reply")
    assert api.event("legal", app["id"], "legal_review", {"approve": True}).status_code == 200
    r = api.client.patch(f"/api/v1/letters/{draft['id']}", json={"request_summary": "改后的摘要"},
                         headers=api.headers("clerk2"))
    assert r.status_code == 200, r.text
    r = api.event("head", app["id"], "sign_off")
    assert r.status_code == 409 and "答复书修改后须重新审核" in r.json()["detail"]
    assert api.event("legal", app["id"], "legal_review", {"approve": True}).status_code == 200
    r = api.event("clerk2", app["id"], "sign_off")
    assert r.status_code == 409 and "不得审批自己拟办的事项" in r.json()["detail"]
    assert api.event("other_head", app["id"], "sign_off").status_code == 404
    r = api.event("head", app["id"], "sign_off")
    assert r.status_code == 200 and r.json()["status"] == "replied"
