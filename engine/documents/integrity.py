"""For ``ogi check``: every blob the ``documents`` table refers to is present and still hashes to its
name, and every row agrees with its blob's size."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, select

from ..models import Application, Document
from .storage import BlobIntegrityError, BlobStore, StorageUnavailable, blob_store


def blob_findings(session: Session, store: BlobStore | None = None) -> Iterator[tuple[str | None, str]]:
    """(application number, what is wrong) for each document whose blob is missing, damaged or of
    another size than recorded; each distinct blob is read once. Nothing is asked of the store when
    there are no documents (a deployment that never configured one)."""
    rows = session.exec(select(Document, Application.number)
                        .outerjoin(Application, Application.id == Document.application_id)
                        .order_by(Document.id)).all()
    if not rows:
        return
    store = store or blob_store()
    verdicts: dict[tuple[str, int], str | None] = {}
    for doc, number in rows:
        key = (doc.sha256, doc.size)
        if key not in verdicts:
            verdicts[key] = _verify(store, doc.sha256, doc.size)
        problem = verdicts[key]
        if problem:
            yield number, f"文件“{doc.filename}”（内部编号 {doc.id}）：{problem}"


def _verify(store: BlobStore, sha256: str, size: int) -> str | None:
    try:
        actual = sum(len(chunk) for chunk in store.stream(sha256))
    except (BlobIntegrityError, StorageUnavailable) as exc:
        return exc.message
    if actual != size:
        return f"文件大小 {actual} 字节与记录的 {size} 字节不符"
    return None
