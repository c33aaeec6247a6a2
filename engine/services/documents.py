"""Documents of a case file (电子案卷): adding, replacing and withdrawing one — record-only events.

The bytes are checked and stored first (``engine.documents.intake.receive``, called by the front end),
then the event records the row. The blob is therefore written before the event's transaction commits:
an event that is refused afterwards (a guard, a stale version) leaves an unreferenced blob behind, which
is harmless — content-addressed, never served without a row, and not an ``ogi check`` finding.

A file reaches these events only as an ``Upload``, which only ``intake.receive`` makes: a JSON body
cannot name a SHA-256 and so claim a blob another agency stored (content addressing would otherwise
hand out any file whose hash is known).

The released kinds (拟公开信息, 区分处理后信息) picked by a decision (``outcome_details["documents"]``) are
what the secrecy review passes: replacing or withdrawing one of them after the review sends the case
back to it and clears a legal approval (``duties.reply_changed``), like an edited reply draft.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import Field, field_validator
from pydantic_core import core_schema

from ..case import Act, Case
from ..change import Change, NewId
from ..documents.intake import Received
from ..documents.kinds import KINDS, kind as document_kind, may_see
from ..errors import Forbidden, InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models import Application, Document
from .duties import reply_changed

DOCUMENT_ROLES = frozenset({"clerk", "head"})
RELEASED_KINDS = tuple(k for k, v in KINDS.items() if v.released)
ANSWERED = ("replied", "closed", "archived")


class Upload:
    """A file as ``intake.receive`` checked and stored it. Not constructible from JSON (see the module)."""

    def __init__(self, received: Received) -> None:
        self.received = received

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _upload_only, serialization=core_schema.plain_serializer_function_ser_schema(lambda u: u.as_recorded()))

    def as_recorded(self) -> dict:
        """What the audit trail keeps of it (read by every role of the case: no identity proof's file name)."""
        return without_pii_name(asdict(self.received), self.received.kind)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict:
        return {"type": "object", "description": "上传的文件（multipart）"}


def _upload_only(value: Any) -> Upload:
    if not isinstance(value, Upload):
        raise ValueError("文件须通过上传接口提交（POST /api/v1/applications/{id}/documents，multipart）")
    return value


class AddDocumentIn(Inputs):
    upload: Upload = Field(title="文件")


class ReplaceDocumentIn(Inputs):
    document_id: int = Field(title="被替换的文件")
    upload: Upload = Field(title="新文件")
    reason: str = Field(default="", max_length=500, title="替换理由")


class WithdrawDocumentIn(Inputs):
    document_id: int = Field(title="文件")
    reason: str = Field(min_length=1, max_length=500, title="撤回理由")

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("“撤回理由”不能为空")
        return value.strip()


def case_file_open(case: Case, act: Act) -> None:
    """An archived case file is closed (归档, 条例 art 45): nothing is added, replaced or withdrawn."""
    if case.app.status == "archived":
        raise Refused("已归档的案卷不能再添加、替换或撤回文件")


def may_handle(kind_key: str, role: str) -> None:
    """Whoever adds or changes a document of a kind must be allowed to open that kind (identity proofs)."""
    if not may_see(kind_key, {role}):
        raise Forbidden(f"当前角色不能处理“{document_kind(kind_key).label}”类文件")


def new_row(case: Case, act: Act, received: Received, replaces: Document | None = None) -> Document:
    return Document(application_id=case.app.id, agency_id=case.agency.id, kind=received.kind,
                    filename=received.filename, media_type=received.media_type, size=received.size,
                    pages=received.pages, sha256=received.sha256, added_by_id=act.actor.user_id, added_at=act.now,
                    replaces_id=replaces.id if replaces else None, scan_verdict=received.scan_verdict)


def document_of(case: Case, document_id: int) -> Document:
    doc = case.document(document_id)
    if doc is None:
        raise InputError(f"本申请没有编号为 {document_id} 的文件", field="document_id")
    if doc.status != "active":
        raise Refused("该文件已被替换或撤回，不能再更改")
    return doc


def note(doc: Document | Received, doc_id: Any) -> dict:
    return without_pii_name({"id": doc_id, "kind": doc.kind, "filename": doc.filename, "sha256": doc.sha256,
                             "size": doc.size, "media_type": doc.media_type}, doc.kind)


def shown(kind_key: str, filename: str) -> str:
    kind = KINDS[kind_key]
    return kind.label if kind.pii else f"{kind.label}“{filename}”"


def without_pii_name(record: dict, kind_key: str) -> dict:
    """An identity proof's file name often is the applicant's name: kept on the row (shown to the roles
    that may see the kind), not in the audit trail every role of the case reads."""
    return {k: v for k, v in record.items() if k != "filename"} if KINDS[kind_key].pii else record


@declare("add_document", "添加文件", roles=DOCUMENT_ROLES, inputs=AddDocumentIn, record_only=True, listed=False,
         guards=[case_file_open])
def add_document(case: Case, data: AddDocumentIn, act: Act) -> Change:
    received = data.upload.received
    may_handle(received.kind, act.role)
    change = Change(reason=shown(received.kind, received.filename))  # the timeline's words
    new_id = change.add(new_row(case, act, received))
    change.note("document", note(received, new_id))
    return change


@declare("replace_document", "替换文件", roles=DOCUMENT_ROLES, inputs=ReplaceDocumentIn, record_only=True,
         listed=False, guards=[case_file_open],
         moves=[move("reply_drafting", "secrecy_review", when="secrecy_review_voided")])
def replace_document(case: Case, data: ReplaceDocumentIn, act: Act) -> Change:
    """The new version keeps the old one's kind; the old stays in the case file, marked replaced."""
    old = document_of(case, data.document_id)
    received = data.upload.received
    may_handle(old.kind, act.role)
    if received.kind != old.kind:
        raise InputError(f"替换文件须为同一类别（{document_kind(old.kind).label}）", field="kind")
    change = Change(reason=data.reason)
    change.set(old, status="replaced", withdrawn_reason=data.reason)
    new_id = change.add(new_row(case, act, received, replaces=old))
    released_changed(case, act, change, old, new_id, received.filename)
    change.note("document", {**note(received, new_id), "replaces": old.id})
    return change


@declare("withdraw_document", "撤回文件", roles=DOCUMENT_ROLES, inputs=WithdrawDocumentIn, record_only=True,
         listed=False, guards=[case_file_open],
         form=[FormField("document_id", "number"), FormField("reason", "textarea")],
         example={"document_id": 1, "reason": "误传"},
         moves=[move("reply_drafting", "secrecy_review", when="secrecy_review_voided")])
def withdraw_document(case: Case, data: WithdrawDocumentIn, act: Act) -> Change:
    """A withdrawn document stays in the case file, marked, with the reason."""
    doc = document_of(case, data.document_id)
    may_handle(doc.kind, act.role)
    change = Change(reason=data.reason).set(doc, status="withdrawn", withdrawn_reason=data.reason)
    released_changed(case, act, change, doc, None, None)
    change.note("document", {**note(doc, doc.id), "withdrawn": True})
    return change


def picked_documents(case: Case) -> list[int]:
    return picked_ids(case.app)


def picked_ids(app: Application) -> list[int]:
    """The documents the current decision releases (拟公开信息 / 区分处理后信息 picked by ``decide``)."""
    return [int(x) for x in (app.outcome_details or {}).get("documents", [])]


def released_changed(case: Case, act: Act, change: Change, old: Document, new_id: NewId | None,
                     new_name: str | None) -> None:
    """A document the decision releases was replaced (``new_id``) or withdrawn (None): the decision
    now names the new version (or no longer this one), its reply draft is drafted again, the legal
    approval is cleared and — after the secrecy review — the case goes back to it (条例 art 17)."""
    picked = picked_documents(case)
    if old.id not in picked:
        return
    if case.app.status in ANSWERED:
        raise Refused("答复已作出，拟公开的文件不能再替换或撤回：变更公开的内容须重新答复（条例第十七条）")
    docs = [new_id if x == old.id else x for x in picked] if new_id is not None else [x for x in picked if x != old.id]
    if not docs:
        raise Refused("这是答复决定拟公开的唯一文件：请先变更答复决定，或上传替换文件")
    names = {d.id: d.filename for d in case.documents()}
    attachments = [new_name if x is new_id else names.get(x, f"文件{x}") for x in docs]
    change.set_app(outcome_details={**case.app.outcome_details, "documents": docs, "attachments": attachments})
    reply_changed(case, change)
    for letter in case.letters():  # the reply lists the attachments: drafted again from the decision as changed
        if letter.type == "reply" and letter.status == "draft":
            change.set(letter, status="void", void_reason="拟公开的文件已变更", voided_at=act.now)
            keep = {k: letter.data[k] for k in ("request_summary",) if k in letter.data}
            change.draft_letter("reply", keep, outcome=case.app.outcome)
    if case.app.status == "reply_drafting":
        change.flags["secrecy_review_voided"] = True


def pick_for_decision(case: Case, outcome: str, ids: list[int]) -> list[Document]:
    """The documents a releasing decision picks: this case's active 拟公开信息 or 区分处理后信息."""
    from ..outcomes import OUTCOMES

    if not ids:
        return []
    if not OUTCOMES[outcome].releases:
        raise InputError(f"“{OUTCOMES[outcome].label}”不提供信息，不能选择拟公开的文件", field="documents")
    picked = []
    for doc_id in dict.fromkeys(ids):
        doc = case.document(doc_id)
        if doc is None:
            raise InputError(f"本申请没有编号为 {doc_id} 的文件", field="documents")
        if doc.status != "active":
            raise InputError(f"文件“{doc.filename}”已被替换或撤回", field="documents")
        if doc.kind not in RELEASED_KINDS:
            labels = "或".join(KINDS[k].label for k in RELEASED_KINDS)
            raise InputError(f"文件“{doc.filename}”不是{labels}，不能作为公开的信息", field="documents")
        picked.append(doc)
    return picked


def reviewed_documents(case: Case) -> list[dict]:
    """What the secrecy review saw, recorded with its event: each picked document's name and SHA-256
    (the review covers exactly these bytes)."""
    picked = set(picked_documents(case))
    return [{"id": d.id, "filename": d.filename, "sha256": d.sha256} for d in case.documents() if d.id in picked]
