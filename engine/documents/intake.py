"""Taking in an uploaded file: size, type from the content, PDF readability, malware scan — and only
then the blob store. Any refusal leaves nothing stored (the upload's temporary file is removed).
The caller records the document row (and its event) after this returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from .filetypes import accept
from .kinds import kind as document_kind
from .scan import scan_file
from .storage import BlobStore, blob_store, spooled


@dataclass(frozen=True)
class Received:
    kind: str
    filename: str
    sha256: str
    size: int
    media_type: str
    type_key: str
    pages: int | None
    scan_verdict: str  # scan.Verdict.record


def clean_filename(name: str) -> str:
    """The name as shown in lists: its last path part, no control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[-255:] or "未命名文件"


def receive(stream: BinaryIO, filename: str, kind: str, options, store: BlobStore | None = None,
            settings=None) -> Received:
    """Check and store one upload for an agency whose settings are ``options`` (AgencySettings).
    Raises InputError (too large, empty, type not taken, encrypted or broken PDF, malware) or
    ScannerUnavailable / StorageUnavailable (503) — in every case before anything is stored."""
    from ..settings import get_settings

    s = settings or get_settings()
    document_kind(kind)
    max_bytes = options.document_max_mb * 1024 * 1024
    with spooled(stream, s.data_dir / "tmp", max_bytes) as (path, _):
        info = accept(path, options.document_types, max_bytes)
        verdict = scan_file(path, s)
        verdict.require_clean()
        with open(path, "rb") as f:
            blob = (store or blob_store(s)).put_stream(f)
    return Received(kind, clean_filename(filename), blob.sha256, blob.size, info.type.media_type, info.type.key,
                    info.pages, verdict.record)
