"""The case file (电子案卷) as a user sees it: the documents of an application, masked by kind, and
opening one — verified against its SHA-256, and logged when it carries personal data (identity proofs,
in the same access log as the applicant reveal).

Adding, replacing and withdrawing are events (``engine.services.documents``); this module only reads,
apart from the access log line of an identity proof.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, select

from .actors import Actor, pick_role
from .documents.kinds import KINDS, kind as document_kind, may_see
from .documents.filetypes import type_label
from .documents.storage import blob_store
from .errors import Forbidden, NotFound
from .models import AccessLog, Document, User
from .queries import get_visible
from .services.documents import DOCUMENT_ROLES, may_handle, picked_ids

STATUS_ZH = {"active": "有效", "withdrawn": "已撤回", "replaced": "已替换"}


def document_rows(session: Session, application_id: int) -> list[Document]:
    return list(session.exec(select(Document).where(Document.application_id == application_id)
                             .order_by(Document.id)).all())


def list_documents(session: Session, actor: Actor, application_id: int) -> list[dict]:
    """Every document of the case, withdrawn and replaced ones included (marked). A kind the user may not
    open (identity proofs for the secrecy reviewer and the supervisor) shows that it exists, not its name
    or hash."""
    app, agency = get_visible(session, actor, application_id)
    roles = actor.roles_in(agency)
    docs = document_rows(session, app.id)
    names = _user_names(session, {d.added_by_id for d in docs})
    picked = set(picked_ids(app))
    return [_item(d, may_see(d.kind, roles), names, picked) for d in docs]


def _item(d: Document, visible: bool, names: dict[int, str], picked: set[int]) -> dict:
    k = KINDS.get(d.kind)
    return {
        "id": d.id, "kind": d.kind, "kind_label": k.label if k else d.kind, "visible": visible,
        "filename": d.filename if visible else f"（{k.label if k else d.kind}，无权查看）",
        "media_type": d.media_type if visible else None, "type_label": type_label(d.media_type) if visible else "—", "size": d.size, "pages": d.pages,
        "sha256": d.sha256 if visible else None,
        "added_by": names.get(d.added_by_id, "系统") if d.added_by_id else "系统",
        "added_at": d.added_at, "status": d.status, "status_label": STATUS_ZH.get(d.status, d.status),
        "replaces_id": d.replaces_id, "withdrawn_reason": d.withdrawn_reason, "scan_verdict": d.scan_verdict,
        "released": bool(k and k.released), "picked": d.id in picked,
    }


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(ids))).all()}


def open_document(session: Session, actor: Actor, application_id: int, document_id: int) -> tuple[Document, Iterator[bytes]]:
    """The document and its bytes, verified before the first chunk (a damaged blob is refused whole).
    An identity proof is opened only by the roles that check identities, and each opening is logged."""
    app, agency = get_visible(session, actor, application_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != app.id:
        raise NotFound(f"本申请没有编号为 {document_id} 的文件")
    kind = document_kind(doc.kind)
    if not may_see(doc.kind, actor.roles_in(agency)):
        raise Forbidden(f"当前用户的角色不能查看“{kind.label}”类文件")
    chunks = blob_store().stream(doc.sha256)
    if kind.pii:
        session.add(AccessLog(user_id=actor.user_id, agency_id=agency.id, applicant_id=app.applicant_id,
                              application_id=app.id, what=f"document:{doc.id}"[:32], reason=f"查看{kind.label}文件"))
        session.commit()
    return doc, chunks


def check_upload(session: Session, actor: Actor, application_id: int, kind_key: str):
    """Before anything is stored: the case is visible, the kind exists and the user may add it (the event
    checks the same again; this keeps a refused upload from leaving even an unreferenced blob)."""
    app, agency = get_visible(session, actor, application_id)
    document_kind(kind_key)
    may_handle(kind_key, pick_role(actor, agency, DOCUMENT_ROLES, "添加文件"))
    return app, agency


def replaceable(session: Session, actor: Actor, application_id: int, document_id: int):
    """Before a replacement is stored: the document is this case's, still active, and the user may handle
    its kind (the event checks the same again)."""
    app, agency = get_visible(session, actor, application_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.application_id != app.id:
        raise NotFound(f"本申请没有编号为 {document_id} 的文件")
    may_handle(doc.kind, pick_role(actor, agency, DOCUMENT_ROLES, "替换文件"))
    return doc, agency


def kinds_to_add(session: Session, actor: Actor, application_id: int) -> list[tuple[str, str]]:
    """The kinds this user may add to the case (none when the user may add no document)."""
    _, agency = get_visible(session, actor, application_id)
    try:
        role = pick_role(actor, agency, DOCUMENT_ROLES, "添加文件")
    except Forbidden:
        return []
    return [(k.key, k.label) for k in KINDS.values() if may_see(k.key, {role})]
