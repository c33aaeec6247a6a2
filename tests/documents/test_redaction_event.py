"""The redact_document event (区分处理, 条例 art 37): the copy made from the original and the marks, kept as
a document of kind 区分处理后信息 with its marks and grounds, audited; refusals leave nothing recorded."""

from __future__ import annotations

import subprocess

import pytest
from sqlmodel import select

from engine import redacting, workflow
from engine.check import run_checks
from engine.documents.storage import blob_store
from engine.errors import DomainError, Forbidden, InputError, NotFound, Refused
from engine.models import Document, Event, Redaction
from engine.services.redaction import RedactedCopy
from tests.workflow.world import LETTERS, D, build_world

from . import builders as b
from .case_files import add_document

TODAY = "2026-03-03"
SECRET = "ZHANGSAN-110101199003091234"


@pytest.fixture
def w(db, registry, isolated_settings):
    return build_world(db, registry)


def handling_case(w) -> int:
    app_id = w.register()
    w.fire("clerk", app_id, "start_review", today=TODAY)
    w.fire("clerk", app_id, "accept", today=TODAY)
    return app_id


def original(w, app_id) -> Document:
    pdf = b.html_pdf(f"<p>申请人 {SECRET} 的材料</p><p>公开部分：道路养护计划</p>")
    return add_document(w.engine, app_id, pdf, user_id=w.users["clerk"])


def redact(w, who, app_id, doc_id, marks):
    with w.session() as s:
        return redacting.redact_document(s, w.actor(who), app_id, doc_id, marks, today=D(TODAY),
                                         registry=w.registry)


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_redaction_art37_copy_recorded_with_marks_and_grounds(w):
    app_id = handling_case(w)
    doc = original(w, app_id)
    marks = [{"text": SECRET, "ground": "third_party"},
             {"page": 1, "rect": [50, 50, 200, 80], "ground": "third_party"}]
    done = redact(w, "clerk", app_id, doc.id, marks)
    assert done.found == {SECRET: 1}
    copy = blob_store().get(done.sha256)
    assert SECRET not in pdftotext(copy) and "道路养护计划" not in pdftotext(copy)  # image-only
    with w.session() as s:
        new = s.get(Document, done.document_id)
        red = s.get(Redaction, done.redaction_id)
        assert (new.kind, new.sha256, new.media_type) == ("redacted", done.sha256, "application/pdf")
        assert new.filename == "拟公开（区分处理）.pdf"
        assert (red.original_id, red.redacted_id, red.marks) == (doc.id, new.id, marks)
        assert {box["source"] for box in red.boxes} == {"text", "area"}
        event = s.exec(select(Event).where(Event.application_id == app_id).order_by(Event.seq.desc())).first()
        assert event.name == "redact_document" and event.to_state == "handling"
        assert event.inputs["produced"]["sha256"] == done.sha256
        assert event.changes["_related"]["redaction"]["grounds"] == ["third_party"]
        assert run_checks(s, w.registry, D(TODAY)) == []


def test_redaction_refused_from_json_without_a_produced_copy(w):
    """The generic events route cannot pass off a blob as a redacted copy: the copy is an object."""
    app_id = handling_case(w)
    doc = original(w, app_id)
    marks = [{"text": "x", "ground": "third_party"}]
    for produced in (None, {"sha256": doc.sha256, "size": doc.size}):
        body = {"document_id": doc.id, "marks": marks} | ({"produced": produced} if produced else {})
        with pytest.raises(InputError):
            w.fire("clerk", app_id, "redact_document", body, today=TODAY)
    with w.session() as s:
        assert s.exec(select(Redaction)).all() == []


def test_redaction_copy_of_other_marks_refused(w):
    app_id = handling_case(w)
    doc = original(w, app_id)
    forged = RedactedCopy(original_sha256=doc.sha256, marks=[{"text": "A", "ground": "third_party"}],
                          sha256=doc.sha256, size=doc.size, media_type="application/pdf", pages=1, found={},
                          boxes=[], dpi=200)
    with pytest.raises(Refused):
        w.fire("clerk", app_id, "redact_document",
               {"document_id": doc.id, "marks": [{"text": "B", "ground": "third_party"}], "produced": forged},
               today=TODAY)


def test_redaction_text_not_found_refused_and_nothing_recorded(w):
    app_id = handling_case(w)
    doc = original(w, app_id)
    with pytest.raises(InputError, match="未找到"):
        redact(w, "clerk", app_id, doc.id, [{"text": "不存在的名字", "ground": "third_party"}])
    with w.session() as s:
        assert s.exec(select(Redaction)).all() == [] and len(s.exec(select(Document)).all()) == 1


@pytest.mark.parametrize("who, error", [("head", Forbidden), ("secrecy", Forbidden), ("other_clerk", NotFound)])
def test_redaction_only_by_the_agency_clerk(w, who, error):
    app_id = handling_case(w)
    doc = original(w, app_id)
    with pytest.raises(error):
        redact(w, who, app_id, doc.id, [{"page": 1, "rect": [0, 0, 10, 10], "ground": "third_party"}])


def test_redaction_refusals(w):
    app_id = handling_case(w)
    doc = original(w, app_id)
    area = [{"page": 1, "rect": [0, 0, 10, 10], "ground": "third_party"}]
    with pytest.raises(InputError, match="区分处理理由"):
        redact(w, "clerk", app_id, doc.id, [{"page": 1, "rect": [0, 0, 10, 10], "ground": "无理由"}])
    with pytest.raises(InputError, match="第9页"):
        redact(w, "clerk", app_id, doc.id, [{"page": 9, "rect": [0, 0, 10, 10], "ground": "third_party"}])
    with pytest.raises(InputError, match="没有编号"):
        redact(w, "clerk", app_id, 9999, area)
    office = add_document(w.engine, app_id, b.xlsx_bytes(), kind="other", filename="表.xlsx")
    with pytest.raises(InputError, match="只能对 PDF"):
        redact(w, "clerk", app_id, office.id, area)


def test_redaction_refused_before_acceptance_with_reason(w):
    app_id = w.register()
    add_document(w.engine, app_id, b.html_pdf("<p>x</p>"))
    with w.session() as s:
        with pytest.raises(DomainError, match="不能区分处理"):
            redacting.redact_document(s, w.actor("clerk"), app_id, 1, [{"text": "x", "ground": "third_party"}],
                                      today=D(TODAY), registry=w.registry)


def test_redaction_guard_without_documents(w):
    app_id = handling_case(w)
    with w.session() as s:
        with pytest.raises(Refused, match="还没有可以区分处理的文件"):
            workflow.fire(s, w.actor("clerk"), app_id, "redact_document", {"document_id": 1, "marks": []},
                          today=D(TODAY), registry=w.registry, letters=LETTERS)
