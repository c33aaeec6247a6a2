"""区分处理 (条例 art 37): the redacted copy of a document, recorded on the case.

The copy is made before the event (rendering a long PDF takes seconds; the case is not locked meanwhile):
``engine.redacting.redact_document`` checks what ``fire`` will check, renders with
``engine.documents.redaction``, writes the blob, and then fires ``redact_document`` with the copy it
made. The decision records it — a new document of kind 区分处理后信息 and a ``Redaction`` row with the
marks and grounds — after checking, under the case's lock, that the copy was made from this original
with these marks. The copy reaches the decision only as an object (``RedactedCopy``): JSON sent to the
generic events route cannot carry one, so nobody can pass off an arbitrary blob as a redacted copy.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, PlainSerializer

from ..case import Act, Case
from ..change import Change
from ..documents.kinds import KINDS, may_see
from ..errors import InputError, Refused
from ..eventdef import Inputs, declare, move
from ..models import Document, Redaction

REDACTABLE_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
# While the information to release is being prepared; under secrecy review the documents are frozen.
REDACTION_STATES = ("handling", "consulting", "awaiting_fee_approval", "awaiting_payment", "reply_drafting")


class RedactedCopy:
    """A redacted copy already rendered and stored (made by ``engine.redacting``, never from JSON)."""

    def __init__(self, *, original_sha256: str, marks: list[dict], sha256: str, size: int, media_type: str,
                 pages: int, found: dict[str, int], boxes: list[dict], dpi: int) -> None:
        self.original_sha256, self.marks, self.sha256, self.size = original_sha256, marks, sha256, size
        self.media_type, self.pages, self.found, self.boxes, self.dpi = media_type, pages, found, boxes, dpi

    def summary(self) -> dict[str, Any]:
        """What the audit trail keeps of it (the marks are in the inputs, the boxes in the Redaction row)."""
        return {"sha256": self.sha256, "size": self.size, "media_type": self.media_type, "pages": self.pages,
                "found": self.found, "boxes": len(self.boxes)}


class RedactIn(Inputs):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    document_id: int = Field(title="原文件")
    marks: list[dict] = Field(min_length=1, max_length=500, title="标注")
    produced: Annotated[RedactedCopy | None, PlainSerializer(lambda c: c.summary() if c else None)] = Field(
        default=None, title="区分处理后的文件")


def redactable(case: Case, document_id: int, role: str) -> Document:
    """The original to redact: a document of this case, still in the case file, visible to ``role``,
    a PDF or an image."""
    doc = case.document(document_id)
    if doc is None:
        raise InputError(f"本申请没有编号为 {document_id} 的文件", field="document_id")
    if not may_see(doc.kind, {role}):
        raise Refused(f"当前角色不能查看“{KINDS[doc.kind].label}”类文件，不能对其区分处理")
    if doc.status != "active":
        raise Refused("该文件已撤回或被替换，不能区分处理")
    if doc.media_type not in REDACTABLE_TYPES:
        raise InputError("只能对 PDF 和图片（JPEG、PNG、TIFF）进行区分处理；其他格式请先转换为 PDF", field="document_id")
    return doc


def has_redactable_document(case: Case, act: Act) -> None:
    if not any(d.status == "active" and d.media_type in REDACTABLE_TYPES and may_see(d.kind, {act.role})
               for d in case.documents()):
        raise Refused("本申请还没有可以区分处理的文件（PDF 或图片）")


def copy_name(original: Document, media_type: str) -> str:
    stem = original.filename.rsplit(".", 1)[0] if "." in original.filename else original.filename
    return f"{stem}（区分处理）.{'pdf' if media_type == 'application/pdf' else 'png'}"[-255:]


@declare("redact_document", "区分处理", moves=[move(list(REDACTION_STATES), "=")], roles={"clerk"},
         inputs=RedactIn, guards=[has_redactable_document], listed=False,
         example={"document_id": 1, "marks": [{"page": 1, "rect": [72, 100, 300, 130], "ground": "third_party"},
                                               {"text": "张三", "ground": "third_party"}]})
def redact_document(case: Case, data: RedactIn, act: Act) -> Change:
    original = redactable(case, data.document_id, act.role)
    copy = data.produced
    if copy is None:
        raise InputError("区分处理后的文件须由系统生成：请在工作台的区分处理页面标注，或调用 "
                         f"POST /api/v1/applications/{case.app.id}/documents/{original.id}/redactions",
                         field="produced")
    if copy.original_sha256 != original.sha256 or copy.marks != data.marks:
        raise Refused("区分处理后的文件不是由该原文件和这些标注生成的，请重新区分处理")
    change = Change(reason=f"对“{original.filename}”区分处理")
    doc = Document(application_id=case.app.id, agency_id=case.agency.id, kind="redacted",
                   filename=copy_name(original, copy.media_type), media_type=copy.media_type, size=copy.size,
                   pages=copy.pages, sha256=copy.sha256, added_by_id=act.actor.user_id, added_at=act.now,
                   scan_verdict="generated")
    doc_id = change.add(doc)
    redaction = Redaction(application_id=case.app.id, agency_id=case.agency.id, original_id=original.id,
                          redacted_id=doc_id, marks=data.marks, boxes=copy.boxes, dpi=copy.dpi,
                          created_by_id=act.actor.user_id, created_at=act.now)
    change.note("redaction", {"id": change.add(redaction), "original_id": original.id, "document_id": doc_id,
                              "sha256": copy.sha256, "grounds": sorted({m.get("ground") for m in data.marks}),
                              "found": copy.found})
    return change


__all__ = ["RedactIn", "RedactedCopy", "REDACTABLE_TYPES", "redact_document", "redactable"]
