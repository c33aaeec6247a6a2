"""The case file over HTTP (电子案卷): upload every kind, list, download verified, replace, withdraw; every
refusal answered with its Chinese reason and nothing stored; identity proofs (personal data) only for the
roles that check identities, each opening logged; another agency's user sees nothing."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import Session, select

from engine.db import get_engine
from engine.documents.kinds import KINDS
from engine.documents.storage import blob_store
from engine.models import AccessLog, Agency, Document
from tests.documents import builders as b

from .test_applications_api import OUTCOMES

def upload(api, who, app_id, data: bytes, kind: str, name: str = "文件.pdf"):
    return api.client.post(f"/api/v1/applications/{app_id}/documents", files={"file": (name, data)},
                           data={"kind": kind}, headers=api.headers(who))


def documents(api, who, app_id):
    r = api.get(who, f"/api/v1/applications/{app_id}/documents")
    assert r.status_code == 200, r.text
    return r.json()


def blobs() -> set[str]:
    return set(blob_store())


def rows() -> int:
    with Session(get_engine()) as s:
        return len(s.exec(select(Document)).all())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_uploaded_listed_and_downloaded_verified(api, kind):
    app = api.register()
    data = b.scanned_pdf()
    r = upload(api, "clerk", app["id"], data, kind, "申请表.pdf")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["sha256"] == hashlib.sha256(data).hexdigest() and doc["size"] == len(data)
    assert doc["kind"] == kind and doc["kind_label"] == KINDS[kind].label
    assert doc["media_type"] == "application/pdf" and doc["pages"] == 1 and doc["added_by"] == "clerk"
    assert doc["status"] == "active" and doc["scan_verdict"] == "not_scanned"
    listed = documents(api, "clerk", app["id"])
    assert [d["id"] for d in listed] == [doc["id"]]
    r = api.get("clerk", f"/api/v1/applications/{app['id']}/documents/{doc['id']}/content")
    assert r.status_code == 200 and r.content == data and r.headers["content-type"] == "application/pdf"
    trail = api.get("clerk", f"/api/v1/applications/{app['id']}").json()["events"]
    assert trail[-1]["name"] == "add_document"


def test_the_type_comes_from_the_content_not_the_name(api):
    app = api.register()
    r = upload(api, "clerk", app["id"], b.image_bytes("PNG"), "other", "看起来像.pdf")
    assert r.status_code == 201 and r.json()["media_type"] == "image/png"
    r = upload(api, "clerk", app["id"], b.xlsx_bytes(), "other", "表.bin")
    assert r.status_code == 201 and r.json()["media_type"].endswith("spreadsheetml.sheet")


def _refused(api, app_id, data, kind, status, words, who="clerk"):
    before_blobs, before_rows = blobs(), rows()
    r = upload(api, who, app_id, data, kind)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert words in r.json()["detail"]
    assert blobs() == before_blobs and rows() == before_rows  # nothing half-stored
    return r


def test_a_file_over_the_agencys_limit_is_refused_with_413_and_nothing_stored(api):
    app = api.register()
    with Session(get_engine()) as s:
        agency = s.get(Agency, api.world.agency_id)
        agency.settings = {**(agency.settings or {}), "document_max_mb": 1}
        s.add(agency)
        s.commit()
    _refused(api, app["id"], b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "other", 413, "大小上限 1 MB")


def test_a_type_the_agency_does_not_take_is_refused_with_415(api):
    app = api.register()
    _refused(api, app["id"], b"MZ\x90\x00 an executable" * 10, "other", 415, "无法识别文件类型")
    with Session(get_engine()) as s:
        agency = s.get(Agency, api.world.agency_id)
        agency.settings = {**(agency.settings or {}), "document_types": ["pdf"]}
        s.add(agency)
        s.commit()
    _refused(api, app["id"], b.image_bytes("PNG"), "other", 415, "本机关不接受PNG")


def test_an_encrypted_or_broken_pdf_is_refused_with_the_reason(api):
    app = api.register()
    _refused(api, app["id"], b.encrypted_pdf(), "to_disclose", 422, "PDF 文件已加密")
    _refused(api, app["id"], b"%PDF-1.7\n garbage without pages", "to_disclose", 422, "PDF 文件已损坏")
    _refused(api, app["id"], b"", "other", 422, "文件为空")


def test_an_unknown_kind_is_refused_naming_the_kinds(api):
    app = api.register()
    r = _refused(api, app["id"], b.scanned_pdf(), "secret_stuff", 422, "未知的文件类别")
    assert "to_disclose（拟公开信息）" in r.json()["detail"]


def test_another_agencys_user_can_neither_upload_nor_list_nor_download(api):
    app = api.register()
    doc = upload(api, "clerk", app["id"], b.scanned_pdf(), "application").json()
    _refused(api, app["id"], b.image_bytes("PNG"), "other", 404, "不存在", who="other_clerk")
    assert api.get("other_clerk", f"/api/v1/applications/{app['id']}/documents").status_code == 404
    r = api.get("other_head", f"/api/v1/applications/{app['id']}/documents/{doc['id']}/content")
    assert r.status_code == 404 and "不存在" in r.json()["detail"]
    # a document id of another case, asked through this one
    other = api.register()
    r = api.get("clerk", f"/api/v1/applications/{other['id']}/documents/{doc['id']}/content")
    assert r.status_code == 404


def test_identity_proofs_are_hidden_from_roles_that_do_not_check_identity_and_each_opening_is_logged(api):
    """身份证明 carries personal data: the secrecy reviewer and the supervisor see that it exists, not
    its name, hash or content; a role that cannot open it cannot upload one either; every opening is in
    the access log (个人信息保护法 art 51)."""
    app = api.register()
    _refused(api, app["id"], b.scanned_pdf(), "identity_proof", 403, "经办人", who="secrecy")
    doc = upload(api, "clerk", app["id"], b.image_bytes("JPEG"), "identity_proof", "身份证.jpg").json()
    hidden = documents(api, "secrecy", app["id"])[0]
    assert not hidden["visible"] and hidden["sha256"] is None and "身份证.jpg" not in hidden["filename"]
    assert documents(api, "supervisor", app["id"])[0]["sha256"] is None
    url = f"/api/v1/applications/{app['id']}/documents/{doc['id']}/content"
    for who in ("secrecy", "supervisor"):
        r = api.get(who, url)
        assert r.status_code == 403 and "身份证明" in r.json()["detail"]
    assert documents(api, "legal", app["id"])[0]["filename"] == "身份证.jpg"
    for who in ("clerk", "legal"):
        assert api.get(who, url).status_code == 200
    with Session(get_engine()) as s:
        log = s.exec(select(AccessLog).where(AccessLog.what == f"document:{doc['id']}")).all()
    assert sorted(x.user_id for x in log) == sorted([api.world.users["clerk"], api.world.users["legal"]])
    # other kinds are not logged
    other = upload(api, "clerk", app["id"], b.scanned_pdf(), "application").json()
    api.get("secrecy", f"/api/v1/applications/{app['id']}/documents/{other['id']}/content")
    with Session(get_engine()) as s:
        assert not s.exec(select(AccessLog).where(AccessLog.what == f"document:{other['id']}")).all()


def test_a_json_body_cannot_claim_a_stored_blob(api):
    """add_document takes a file only through the upload: naming a SHA-256 in a JSON body would hand out
    any stored file whose hash is known (content addressing)."""
    app = api.register()
    doc = upload(api, "clerk", app["id"], b.scanned_pdf(), "application").json()
    r = api.event("other_clerk", app["id"], "add_document", {"upload": {"sha256": doc["sha256"], "kind": "other"}})
    assert r.status_code == 404
    r = api.event("clerk", app["id"], "add_document", {"upload": {"sha256": doc["sha256"], "kind": "other"}})
    assert r.status_code == 422 and "上传接口" in r.json()["detail"]


def test_a_damaged_blob_is_refused_on_download(api):
    app = api.register()
    doc = upload(api, "clerk", app["id"], b.scanned_pdf(), "application").json()
    path = blob_store().path(doc["sha256"])
    path.chmod(0o640)
    path.write_bytes(b"tampered")
    r = api.get("clerk", f"/api/v1/applications/{app['id']}/documents/{doc['id']}/content")
    assert r.status_code == 500 and "SHA-256 不符" in r.json()["detail"]


def test_replace_and_withdraw_keep_the_old_document_marked(api):
    app = api.register()
    first = upload(api, "clerk", app["id"], b.scanned_pdf(), "correction", "补正.pdf").json()
    r = api.client.post(f"/api/v1/applications/{app['id']}/documents/{first['id']}/replace",
                        files={"file": ("补正（新）.png", b.image_bytes("PNG"))}, data={"reason": "原件不清晰"},
                        headers=api.headers("clerk"))
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["replaces_id"] == first["id"] and new["kind"] == "correction"
    r = api.event("clerk", app["id"], "withdraw_document", {"document_id": new["id"], "reason": "误传"})
    assert r.status_code == 200, r.text
    listed = {d["id"]: d for d in documents(api, "clerk", app["id"])}
    assert listed[first["id"]]["status"] == "replaced" and listed[first["id"]]["withdrawn_reason"] == "原件不清晰"
    assert listed[new["id"]]["status"] == "withdrawn" and listed[new["id"]]["status_label"] == "已撤回"
    r = api.event("clerk", app["id"], "withdraw_document", {"document_id": new["id"], "reason": "再撤"})
    assert r.status_code == 409 and "已被替换或撤回" in r.json()["detail"]
    r = api.event("clerk", app["id"], "withdraw_document", {"document_id": new["id"], "reason": "  "})
    assert r.status_code == 422
    names = [e["name"] for e in api.get("clerk", f"/api/v1/applications/{app['id']}").json()["events"]]
    assert names[-3:] == ["add_document", "replace_document", "withdraw_document"]


def _with_decision(api, outcome="provide", redacted: bool = False):
    app = api.register()
    for event in ("start_review", "accept"):
        assert api.event("clerk", app["id"], event).status_code == 200
    doc = upload(api, "clerk", app["id"], b.scanned_pdf(), "to_disclose", "统计表.pdf").json()
    ids = [doc["id"]]
    if redacted:
        ids.append(upload(api, "clerk", app["id"], b.image_bytes("PNG"), "redacted", "区分处理后.png").json()["id"])
    details = {k: v for k, v in OUTCOMES[outcome].items() if k != "attachments"}
    r = api.event("clerk", app["id"], "decide", {"outcome": outcome, "details": details, "documents": ids})
    assert r.status_code == 200, r.text
    return app["id"], doc


def test_a_releasing_decision_picks_the_documents_and_the_reply_lists_them(api):
    """条例第三十六条第（二）项: the information provided is the picked 拟公开信息; the reply's attachment list
    is derived from them; the secrecy review records exactly what it passed (names and SHA-256)."""
    app_id, doc = _with_decision(api)
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    assert detail["status"] == "secrecy_review"
    assert detail["outcome_details"]["documents"] == [doc["id"]]
    assert detail["outcome_details"]["attachments"] == ["统计表.pdf"]
    draft = next(x for x in detail["letters"] if x["type"] == "reply" and x["status"] == "draft")
    html = api.get("clerk", f"/api/v1/letters/{draft['id']}/preview")
    assert "统计表.pdf" in html.text
    assert documents(api, "secrecy", app_id)[0]["picked"]
    assert api.event("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"}).status_code == 200
    trail = api.get("clerk", f"/api/v1/applications/{app_id}").json()["events"]
    assert trail[-1]["changes"]["_related"]["documents"] == [
        {"id": doc["id"], "filename": "统计表.pdf", "sha256": doc["sha256"]}]


def test_a_decision_picks_only_active_released_documents_of_the_case(api):
    app = api.register()
    for event in ("start_review", "accept"):
        api.event("clerk", app["id"], event)
    own = upload(api, "clerk", app["id"], b.scanned_pdf(), "application").json()
    details = {k: v for k, v in OUTCOMES["provide"].items() if k != "attachments"}
    r = api.event("clerk", app["id"], "decide", {"outcome": "provide", "details": details, "documents": [own["id"]]})
    assert r.status_code == 422 and "不是拟公开信息或区分处理后信息" in r.json()["detail"]
    r = api.event("clerk", app["id"], "decide", {"outcome": "provide", "details": details, "documents": [999]})
    assert r.status_code == 422 and "没有编号为 999 的文件" in r.json()["detail"]
    r = api.event("clerk", app["id"], "decide", {"outcome": "withhold", "details": OUTCOMES["withhold"],
                                                 "documents": [own["id"]]})
    assert r.status_code == 422 and "不提供信息" in r.json()["detail"]
    assert rows() == 1


@pytest.mark.parametrize("change", ["replace", "withdraw"])
def test_changing_a_picked_document_after_the_secrecy_review_sends_the_case_back_and_clears_legal(api, change):
    """条例第十七条: the secrecy review covers the documents it saw; a new version, or one fewer, is
    reviewed again, and the legal approval no longer covers the reply."""
    app_id, doc = _with_decision(api, redacted=True)
    second = {"id": doc["id"] + 1}
    assert api.event("secrecy", app_id, "pass_secrecy_review").status_code == 200
    assert api.event("legal", app_id, "legal_review", {"approve": True}).status_code == 200
    if change == "replace":
        r = api.client.post(f"/api/v1/applications/{app_id}/documents/{doc['id']}/replace",
                            files={"file": ("统计表（修订）.pdf", b.scanned_pdf(2))}, headers=api.headers("clerk"))
        assert r.status_code == 201, r.text
        expected = [r.json()["id"], second["id"]]
        names = ["统计表（修订）.pdf", "区分处理后.png"]
    else:
        r = api.event("clerk", app_id, "withdraw_document", {"document_id": doc["id"], "reason": "含未脱敏内容"})
        assert r.status_code == 200, r.text
        expected, names = [second["id"]], ["区分处理后.png"]
    detail = api.get("clerk", f"/api/v1/applications/{app_id}").json()
    assert detail["status"] == "secrecy_review"
    assert detail["events"][-1]["changes"]["legal_review"] == ["approved", None]
    assert detail["outcome_details"]["documents"] == expected and detail["outcome_details"]["attachments"] == names
    drafts = [x for x in detail["letters"] if x["type"] == "reply" and x["status"] == "draft"]
    assert len(drafts) == 1
    assert detail["events"][-1]["to"] == "secrecy_review"
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 409
    # the last picked document cannot be withdrawn: the decision would release nothing
    assert api.event("secrecy", app_id, "pass_secrecy_review").status_code == 200
    if change == "withdraw":
        r = api.event("clerk", app_id, "withdraw_document", {"document_id": second["id"], "reason": "x"})
        assert r.status_code == 409 and "唯一文件" in r.json()["detail"]


def test_a_released_document_cannot_change_after_the_reply(api):
    app_id, doc = _with_decision(api)
    assert api.event("secrecy", app_id, "pass_secrecy_review").status_code == 200
    assert api.event("legal", app_id, "legal_review", {"approve": True}).status_code == 200
    r = api.event("head", app_id, "sign_off")
    assert r.status_code == 200, r.text
    r = api.event("clerk", app_id, "withdraw_document", {"document_id": doc["id"], "reason": "x"})
    assert r.status_code == 409 and "答复已作出" in r.json()["detail"]


def test_service_is_recorded_with_a_service_proof_document(api):
    """送达凭证 as a document: the service record names it; another kind is refused."""
    app_id, _ = _with_decision(api)
    api.event("secrecy", app_id, "pass_secrecy_review")
    api.event("legal", app_id, "legal_review", {"approve": True})
    detail = api.event("head", app_id, "sign_off").json()
    reply = next(x for x in detail["letters"] if x["type"] == "reply" and x["status"] == "issued")
    wrong = upload(api, "clerk", app_id, b.scanned_pdf(), "other").json()
    proof = upload(api, "clerk", app_id, b.image_bytes("JPEG"), "service_proof", "EMS回执.jpg").json()
    body = {"letter_id": reply["id"], "method": "post", "served_on": "2026-03-10", "tracking_number": "EMS1"}
    r = api.event("clerk", app_id, "record_service", {**body, "proof_document_id": wrong["id"]})
    assert r.status_code == 422 and "不是送达凭证" in r.json()["detail"]
    r = api.event("clerk", app_id, "record_service", {**body, "proof_document_id": proof["id"]})
    assert r.status_code == 200, r.text
    records = api.get("clerk", f"/api/v1/applications/{app_id}").json()["service_records"]
    assert records[-1]["proof_document_id"] == proof["id"]


def _web(api, who):
    from api.web.session import csrf_for

    api.client.cookies.set("ogi_session", api.tokens[who])
    return csrf_for(api.tokens[who])


def test_the_workbench_upload_form_stores_the_file_and_refuses_with_the_reason(api):
    app = api.register()
    csrf = _web(api, "clerk")
    page = api.client.get(f"/applications/{app['id']}")
    assert 'enctype="multipart/form-data"' in page.text and 'value="identity_proof"' in page.text
    r = api.client.post(f"/applications/{app['id']}/documents", data={"csrf": csrf, "kind": "application"},
                        files={"file": ("申请表.pdf", b.scanned_pdf())}, follow_redirects=False)
    assert r.status_code == 303 and "bad=" not in r.headers["location"] and r.headers["location"].endswith("#documents")
    before = blobs()
    r = api.client.post(f"/applications/{app['id']}/documents", data={"csrf": csrf, "kind": "application"},
                        files={"file": ("加密.pdf", b.encrypted_pdf())}, follow_redirects=False)
    assert r.status_code == 303 and "bad=" in r.headers["location"]
    assert "PDF 文件已加密" in api.client.get(r.headers["location"]).text
    assert blobs() == before
    r = api.client.post(f"/applications/{app['id']}/documents", data={"csrf": "stale", "kind": "application"},
                        files={"file": ("x.pdf", b.scanned_pdf())}, follow_redirects=False)
    assert r.status_code == 403
    assert [d["filename"] for d in documents(api, "clerk", app["id"])] == ["申请表.pdf"]


def test_the_workbench_refuses_another_agencys_user_and_hides_the_upload_from_reviewers(api):
    app = api.register()
    csrf = _web(api, "other_clerk")
    r = api.client.post(f"/applications/{app['id']}/documents", data={"csrf": csrf, "kind": "application"},
                        files={"file": ("x.pdf", b.scanned_pdf())}, follow_redirects=False)
    assert r.status_code == 303 and "bad=" in r.headers["location"] and rows() == 0
    _web(api, "secrecy")
    page = api.client.get(f"/applications/{app['id']}")
    assert page.status_code == 200 and "form class=\"upload\"" not in page.text


def test_the_service_form_prints_one_page_per_issued_letter(api):
    """送达回证: a printable A4 form for each issued letter, to be signed and uploaded as a 送达凭证."""
    app_id, _ = _with_decision(api)
    api.event("secrecy", app_id, "pass_secrecy_review")
    api.event("legal", app_id, "legal_review", {"approve": True})
    detail = api.event("head", app_id, "sign_off").json()
    reply = next(x for x in detail["letters"] if x["status"] == "issued")
    _web(api, "clerk")
    page = api.client.get(f"/applications/{app_id}/service-form?letter_id={reply['id']}")
    assert page.status_code == 200
    assert "送达回证" in page.text and "size: A4" in page.text and reply["number"] in page.text
    assert "受送达人" in page.text and "签名或盖章" in page.text
    assert f'href="/applications/{app_id}/service-form"' in api.client.get(f"/applications/{app_id}").text
    _web(api, "other_clerk")
    assert api.client.get(f"/applications/{app_id}/service-form").status_code == 404


def test_the_audit_trail_does_not_name_an_identity_proofs_file(api):
    """Every role of the case reads the audit trail; the identity proof's name stays on its row."""
    app = api.register()
    upload(api, "clerk", app["id"], b.image_bytes("JPEG"), "identity_proof", "张三身份证.jpg")
    detail = api.get("secrecy", f"/api/v1/applications/{app['id']}")
    assert detail.status_code == 200 and "张三身份证" not in detail.text
    assert "张三身份证.jpg" in api.get("clerk", f"/api/v1/applications/{app['id']}/documents").text
