"""The document events through the engine on SQLite and PostgreSQL: the rows, the audit trail, the
review a changed released document voids (条例 art 17), and ``ogi check`` clean afterwards."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from engine.documents.intake import receive
from engine.models import AgencySettings, Document
from engine.services.documents import Upload
from tests.documents import builders as b

from .test_happy_paths import to_handling
from .test_reviews_invalidated import PROVIDE, checks_clean
from .world import build_world


@pytest.fixture
def w(db, registry, isolated_settings):
    return build_world(db, registry)


def upload(data: bytes, kind: str, name: str) -> dict:
    return {"upload": Upload(receive(io.BytesIO(data), name, kind, AgencySettings()))}


def test_documents_added_picked_reviewed_and_replaced(w):
    app_id = w.register()
    to_handling(w, app_id)
    w.fire("clerk", app_id, "add_document", upload(b.scanned_pdf(), "to_disclose", "统计表.pdf"))
    w.fire("clerk", app_id, "add_document", upload(b.image_bytes("JPEG"), "identity_proof", "身份证.jpg"))
    with w.session() as s:
        docs = s.exec(select(Document).where(Document.application_id == app_id).order_by(Document.id)).all()
    table = docs[0]
    assert table.added_by_id == w.users["clerk"] and table.pages == 1 and table.status == "active"
    details = {k: v for k, v in PROVIDE.items() if k != "attachments"}
    w.fire("clerk", app_id, "decide", {"outcome": "provide", "details": details, "documents": [table.id]})
    w.fire("secrecy", app_id, "pass_secrecy_review", {"notes": "不涉密"})
    assert w.app(app_id).status == "reply_drafting"
    w.fire("clerk", app_id, "replace_document", {**upload(b.scanned_pdf(2), "to_disclose", "统计表（修订）.pdf"),
                                                 "document_id": table.id, "reason": "补充数据"})
    app = w.app(app_id)
    assert app.status == "secrecy_review"
    with w.session() as s:
        new = s.exec(select(Document).where(Document.replaces_id == table.id)).one()
        assert s.get(Document, table.id).status == "replaced"
    assert app.outcome_details["documents"] == [new.id]
    assert app.outcome_details["attachments"] == ["统计表（修订）.pdf"]
    trail = w.events(app_id)
    assert [e.name for e in trail][-1] == "replace_document" and trail[-1].to_state == "secrecy_review"
    assert trail[-1].inputs["upload"]["sha256"] == new.sha256  # the audit trail names the bytes
    checks_clean(w)
