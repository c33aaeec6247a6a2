"""Making a redacted copy (区分处理, 条例 art 37) for a case: check, render, store, then record.

Rendering a long PDF takes seconds, so it happens outside the event's transaction: the checks ``fire``
will make (role, state, guards, the original) run first, so a refused request produces nothing; then
the copy is rendered (``engine.documents.redaction``) and its blob written — before the event commits,
as every blob is — and ``redact_document`` is fired with it. Under the case's lock the decision checks
again that the original and the marks are those the copy was made from. A failure after the blob is
written leaves an unreferenced blob (harmless, content-addressed), never a row without its file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from calendars import CalendarRegistry

from .actors import Actor
from .calendar_registry import get_registry
from .case import local_today
from .case_repository import load_case
from .db import end_transaction
from .documents.redaction import DEFAULT_DPI, parse_marks, redact
from .documents.storage import BlobStore, blob_store
from .errors import InputError, NotFound
from .services.catalog import FIRED
from .services.redaction import RedactedCopy, redactable
from .workflow import FireResult, admit, fire

EVENT = "redact_document"


@dataclass
class Redone:
    document_id: int
    redaction_id: int
    sha256: str
    size: int
    media_type: str
    pages: int
    found: dict[str, int]
    result: FireResult


def redact_document(session: Session, actor: Actor, application_id: int, document_id: int, marks: list,
                    *, today: date | None = None, registry: CalendarRegistry | None = None,
                    store: BlobStore | None = None, expected_version: int | None = None) -> Redone:
    today = today or local_today()
    registry = registry or get_registry()
    case = load_case(session, application_id)
    if not actor.can_see(case.agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    act = admit(case, actor, FIRED[EVENT], today, registry)
    original = redactable(case, document_id, act.role)
    areas, texts = parse_marks(marks)
    end_transaction(session)  # nothing is held while the pages are rendered

    store = store or blob_store()
    copy = redact(store.get(original.sha256), original.media_type, areas, texts, DEFAULT_DPI)
    missing = [text for text, n in copy.found.items() if n == 0]
    if missing:
        raise InputError("以下文字在文件的文字层中未找到，未作处理：" + "、".join(f"“{t}”" for t in missing)
                         + "。扫描件没有文字层，请在页面上框选区域", field="marks")
    sha256 = store.put(copy.data)  # written before the event commits
    produced = RedactedCopy(original_sha256=original.sha256, marks=marks, sha256=sha256, size=len(copy.data),
                            media_type=copy.media_type, pages=copy.pages, found=copy.found, boxes=copy.boxes,
                            dpi=DEFAULT_DPI)
    result = fire(session, actor, application_id, EVENT, {"document_id": document_id, "marks": marks,
                                                          "produced": produced},
                  expected_version=expected_version, today=today, registry=registry)
    note = result.event.changes["_related"]["redaction"]
    return Redone(note["document_id"], note["id"], sha256, len(copy.data), copy.media_type, copy.pages,
                  copy.found, result)


def redactions_of(session: Session, actor: Actor, application_id: int) -> list:
    """The redactions of a case whose original this actor's roles may open (the secrecy reviewer's view)."""
    from sqlmodel import select

    from .documents.kinds import may_see
    from .models import Agency, Application, Document, Redaction

    app = session.get(Application, application_id)
    agency = session.get(Agency, app.agency_id) if app else None
    if agency is None or not actor.can_see(agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    roles = actor.roles_in(agency)
    rows = session.exec(select(Redaction, Document.kind).join(Document, Document.id == Redaction.original_id)
                        .where(Redaction.application_id == application_id).order_by(Redaction.id)).all()
    return [r for r, kind in rows if may_see(kind, roles)]
