"""Reviews that mean something, over HTTP: an edit after the secrecy review sends the case back to it;
a legal send-back blocks sign-off until the draft is amended and approved again."""

from .test_applications_api import OUTCOMES


def _decided(api, outcome: str) -> tuple[int, int]:
    app = api.register()
    for event in ("start_review", "accept"):
        api.event("clerk", app["id"], event)
    detail = api.event("clerk", app["id"], "decide", {"outcome": outcome, "details": OUTCOMES[outcome]}).json()
    draft = next(x for x in detail["letters"] if x["type"] == "reply" and x["status"] == "draft")
    return app["id"], draft["id"]


def test_an_edit_after_the_secrecy_review_sends_the_case_back_to_it_over_http(api):
    app_id, draft = _decided(api, "provide")
    assert api.event("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"}).json()["status"] == "reply_drafting"
    r = api.client.patch(f"/api/v1/letters/{draft}", json={"details": {"attachments": ["统计表.pdf", "台账.xlsx"]}},
                         headers=api.headers("clerk"))
    assert r.status_code == 200, r.text
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 409 and "保密审查中" in r.json()["detail"]
    trail = api.get("clerk", f"/api/v1/applications/{app_id}").json()["events"]
    assert any(e["name"] == "edit_letter" and e["to"] == "secrecy_review" for e in trail)
    # another agency's clerk cannot touch the draft at all
    r = api.client.patch(f"/api/v1/letters/{draft}", json={"request_summary": "x"}, headers=api.headers("other_clerk"))
    assert r.status_code == 404
    assert api.event("secrecy", app_id, "pass_secrecy_review").status_code == 200
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 200 and r.json()["status"] == "replied"


def test_a_legal_send_back_must_be_answered_before_sign_off_over_http(api):
    app_id, draft = _decided(api, "needs_creation")
    assert api.event("legal", app_id, "legal_review", {"approve": False, "comments": "理由不充分"}).status_code == 200
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 409 and "法制审核已退回修改（意见：理由不充分）" in r.json()["detail"]
    clerk = {a["event"]: a for a in api.get("clerk", f"/api/v1/applications/{app_id}/actions").json()}
    assert clerk["edit_letter"]["allowed"] and "退回修改" in clerk["edit_letter"]["note"]
    assert clerk["decide"]["allowed"]
    head = {a["event"]: a for a in api.get("head", f"/api/v1/applications/{app_id}/actions").json()}
    assert not head["sign_off"]["allowed"] and "退回修改" in head["sign_off"]["reason"]
    assert api.event("other_head", app_id, "sign_off").status_code == 404
    r = api.client.patch(f"/api/v1/letters/{draft}", json={"details": {"reasons": "需对多个系统的记录汇总分析"}},
                         headers=api.headers("clerk"))
    assert r.status_code == 200, r.text
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 409 and "重新通过" in r.json()["detail"]
    assert api.event("legal", app_id, "legal_review", {"approve": True}).status_code == 200
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 200 and r.json()["status"] == "replied"


def test_the_workbench_offers_the_clerk_the_amendment_after_a_legal_send_back(api):
    """The amend form (edit_letter) is listed with the send-back's comments, and submitting it amends the
    draft: sign-off then waits for the legal reviewer's new approval."""
    from api.web.session import csrf_for

    app_id, draft = _decided(api, "needs_creation")
    api.event("legal", app_id, "legal_review", {"approve": False, "comments": "理由不充分"})
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    page = api.client.get(f"/applications/{app_id}")
    assert page.status_code == 200
    assert f'action="/applications/{app_id}/events/edit_letter"' in page.text and "理由不充分" in page.text
    version = api.get("clerk", f"/api/v1/applications/{app_id}").json()["version"]
    r = api.client.post(f"/applications/{app_id}/events/edit_letter", follow_redirects=False,
                        data={"csrf": csrf_for(api.tokens["clerk"]), "version": str(version), "letter_id": str(draft),
                              "d_reasons": "需对多个系统的记录汇总分析", "request_summary": ""})
    assert r.status_code == 303 and "bad=" not in r.headers["location"], r.headers["location"]
    letter = api.get("clerk", f"/api/v1/letters/{draft}").json()
    assert letter["data"]["decision"]["details"]["reasons"] == "需对多个系统的记录汇总分析"
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 409 and "重新通过" in r.json()["detail"]
