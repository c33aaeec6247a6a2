"""The applicants' portal over HTTP: the guide, applying online (idempotent, the registration's own
checks), receipt by confirmation (条例 art 31(三)), progress by tracking number and query code (no
enumeration, rate-limited), letter verification."""

from __future__ import annotations

import uuid

import pytest

from tests.workflow.world import APPLICANT

ONLINE = {
    "agency_code": "DEMO",
    "applicant": {**APPLICANT, "email": "zhangsan@example.cn"},
    "request_text": "请公开2025年本局行政许可事项办理情况统计",
    "form_wanted": "electronic",
    "delivery_wanted": "online",
}


def key() -> str:
    return uuid.uuid4().hex


def apply(api, body=None, k=None, **headers):
    return api.client.post("/api/v1/public/applications", json=body or ONLINE,
                           headers={"Idempotency-Key": k or key(), **headers})


def follow(api, number, code):
    return api.client.get(f"/api/v1/public/applications/{number}", params={"code": code})


# -- 1. 申请指南 -----------------------------------------------------------------------------------------


def test_the_platform_lists_its_agencies_and_each_guide_is_public(api):
    agencies = api.client.get("/api/v1/public/agencies").json()
    assert {"code": "DEMO", "name": "示例市交通运输局"} in agencies and {a["code"] for a in agencies} >= {"GOV", "OTHER"}
    g = api.client.get("/api/v1/public/agencies/DEMO/guide").json()
    sections = {s["key"]: s["text"] for s in g["sections"]}
    assert sections["review_body"] == "示例市人民政府" and sections["court"] == "示例市某区人民法院"
    assert "二十九条" in sections["materials"] and g["updated_at"] is None
    assert api.client.get("/api/v1/public/agencies/NOPE/guide").status_code == 404


def test_the_agency_admin_edits_the_guide_and_it_is_logged(api):
    body = {"how_to": "请通过本平台在线申请。", "review_body": "示例市人民政府（示例市人民路2号）"}
    r = api.client.put("/api/v1/guides/DEMO", json=body, headers=api.headers("admin"))
    assert r.status_code == 200, r.text
    shown = {s["key"]: s["text"] for s in api.client.get("/api/v1/public/agencies/DEMO/guide").json()["sections"]}
    assert shown["how_to"] == "请通过本平台在线申请。" and shown["review_body"].endswith("路2号）")
    log = api.get("platform", "/api/v1/admin/audit", params={"action": "guide_update"}).json()
    assert log["items"][0]["target"] == "DEMO"


@pytest.mark.parametrize("who", ["clerk", "other_admin", None])
def test_only_the_agency_admin_edits_its_guide(api, who):
    r = api.client.put("/api/v1/guides/DEMO", json={"how_to": "x"}, headers=api.headers(who))
    assert r.status_code in (401, 403, 404)
    assert api.client.put("/api/v1/guides/DEMO", json={"how_to": "x" * 4001},
                          headers=api.headers("admin")).status_code == 422


# -- 2. online application -----------------------------------------------------------------------------


def test_applying_online_gives_a_tracking_number_and_a_query_code(api):
    r = apply(api)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["tracking_number"].startswith("W2026") and len(body["query_code"]) == 10
    assert body["agency_name"] == "示例市交通运输局" and r.headers["cache-control"] == "no-store"
    p = follow(api, body["tracking_number"], body["query_code"]).json()
    assert p["stage"] == "pending" and "等待工作人员确认" in p["state_label"] and p["received_date"] is None


def test_a_retry_or_double_click_never_makes_two(api):
    k = key()
    first, again = apply(api, k=k), apply(api, k=k)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert first.json()["tracking_number"] == again.json()["tracking_number"]
    assert first.json()["query_code"] == again.json()["query_code"]
    assert len(api.get("clerk", "/api/v1/online-submissions").json()) == 1
    other = apply(api, {**ONLINE, "request_text": "另一件事"}, k=k)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]


@pytest.mark.parametrize("k", [None, "short", "x" * 129, "x" * 15])
def test_the_idempotency_key_is_required_and_bounded(api, k):
    r = api.client.post("/api/v1/public/applications", json=ONLINE,
                        headers={"Idempotency-Key": k} if k else {})
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]


@pytest.mark.parametrize("change, field, words", [
    ({"applicant": {**APPLICANT, "id_number": "110101199003091235"}}, "applicant.id_number", "校验位"),
    ({"applicant": {**APPLICANT, "phone": "123"}}, "applicant.phone", "电话"),
    ({"applicant": {**APPLICANT, "kind": "legal"}}, "applicant.subtype", "类别"),
    ({"applicant": {k: v for k, v in APPLICANT.items() if k not in ("phone", "address")}}, "applicant.phone", "联系方式"),
    ({"request_text": ""}, "request_text", "所需信息"),
    ({"form_wanted": "scroll"}, "form_wanted", "获取信息的形式"),
    ({"delivery_wanted": "pigeon"}, "delivery_wanted", "获取信息的途径"),
    ({"agency_code": "NOPE"}, None, "机关不存在"),
    ({"channel": "online"}, "channel", ""),
])
def test_the_registration_checks_refuse_bad_online_applications_in_chinese(api, change, field, words):
    """条例 art 29: the same contents and checks as a clerk's registration, nothing stored on a refusal."""
    r = apply(api, {**ONLINE, **change})
    assert r.status_code in (404, 422), r.text
    problem = r.json()
    assert words in problem["detail"]
    if field:
        assert problem.get("field") == field or field in str(problem.get("errors"))
    assert api.get("clerk", "/api/v1/online-submissions").json() == []


def test_submissions_per_address_are_capped(api, monkeypatch):
    from engine.portal import limits

    monkeypatch.setattr(limits, "SUBMISSIONS_PER_HOUR", 2)
    assert apply(api).status_code == 201 and apply(api).status_code == 201
    r = apply(api)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "提交申请过于频繁" in r.json()["detail"]


# -- 3. receipt by confirmation -------------------------------------------------------------------------


def pending_id(api, who="clerk"):
    return api.get(who, "/api/v1/online-submissions").json()[0]["id"]


def test_the_clerk_confirms_and_the_confirmation_day_is_the_receipt_date(api):
    """条例 art 31(三): an application over the internet is received on the day both sides confirm it."""
    sent = apply(api).json()
    row = api.get("clerk", "/api/v1/online-submissions").json()[0]
    assert row["applicant"]["id_number"] == "110***********1234" and row["applicant"]["phone"] == "138****8000"
    r = api.post("clerk", f"/api/v1/online-submissions/{row['id']}/confirm", {})
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["received_date"] == "2026-03-10" and done["number"].startswith("DEMO-2026-")
    detail = api.get("clerk", f"/api/v1/applications/{done['application_id']}").json()
    assert detail["channel"] == "online" and detail["channel_facts"]["online_submission"] == sent["tracking_number"]
    assert detail["due_date"] == "2026-04-08"
    again = api.post("clerk", f"/api/v1/online-submissions/{row['id']}/confirm", {})
    assert again.status_code == 404 or again.status_code == 409
    assert api.get("clerk", "/api/v1/online-submissions").json() == []
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["stage"] == "confirmed" and p["received_date"] == "2026-03-10" and p["due_date"] == "2026-04-08"
    assert p["state_label"] == "已收到申请，等待审核"


def test_a_confirmation_date_in_the_future_or_before_the_submission_is_refused(api):
    apply(api)
    sid = pending_id(api)
    assert api.post("clerk", f"/api/v1/online-submissions/{sid}/confirm", {"confirmed_on": "2026-03-11"}).status_code == 422
    assert api.post("clerk", f"/api/v1/online-submissions/{sid}/confirm", {"confirmed_on": "2026-03-09"}).status_code == 422
    assert api.get("clerk", "/api/v1/online-submissions").json()[0]["id"] == sid


def test_not_a_disclosure_application_is_answered_and_logged(api):
    sent = apply(api).json()
    sid = pending_id(api)
    r = api.post("clerk", f"/api/v1/online-submissions/{sid}/not-application",
                 {"kind": "petition", "message": "您反映的问题属于信访事项，请向示例市信访局提出。"})
    assert r.status_code == 200, r.text
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["stage"] == "not_application" and p["answer"]["kind_label"] == "信访事项"
    assert "信访局" in p["answer"]["message"]
    log = api.get("platform", "/api/v1/admin/audit", params={"action": "online_not_application"}).json()
    assert log["items"][0]["target"] == sent["tracking_number"]
    assert api.post("clerk", f"/api/v1/online-submissions/{sid}/confirm", {}).status_code == 409
    bad = api.post("clerk", f"/api/v1/online-submissions/{sid}/not-application", {"kind": "x", "message": ""})
    assert bad.status_code == 422


@pytest.mark.parametrize("who", ["other_clerk", "head", None])
def test_another_agency_or_role_cannot_see_or_confirm(api, who):
    apply(api)
    sid = pending_id(api)
    listed = api.get(who, "/api/v1/online-submissions")
    assert listed.status_code in (401, 403) or listed.json() == []
    r = api.post(who, f"/api/v1/online-submissions/{sid}/confirm", {})
    assert r.status_code in (401, 403, 404)
    assert api.get("clerk", "/api/v1/online-submissions").json()[0]["id"] == sid


# -- 4. progress --------------------------------------------------------------------------------------


def test_a_wrong_code_is_answered_exactly_as_an_unknown_number(api):
    sent = apply(api).json()
    wrong = follow(api, sent["tracking_number"], "AAAAAAAAAA")
    unknown = follow(api, "W20260310000000", sent["query_code"])
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda r: {k: v for k, v in r.json().items() if k not in ("request_id", "instance")}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert follow(api, sent["tracking_number"], sent["query_code"].lower()).status_code == 200


def test_failed_lookups_slow_the_address_down(api, monkeypatch):
    from engine.portal import limits

    monkeypatch.setattr(limits, "FAILURES_PER_WINDOW", 3)
    sent = apply(api).json()
    for _ in range(3):
        assert follow(api, sent["tracking_number"], "WRONGWRONG").status_code == 404
    r = follow(api, sent["tracking_number"], sent["query_code"])
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_progress_shows_the_pause_and_the_letters_but_no_personal_data(api):
    sent = apply(api).json()
    sid = pending_id(api)
    app_id = api.post("clerk", f"/api/v1/online-submissions/{sid}/confirm", {}).json()["application_id"]
    api.event("clerk", app_id, "start_review")
    letters = api.event("clerk", app_id, "request_correction", {"items": ["请写明文件名称"]}).json()["letters"]
    issued = api.post("clerk", f"/api/v1/letters/{letters[0]['id']}/issue")
    assert issued.status_code == 200, issued.text
    p = follow(api, sent["tracking_number"], sent["query_code"])
    text = p.text
    body = p.json()
    assert body["letters"][0]["title"] == "补正告知书" and body["letters"][0]["number"]
    assert "补正" in body["state_label"] and body["paused"] and "第三十条" in body["paused_reason"]
    assert body["due_date"] is None
    assert APPLICANT["id_number"] not in text and APPLICANT["phone"] not in text and APPLICANT["name"] not in text


# -- 7. letter verification -------------------------------------------------------------------------


def issued_letter(api):
    app = api.register()
    api.event("clerk", app["id"], "start_review")
    letters = api.event("clerk", app["id"], "request_correction", {"items": ["请写明文件名称"]}).json()["letters"]
    api.post("clerk", f"/api/v1/letters/{letters[0]['id']}/issue")
    from engine.models import Letter
    from sqlmodel import Session

    with Session(api.world.engine) as s:
        letter = s.get(Letter, letters[0]["id"])
        return letter.id, letter.number, letter.data["verify_code"], letter.pdf_sha256


def test_an_issued_letter_verifies_as_genuine_then_voided(api):
    letter_id, number, code, sha = issued_letter(api)
    assert len(code) == 9 and code[4] == "-"
    r = api.client.get("/api/v1/public/letters/verify", params={"number": number, "code": code.lower()}).json()
    assert r["result"] == "genuine" and r["pdf_sha256"] == sha and r["issued_on"] == "2026-03-10"
    assert r["letter_type"] == "补正告知书" and APPLICANT["name"] not in str(r)
    assert api.post("head", f"/api/v1/letters/{letter_id}/void", {"reason": "地址写错"}).status_code == 200
    r = api.client.get("/api/v1/public/letters/verify", params={"number": number, "code": code}).json()
    assert r["result"] == "voided" and r["voided_on"]


@pytest.mark.parametrize("params", [{"number": "DEMO公开告〔2026〕1号", "code": "AAAA-BBBB"},
                                    {"number": "没有这个文号", "code": "AAAA-BBBB"}])
def test_a_wrong_code_or_number_is_unknown(api, params):
    issued_letter(api)
    r = api.client.get("/api/v1/public/letters/verify", params=params)
    assert r.status_code == 200 and r.json()["result"] == "unknown" and r.json()["pdf_sha256"] is None


def test_verification_refuses_missing_or_oversized_input(api):
    assert api.client.get("/api/v1/public/letters/verify", params={"number": "x"}).status_code == 422
    assert api.client.get("/api/v1/public/letters/verify", params={"number": "x" * 65, "code": "A"}).status_code == 422


# -- 5. electronic service ----------------------------------------------------------------------------


def confirmed_with_notice(api, delivery="online"):
    sent = apply(api, {**ONLINE, "delivery_wanted": delivery}).json()
    app_id = api.post("clerk", f"/api/v1/online-submissions/{pending_id(api)}/confirm", {}).json()["application_id"]
    api.event("clerk", app_id, "start_review")
    letters = api.event("clerk", app_id, "request_correction", {"items": ["请写明文件名称"]}).json()["letters"]
    api.post("clerk", f"/api/v1/letters/{letters[0]['id']}/issue")
    return sent, app_id, letters[0]["id"]


def download(api, sent, letter_id, code=None):
    return api.client.get(f"/api/v1/public/applications/{sent['tracking_number']}/letters/{letter_id}.pdf",
                          params={"code": code or sent["query_code"]})


def test_the_first_download_is_the_electronic_service_and_starts_the_correction_period(api):
    """条例 art 30 with electronic service: the correction period runs from the notice's service, which is
    the applicant's first download when the applicant chose to receive online."""
    sent, app_id, letter_id = confirmed_with_notice(api)
    r = download(api, sent, letter_id)
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and "attachment" in r.headers["content-disposition"]
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    (service,) = detail["service_records"]
    assert service["method"] == "online" and service["served_on"] == "2026-03-10" and "首次下载" in service["proof"]
    assert service["recorded_by_id"] is None
    from engine.models import Application
    from sqlmodel import Session

    with Session(api.world.engine) as s:
        assert s.get(Application, app_id).correction_notice_served_on.isoformat() == "2026-03-10"
    assert download(api, sent, letter_id).status_code == 200
    assert len(api.get("clerk", f"/api/v1/applications/{app_id}").json()["service_records"]) == 1


def test_a_download_by_post_wanted_records_no_service(api):
    sent, app_id, letter_id = confirmed_with_notice(api, delivery="post")
    assert download(api, sent, letter_id).status_code == 200
    assert api.get("clerk", f"/api/v1/applications/{app_id}").json()["service_records"] == []


def test_a_wrong_code_or_another_cases_letter_downloads_nothing(api):
    sent, app_id, letter_id = confirmed_with_notice(api)
    assert download(api, sent, letter_id, code="WRONGWRONG").status_code == 404
    other = api.register()
    api.event("clerk", other["id"], "start_review")
    foreign = api.event("clerk", other["id"], "request_correction", {"items": ["请写明"]}).json()["letters"][0]["id"]
    api.post("clerk", f"/api/v1/letters/{foreign}/issue")
    assert download(api, sent, foreign).status_code == 404
    assert api.get("clerk", f"/api/v1/applications/{app_id}").json()["service_records"] == []


# -- 6. answering a correction online ---------------------------------------------------------------


def correct(api, sent, text="请公开2025年本局道路运输行政许可事项办理情况统计表", k=None, code=None):
    return api.client.post(f"/api/v1/public/applications/{sent['tracking_number']}/correction",
                           json={"code": code or sent["query_code"], "corrected_text": text},
                           headers={"Idempotency-Key": k or key()})


def test_a_correction_sent_online_is_received_when_the_clerk_confirms_it(api):
    """条例 art 30, 31(三): the corrected application is received on the confirmation day; the answer
    clock starts again from it."""
    sent, app_id, _ = confirmed_with_notice(api)
    k = key()
    r = correct(api, sent, k=k)
    assert r.status_code == 201, r.text
    assert correct(api, sent, k=k).json()["tracking_number"] == r.json()["tracking_number"]  # a retry
    assert correct(api, sent).status_code == 409  # one waiting correction at a time
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["correction_pending"] and not p["may_correct"] and "补正" in p["state_label"]
    (row,) = api.get("clerk", "/api/v1/online-submissions").json()
    assert row["kind"] == "correction" and row["application_id"] == app_id
    not_app = api.post("clerk", f"/api/v1/online-submissions/{row['id']}/not-application",
                       {"kind": "petition", "message": "x"})
    assert not_app.status_code == 409
    done = api.post("clerk", f"/api/v1/online-submissions/{row['id']}/confirm", {})
    assert done.status_code == 201, done.text
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    assert detail["status"] == "reviewing" and "统计表" in detail["request_text"]
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["state_label"] == "正在审核申请" and not p["correction_pending"] and p["due_date"] == "2026-04-08"


def test_no_correction_when_none_is_asked_or_with_a_wrong_code(api):
    sent = apply(api).json()
    assert correct(api, sent).status_code == 409  # pending: nothing to correct
    api.post("clerk", f"/api/v1/online-submissions/{pending_id(api)}/confirm", {})
    assert correct(api, sent).status_code == 409  # registered, no correction asked
    assert correct(api, sent, code="WRONGWRONG").status_code == 404
    assert correct(api, sent, text="").status_code == 422
    assert correct(api, sent, text="长" * 20001).status_code == 422


# -- 8. notifications -----------------------------------------------------------------------------


def test_the_applicant_is_mailed_on_receipt_and_confirmation_never_with_the_code(api):
    from sqlmodel import Session, select

    from engine.models import Delivery

    sent = apply(api).json()
    api.post("clerk", f"/api/v1/online-submissions/{pending_id(api)}/confirm", {})
    with Session(api.world.engine) as s:
        mails = s.exec(select(Delivery).where(Delivery.target == "zhangsan@example.cn").order_by(Delivery.id)).all()
    assert [m.key for m in mails] == [f"portal:{sent['tracking_number']}:received",
                                      f"portal:{sent['tracking_number']}:confirmed"]
    assert "2026-04-08" in mails[1].body and all(m.channel == "email" and m.status == "pending" for m in mails)
    for m in mails:
        assert sent["query_code"] not in m.body and APPLICANT["id_number"] not in m.body


def test_no_mail_without_an_address(api):
    from sqlmodel import Session, func, select

    from engine.models import Delivery

    apply(api, {**ONLINE, "applicant": dict(APPLICANT)})
    with Session(api.world.engine) as s:
        assert s.exec(select(func.count()).select_from(Delivery)).one() == 0


def withdraw(api, sent, k=None, code=None):
    return api.client.post(f"/api/v1/public/applications/{sent['tracking_number']}/withdrawal",
                           json={"code": code or sent["query_code"], "reason": "已从其他渠道获得"},
                           headers={"Idempotency-Key": k or key()})


def test_withdrawing_online_ends_the_case_when_the_clerk_confirms(api):
    sent = apply(api).json()
    assert withdraw(api, sent).status_code == 409  # not yet an application
    app_id = api.post("clerk", f"/api/v1/online-submissions/{pending_id(api)}/confirm", {}).json()["application_id"]
    assert withdraw(api, sent, code="WRONGWRONG").status_code == 404
    assert withdraw(api, sent).status_code == 201
    assert withdraw(api, sent).status_code == 409  # one at a time
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["withdrawal_pending"] and not p["may_withdraw"]
    (row,) = api.get("clerk", "/api/v1/online-submissions").json()
    assert row["kind"] == "withdrawal" and row["request_text"] == "已从其他渠道获得"
    assert api.post("clerk", f"/api/v1/online-submissions/{row['id']}/confirm", {}).status_code == 201
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    assert detail["status"] == "closed" and detail["outcome"] == "withdrawn"
    p = follow(api, sent["tracking_number"], sent["query_code"]).json()
    assert p["state_label"] == "申请已撤回" and not p["may_withdraw"]
