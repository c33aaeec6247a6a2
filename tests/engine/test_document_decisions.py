"""The document events and the decisions that use documents, in memory (no database, no blob store)."""

from __future__ import annotations

import pytest

from engine.change import NewId
from engine.documents.intake import Received
from engine.errors import Forbidden, InputError, Refused
from engine.models import Document, Letter
from engine.services import closing, decision, documents
from engine.validation import parse

from .test_decisions_in_memory import CLERK, act, actor, case

SECRECY = actor(3, "secrecy_reviewer")


def received(kind: str = "to_disclose", name: str = "统计表.pdf") -> Received:
    return Received(kind, name, "a" * 64, 1234, "application/pdf", "pdf", 2, "not_scanned")


def doc(id_: int, kind: str = "to_disclose", status: str = "active", name: str | None = None) -> Document:
    return Document(id=id_, application_id=7, agency_id=1, kind=kind, filename=name or f"文件{id_}.pdf",
                    media_type="application/pdf", size=10, sha256=f"{id_:064x}", status=status)


def test_add_document_records_the_stored_file_and_who_added_it():
    c = case()
    change = documents.add_document(c, documents.AddDocumentIn(upload=documents.Upload(received())), act(CLERK, "clerk"))
    (row,) = change.new
    assert (row.kind, row.filename, row.sha256, row.size, row.pages, row.added_by_id) == (
        "to_disclose", "统计表.pdf", "a" * 64, 1234, 2, 1)
    assert change.app == {} and not change.flags


def test_a_json_body_is_not_an_upload():
    with pytest.raises(InputError, match="上传接口"):
        parse(documents.AddDocumentIn, {"upload": {"sha256": "a" * 64, "kind": "other"}})


def test_a_role_that_may_not_open_identity_proofs_may_not_add_one():
    """身份证明 are personal data: only roles that check identity handle them."""
    with pytest.raises(Forbidden, match="身份证明"):
        documents.may_handle("identity_proof", "secrecy_reviewer")
    documents.may_handle("identity_proof", "clerk")


def test_an_archived_case_file_is_closed_art_45():
    with pytest.raises(Refused, match="已归档"):
        documents.case_file_open(case("archived"), act(CLERK, "clerk"))


def test_decide_picks_released_documents_and_derives_the_attachment_list():
    c = case()
    c.records["documents"] = [doc(1, name="统计表.pdf"), doc(2, "redacted", name="区分处理后.pdf"), doc(3, "application")]
    details = {"provision_form": "电子文档", "provision_method": "电子邮件", "provision_channel": "邮箱",
               "provision_time": "随答复书提供"}
    change = decision.decide(c, decision.DecideIn(outcome="provide", details=details, documents=[1, 2]), act(CLERK, "clerk"))
    assert change.app["outcome_details"]["documents"] == [1, 2]
    assert change.app["outcome_details"]["attachments"] == ["统计表.pdf", "区分处理后.pdf"]
    with pytest.raises(InputError, match="不是拟公开信息"):
        decision.decide(c, decision.DecideIn(outcome="provide", details=details, documents=[3]), act(CLERK, "clerk"))
    with pytest.raises(InputError, match="不能另行填写"):
        decision.decide(c, decision.DecideIn(outcome="provide", details={**details, "attachments": ["x.pdf"]},
                                             documents=[1]), act(CLERK, "clerk"))
    c.records["documents"][0].status = "withdrawn"
    with pytest.raises(InputError, match="已被替换或撤回"):
        decision.decide(c, decision.DecideIn(outcome="provide", details=details, documents=[1]), act(CLERK, "clerk"))


def _reviewed(status: str = "reply_drafting"):
    c = case(status, outcome="provide", legal_review="approved",
             outcome_details={"documents": [1, 2], "attachments": ["文件1.pdf", "文件2.pdf"]})
    c.records["documents"] = [doc(1), doc(2)]
    c.records["letters"] = [Letter(id=5, application_id=7, agency_id=1, type="reply", outcome="provide", status="draft",
                                   data={"request_summary": "摘要"}, drafted_by_id=1)]
    return c


def test_withdrawing_a_picked_document_after_the_secrecy_review_sends_the_case_back_art_17():
    c = _reviewed()
    change = documents.withdraw_document(c, documents.WithdrawDocumentIn(document_id=1, reason="含个人信息"),
                                         act(CLERK, "clerk"))
    assert change.flags == {"secrecy_review_voided": True}
    assert change.app["outcome_details"] == {"documents": [2], "attachments": ["文件2.pdf"]}
    assert change.app["legal_review"] is None
    assert [(r.id, f["status"]) for r, f in change.updates] == [(1, "withdrawn"), (5, "void")]
    (redraft,) = change.letters
    assert redraft.type == "reply" and redraft.extra == {"request_summary": "摘要"}


def test_replacing_a_picked_document_names_the_new_version():
    c = _reviewed()
    change = documents.replace_document(c, documents.ReplaceDocumentIn(document_id=2, upload=documents.Upload(received()),
                                                                       reason="修订"), act(CLERK, "clerk"))
    (new,) = change.new
    assert new.replaces_id == 2
    docs = change.app["outcome_details"]["documents"]
    assert docs[0] == 1 and isinstance(docs[1], NewId) and docs[1].record is new
    assert change.app["outcome_details"]["attachments"] == ["文件1.pdf", "统计表.pdf"]
    assert change.flags == {"secrecy_review_voided": True}


def test_a_document_not_picked_changes_no_review():
    c = _reviewed()
    c.records["documents"].append(doc(3, "correction"))
    change = documents.withdraw_document(c, documents.WithdrawDocumentIn(document_id=3, reason="误传"), act(CLERK, "clerk"))
    assert change.app == {} and not change.flags and not change.letters


def test_before_the_review_a_change_stays_in_the_review_and_after_the_reply_it_is_refused():
    change = documents.withdraw_document(_reviewed("secrecy_review"),
                                         documents.WithdrawDocumentIn(document_id=1, reason="x"), act(CLERK, "clerk"))
    assert not change.flags  # the reviewer has not decided yet: sees the list as changed
    with pytest.raises(Refused, match="答复已作出"):
        documents.withdraw_document(_reviewed("replied"), documents.WithdrawDocumentIn(document_id=1, reason="x"),
                                    act(CLERK, "clerk"))


def test_the_secrecy_review_records_the_documents_it_passed():
    c = _reviewed("secrecy_review")
    c.app.decided_by_id = 1
    change = decision.pass_secrecy_review(c, decision.ReviewNotesIn(notes="不涉密"), act(SECRECY, "secrecy_reviewer"))
    assert change.notes["documents"] == [{"id": 1, "filename": "文件1.pdf", "sha256": f"{1:064x}"},
                                         {"id": 2, "filename": "文件2.pdf", "sha256": f"{2:064x}"}]


def test_service_proof_must_be_a_service_proof_document_of_the_case():
    c = case()
    c.records["documents"] = [doc(1, "service_proof"), doc(2, "other"), doc(3, "service_proof", "withdrawn")]
    closing.proof_document(c, 1)
    closing.proof_document(c, None)
    with pytest.raises(InputError, match="不是送达凭证"):
        closing.proof_document(c, 2)
    with pytest.raises(InputError, match="已被替换或撤回"):
        closing.proof_document(c, 3)
    with pytest.raises(InputError, match="没有编号为 9"):
        closing.proof_document(c, 9)
