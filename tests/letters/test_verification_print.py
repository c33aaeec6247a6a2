"""Every issued letter prints its verification code (核验码), and with the portal's public address
configured a QR code of the verification address; the code is stored with the frozen letter."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from letters.render import render_html

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from engine import settings
    from letters.samples import build_samples

    os.environ["OGI_PUBLIC_URL"] = "https://ogi.example.gov.cn/"
    settings.get_settings.cache_clear()
    try:
        return build_samples(tmp_path_factory.mktemp("samples"))[1]
    finally:
        del os.environ["OGI_PUBLIC_URL"]
        settings.get_settings.cache_clear()


def test_the_issued_letter_prints_its_code_and_a_qr_code(samples, tmp_path):
    letter = samples["correction_notice"]
    code = letter.data["verify_code"]
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert letter.data["verify_url"].startswith("https://ogi.example.gov.cn/portal/verify?number=")
    path = tmp_path / "x.pdf"
    path.write_bytes(letter.pdf)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout)
    assert f"核验码：{code}" in text
    html = render_html(letter.data, letter.addressee, letter_type=letter.type, outcome=letter.outcome)
    assert 'class="qr" src="data:image/svg+xml' in html


def test_each_letter_has_its_own_code(samples):
    codes = [x.data["verify_code"] for x in samples.values()]
    assert len(set(codes)) == len(codes)


def test_a_draft_prints_no_code(samples):
    letter = samples["correction_notice"]
    draft = {k: v for k, v in letter.data.items() if k not in ("verify_code", "verify_url", "number")}
    html = render_html(draft, letter.addressee, letter_type=letter.type, outcome=None, draft=True)
    assert "核验码" not in html and "data:image/svg" not in html
