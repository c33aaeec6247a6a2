"""Content-addressed blob store: a document's bytes are kept under their SHA-256 and checked on every read.

Content addressing makes a write idempotent (the same file uploaded twice is stored once) and makes any
change to a stored file visible: the name is the hash, so ``get`` re-hashes and refuses a blob whose
content no longer matches. Blobs are never deleted or overwritten — a withdrawn document stays in the
case file. The caller writes the blob before its database row commits; a blob without a row (a failed
transaction) is harmless garbage, a row without a blob is what ``ogi check`` reports.

Backends: ``LocalBlobStore`` (a directory, the default) and ``S3BlobStore`` (``engine.documents.s3``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import DomainError, InputError

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobIntegrityError(DomainError):
    """A stored blob is missing or its content no longer matches its SHA-256 (damaged or tampered)."""

    status = 500
    title = "文件完整性错误"


class BlobMissing(BlobIntegrityError):
    pass


class FileTooLarge(InputError):
    """Over the agency's size limit (HTTP 413)."""

    status = 413
    title = "文件过大"


class StorageUnavailable(DomainError):
    """The object store cannot be reached or refused the request; nothing was stored."""

    status = 503
    title = "文件存储暂不可用"
    retry_after = 30


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


def check_sha256(sha256: str) -> str:
    """A blob name is exactly 64 lowercase hex digits (it also becomes a path or an object key)."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise InputError(f"文件摘要“{sha256}”不是有效的 SHA-256（应为64位小写十六进制）", field="sha256")
    return sha256


def mismatch(sha256: str, actual: str) -> BlobIntegrityError:
    return BlobIntegrityError(f"文件 {sha256[:12]}… 的内容与其 SHA-256 不符（实际为 {actual[:12]}…），"
                              "文件已损坏或被篡改，请从备份恢复")


def missing(sha256: str) -> BlobMissing:
    return BlobMissing(f"文件 {sha256[:12]}… 在文件存储中不存在（可能被删除或未从备份恢复）")


def too_large(limit: int) -> InputError:
    return FileTooLarge(f"文件超过大小上限 {limit // (1024 * 1024)} MB", field="file")


@contextmanager
def spooled(stream: BinaryIO, directory: Path | None = None, max_size: int | None = None):
    """Copy ``stream`` to a temporary file, hashing on the way (never the whole file in memory).
    Yields (path, StoredBlob); the file is removed afterwards unless the caller moved it away."""
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", dir=directory)
    path = Path(name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_size is not None and size > max_size:
                    raise too_large(max_size)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        yield path, StoredBlob(digest.hexdigest(), size)
    finally:
        path.unlink(missing_ok=True)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore(ABC):
    """What every backend offers. Reads are verified: a mismatch raises ``BlobIntegrityError``."""

    @abstractmethod
    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> StoredBlob:
        """Store a file read in chunks; over ``max_size`` bytes → ``InputError`` and nothing stored."""

    def put(self, data: bytes) -> str:
        return self.put_stream(io.BytesIO(data)).sha256

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def get(self, sha256: str) -> bytes:
        """The blob's bytes, verified against its name."""

    @abstractmethod
    def stream(self, sha256: str) -> Iterator[bytes]:
        """The blob in chunks, verified as a whole before the first chunk is given out (so a damaged
        file is refused before any of it is sent)."""

    @abstractmethod
    def __iter__(self) -> Iterator[str]:
        """Every stored blob's SHA-256 (for checks and backups)."""

    def verify(self, sha256: str) -> None:
        """Raise ``BlobMissing`` or ``BlobIntegrityError`` unless the blob is present and intact."""
        for _ in self.stream(sha256):
            break


class LocalBlobStore(BlobStore):
    """Blobs as read-only files ``<root>/ab/cd/<sha256>``; written to ``<root>/tmp`` first, flushed to
    disk and renamed into place, so a crash leaves either no blob or the whole blob."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> StoredBlob:
        with spooled(stream, self.root / "tmp", max_size) as (tmp, blob):
            final = self.path(blob.sha256)
            if not final.exists():  # the same content is already there: nothing to write
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o440)
                os.replace(tmp, final)
                _fsync_dir(final.parent)
        return blob

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def _checked(self, sha256: str) -> Path:
        path = self.path(sha256)
        if not path.is_file():
            raise missing(sha256)
        actual = hash_file(path)
        if actual != sha256:
            raise mismatch(sha256, actual)
        return path

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        if not path.is_file():
            raise missing(sha256)
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise mismatch(sha256, actual)
        return data

    def stream(self, sha256: str) -> Iterator[bytes]:
        path = self._checked(sha256)  # raised here, before the generator starts

        def chunks() -> Iterator[bytes]:
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    yield chunk

        return chunks()

    def verify(self, sha256: str) -> None:
        self._checked(sha256)

    def __iter__(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for first in sorted(self.root.iterdir()):
            if len(first.name) != 2 or not first.is_dir():
                continue  # tmp/ and anything an operator put there
            for path in sorted(first.glob("*/*")):
                if _SHA256.match(path.name) and path.name.startswith(first.name + path.parent.name):
                    yield path.name


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry is data of the directory)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def blob_store(settings=None) -> BlobStore:
    """The store the deployment is configured for (``OGI_BLOB_STORE``)."""
    from ..settings import get_settings

    s = settings or get_settings()
    if s.blob_store == "s3":
        from .s3 import S3BlobStore

        return S3BlobStore.from_settings(s)
    return LocalBlobStore(s.local_blob_dir)
