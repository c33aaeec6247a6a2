"""Taking in an upload: every refusal leaves nothing stored (no blob, no temporary file); what is taken
comes back with its SHA-256, size, detected type, pages and scan verdict."""

from __future__ import annotations

import hashlib
import io
from types import SimpleNamespace

import pytest

from engine.documents.intake import clean_filename, receive
from engine.documents.scan import ScannerUnavailable
from engine.documents.storage import LocalBlobStore
from engine.errors import InputError
from engine.models import AgencySettings

from . import builders as b
from .test_scan import EICAR, tcp_clamd  # noqa: F401  (the fake clamd fixture)


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


def conf(tmp_path, clamd: str = "") -> SimpleNamespace:
    return SimpleNamespace(data_dir=tmp_path / "var", clamd=clamd, clamd_timeout=5.0)


def nothing_left(store, tmp_path) -> bool:
    spool = tmp_path / "var" / "tmp"
    return list(store) == [] and (not spool.exists() or list(spool.iterdir()) == [])


def test_a_pdf_is_taken_with_what_the_case_file_records(store, tmp_path):
    data = b.scanned_pdf(pages=2)
    got = receive(io.BytesIO(data), "C:\\扫描件\\申请表.pdf", "application", AgencySettings(), store, conf(tmp_path))
    assert got.sha256 == hashlib.sha256(data).hexdigest() and got.size == len(data)
    assert (got.media_type, got.type_key, got.pages) == ("application/pdf", "pdf", 2)
    assert got.filename == "申请表.pdf" and got.scan_verdict == "not_scanned"
    assert store.get(got.sha256) == data
    assert list((tmp_path / "var" / "tmp").iterdir()) == []


@pytest.mark.parametrize("data, options, message", [
    (b"z" * (1024 * 1024 + 1), AgencySettings(document_max_mb=1), "大小上限 1 MB"),
    (b"", AgencySettings(), "文件为空"),
    (b"MZ" + b"\x00" * 200, AgencySettings(), "无法识别文件类型"),
    (b.image_bytes("PNG"), AgencySettings(document_types=["pdf"]), "本机关不接受PNG"),
    (b.encrypted_pdf(), AgencySettings(), "已加密"),
    (b"%PDF-1.7\n%broken\n", AgencySettings(), "损坏"),
])
def test_every_refusal_leaves_nothing_stored(store, tmp_path, data, options, message):
    with pytest.raises(InputError) as err:
        receive(io.BytesIO(data), "x.pdf", "application", options, store, conf(tmp_path))
    assert message in err.value.message
    assert nothing_left(store, tmp_path)


def test_an_unknown_kind_is_refused_before_reading(store, tmp_path):
    with pytest.raises(InputError, match="未知的文件类别“passport”"):
        receive(io.BytesIO(b.scanned_pdf()), "x.pdf", "passport", AgencySettings(), store, conf(tmp_path))
    assert nothing_left(store, tmp_path)


def test_an_infected_file_is_refused_and_not_stored(store, tmp_path, tcp_clamd):  # noqa: F811
    data = b.zip_with({"readme.txt": EICAR})
    with pytest.raises(InputError, match="恶意代码"):
        receive(io.BytesIO(data), "a.zip", "other", AgencySettings(), store, conf(tmp_path, tcp_clamd))
    assert nothing_left(store, tmp_path)
    got = receive(io.BytesIO(b.scanned_pdf()), "a.pdf", "other", AgencySettings(), store, conf(tmp_path, tcp_clamd))
    assert got.scan_verdict == "clean"


def test_clamd_configured_but_down_refuses_the_upload(store, tmp_path):
    from .conftest import free_port

    with pytest.raises(ScannerUnavailable):
        receive(io.BytesIO(b.scanned_pdf()), "a.pdf", "other", AgencySettings(), store,
                conf(tmp_path, f"tcp://127.0.0.1:{free_port()}"))
    assert nothing_left(store, tmp_path)


def test_filenames_are_shown_without_paths_or_control_characters():
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\u202e.pdf") == "ab.pdf"
    assert clean_filename("") == "未命名文件"
    assert len(clean_filename("长" * 400 + ".pdf")) == 255
