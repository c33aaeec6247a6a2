"""What a file is, read from its content (magic bytes), never from its name; and whether an agency
accepts it.

The leaf signatures come from ``filetype`` (MIT, pure Python). Containers are opened to tell them apart:
a ZIP with ``OFD.xml`` is an OFD (GB/T 33190, the Chinese fixed-layout format), with ``word/`` a DOCX,
with ``xl/`` an XLSX; an OLE2 compound file is a DOC or XLS by its stream names. PDFs are opened with
pikepdf (MPL-2.0, on qpdf): an encrypted or unreadable PDF is refused, because nobody downstream (the
secrecy review, redaction, the archive) could read it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


class UnsupportedFileType(InputError):
    """A type the agency does not take, or none recognised (HTTP 415)."""

    status = 415
    title = "文件类型不受理"


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    media_type: str


TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", "application/pdf"),
        FileType("ofd", "OFD", "application/ofd"),
        FileType("jpeg", "JPEG 图片", "image/jpeg"),
        FileType("png", "PNG 图片", "image/png"),
        FileType("tiff", "TIFF 图片", "image/tiff"),
        FileType("doc", "Word 97-2003 文档（DOC）", "application/msword"),
        FileType("docx", "Word 文档（DOCX）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileType("xls", "Excel 97-2003 表格（XLS）", "application/vnd.ms-excel"),
        FileType("xlsx", "Excel 表格（XLSX）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        FileType("zip", "ZIP 压缩包", "application/zip"),
    )
}
DEFAULT_ALLOWED: tuple[str, ...] = tuple(TYPES)


def type_label(media_type: str | None) -> str:
    """The type as a clerk reads it (PDF, JPEG 图片…), from the detected media type."""
    return next((t.label for t in TYPES.values() if t.media_type == media_type), "其他格式") if media_type else "—"
DEFAULT_MAX_MB = 50
_HEAD = 8192  # what filetype reads; enough for every signature used here
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileInfo:
    type: FileType
    size: int
    pages: int | None = None  # PDFs


def check_type_keys(keys: list[str]) -> list[str]:
    """Validate an agency's list of allowed types (used by the agency settings)."""
    unknown = [k for k in keys if k not in TYPES]
    if unknown:
        raise ValueError(f"未知的文件类型：{'、'.join(unknown)}；可选：{'、'.join(TYPES)}")
    if not keys:
        raise ValueError("至少允许一种文件类型")
    return list(dict.fromkeys(keys))


def _open(source: Path | bytes):
    return open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)


def detect(source: Path | bytes) -> FileType | None:
    """The type of a file by its content, or None when it is none of the known types."""
    import filetype

    with _open(source) as f:
        head = f.read(_HEAD)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(source)
    if head.startswith(_OLE2):
        return _ole2_kind(source)
    guess = filetype.guess(head)
    if guess is None:
        return None
    return {"pdf": TYPES["pdf"], "jpg": TYPES["jpeg"], "png": TYPES["png"], "tif": TYPES["tiff"]}.get(guess.extension)


def _zip_kind(source: Path | bytes) -> FileType | None:
    try:
        with _open(source) as f, zipfile.ZipFile(f) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # a ZIP signature without a readable directory: a damaged file
    if "OFD.xml" in names:
        return TYPES["ofd"]
    if "word/document.xml" in names:
        return TYPES["docx"]
    if "xl/workbook.xml" in names:
        return TYPES["xlsx"]
    return TYPES["zip"]


def _ole2_kind(source: Path | bytes) -> FileType | None:
    """DOC or XLS by the name of its main stream in the compound file's directory (UTF-16LE)."""
    with _open(source) as f:
        data = f.read(8 * 1024 * 1024)  # the directory of any real document lies well inside this
    if "WordDocument".encode("utf-16-le") in data:
        return TYPES["doc"]
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return TYPES["xls"]
    return None


def inspect_pdf(source: Path | bytes) -> int:
    """The page count of a readable, unencrypted PDF; otherwise ``InputError`` with the reason."""
    import pikepdf

    try:
        with pikepdf.open(source if isinstance(source, Path) else io.BytesIO(source)) as pdf:
            if pdf.is_encrypted:
                raise InputError("PDF 文件已加密（设有密码或权限限制），请提交未加密的文件", field="file")
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise InputError("PDF 文件已加密（设有打开密码），请提交未加密的文件", field="file") from None
    except pikepdf.PdfError:
        raise InputError("PDF 文件已损坏或格式不正确，无法读取", field="file") from None
    if pages < 1:
        raise InputError("PDF 文件没有页面", field="file")
    return pages


def accept(source: Path | bytes, allowed: list[str] | tuple[str, ...] = DEFAULT_ALLOWED,
           max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024) -> FileInfo:
    """Refuse what an agency does not take (with the reason in Chinese); otherwise what the file is."""
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if size > max_bytes:
        from .storage import too_large

        raise too_large(max_bytes)
    if size == 0:
        raise InputError("文件为空", field="file")
    found = detect(source)
    names = "、".join(TYPES[k].label for k in allowed)
    if found is None:
        raise UnsupportedFileType(f"无法识别文件类型（按文件内容判断，与文件名无关）；允许的类型：{names}", field="file")
    if found.key not in allowed:
        raise UnsupportedFileType(f"本机关不接受{found.label}文件；允许的类型：{names}", field="file")
    pages = inspect_pdf(source) if found.key == "pdf" else None
    return FileInfo(found, size, pages)
