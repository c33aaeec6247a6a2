"""File types come from the content, not the name; an agency's allowed types and size limit; PDFs that
nobody could read (encrypted, broken) are refused with the reason."""

from __future__ import annotations

import pytest

from engine.documents.filetypes import DEFAULT_ALLOWED, accept, detect
from engine.errors import InputError
from engine.models import AgencySettings

from . import builders as b


@pytest.mark.parametrize("key, make", [
    ("pdf", lambda: b.html_pdf("<p>政府信息</p>")),
    ("pdf", b.scanned_pdf),
    ("jpeg", lambda: b.image_bytes("JPEG")),
    ("png", lambda: b.image_bytes("PNG")),
    ("tiff", lambda: b.image_bytes("TIFF")),
    ("xlsx", b.xlsx_bytes),
    ("docx", lambda: b.zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})),
    ("ofd", lambda: b.zip_with({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})),
    ("zip", lambda: b.zip_with({"清单.txt": "附件".encode()})),
    ("doc", lambda: b.ole2("WordDocument")),
    ("xls", lambda: b.ole2("Workbook")),
])
def test_each_default_type_is_detected_from_its_content(key, make):
    data = make()
    assert detect(data).key == key
    info = accept(data)
    assert info.type.key == key and info.size == len(data)


def test_a_pdf_gets_its_page_count():
    assert accept(b.scanned_pdf(pages=3)).pages == 3


def test_the_name_does_not_matter_a_png_called_pdf_is_a_png(tmp_path):
    path = tmp_path / "申请表.pdf"
    path.write_bytes(b.image_bytes("PNG"))
    assert accept(path).type.key == "png"


def test_unknown_content_is_refused_with_the_allowed_types_named():
    for data in (b"MZ\x90\x00" + b"\x00" * 100, "只是一段文字".encode(), b"\x7fELF" + b"\x00" * 100):
        with pytest.raises(InputError) as err:
            accept(data)
        assert "无法识别文件类型" in err.value.message and "PDF" in err.value.message


def test_an_agency_that_takes_only_pdf_refuses_an_image():
    with pytest.raises(InputError) as err:
        accept(b.image_bytes("JPEG"), allowed=["pdf"])
    assert err.value.message.startswith("本机关不接受JPEG 图片文件")


def test_the_size_limit_and_empty_files():
    with pytest.raises(InputError) as err:
        accept(b.image_bytes("PNG"), max_bytes=100)
    assert "大小上限" in err.value.message
    with pytest.raises(InputError, match="文件为空"):
        accept(b"")


@pytest.mark.parametrize("user", ["secret", ""])
def test_an_encrypted_pdf_is_refused(user):
    """With an opening password, and with only an owner password (permissions) — neither could be redacted."""
    with pytest.raises(InputError) as err:
        accept(b.encrypted_pdf(user=user))
    assert "已加密" in err.value.message


@pytest.mark.parametrize("data", [b"%PDF-1.7\n%garbage without objects\n",
                                  b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF"])
def test_a_broken_pdf_is_refused(data):
    with pytest.raises(InputError) as err:
        accept(data)
    assert "PDF" in err.value.message and ("损坏" in err.value.message or "没有页面" in err.value.message)


def test_a_truncated_zip_is_not_taken_for_an_office_file():
    data = b.zip_with({"word/document.xml": b"x" * 1000})[:200]
    with pytest.raises(InputError):
        accept(data)


def test_agency_settings_default_to_every_type_and_50_mb_and_refuse_unknown_types():
    opts = AgencySettings()
    assert opts.document_types == list(DEFAULT_ALLOWED) and opts.document_max_mb == 50
    assert AgencySettings(document_types=["pdf", "ofd"]).document_types == ["pdf", "ofd"]
    with pytest.raises(ValueError, match="未知的文件类型"):
        AgencySettings(document_types=["exe"])
    with pytest.raises(ValueError, match="至少允许一种"):
        AgencySettings(document_types=[])
