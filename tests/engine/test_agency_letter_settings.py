"""The agency's 机关代字 in 文号 (GB/T 9704 7.2.4), letterhead, seal image (7.3.5.1), fee bands and alert
thresholds as settings: validation in Chinese, and what issued letters carry."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from engine import admin
from engine.errors import InputError
from engine.models import Agency, Letter
from tests.workflow.test_happy_paths import to_handling
from tests.workflow.world import build_world


def png(size=(400, 400), transparent=True, fmt="PNG") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA" if transparent else "RGB", size, (0, 0, 0, 0) if transparent else (255, 255, 255))
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), outline=(200, 0, 0, 255), width=12)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG") if fmt == "JPEG" else image.save(buf, fmt)
    return buf.getvalue()


def test_gbt9704_doc_code_numbers_letters_and_defaults_to_the_code(db, registry):
    """GB/T 9704 7.2.4 发文字号 = 机关代字 + 年份 + 序号: the 机关代字 setting replaces the Latin code."""
    w = build_world(db, registry)
    first = w.register()
    to_handling(w, first)
    w.fire("clerk", first, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    w.fire("head", first, "sign_off")
    with w.session() as s:
        agency = s.get(Agency, w.agency_id)
        agency.settings = admin.validated_settings(agency.settings, {"doc_code": "示交"}).model_dump(exclude_defaults=True)
        s.add(agency)
        s.commit()
    second = w.register()
    to_handling(w, second)
    w.fire("clerk", second, "decide", {"outcome": "needs_creation", "details": {"reasons": "x"}})
    w.fire("head", second, "sign_off")
    with w.session() as s:
        numbers = [x.number for x in s.exec(select(Letter).where(Letter.status == "issued").order_by(Letter.id)).all()]
    assert numbers == ["DEMO公开〔2026〕1号", "示交公开〔2026〕2号"]  # the series goes on; earlier letters keep theirs


@pytest.mark.parametrize("value, message", [
    ({"doc_code": "DEMO"}, "“机关代字”应为汉字"),
    ({"doc_code": "京 交"}, "“机关代字”应为汉字"),
    ({"alert_thresholds": [5, 5]}, "“提醒阈值”不能重复"),
    ({"alert_thresholds": [45]}, "“提醒阈值”每项应为1至30个工作日"),
    ({"traffic_yellow": 2, "traffic_orange": 5}, "“橙灯阈值”不能大于“黄灯阈值”"),
    ({"fee_volume_bands": [{"first": 1, "last": 30, "rate": 0}, {"first": 40, "last": None, "rate": 10}]},
     "按量收费档次应从第1页起连续排列"),
])
def test_settings_refused_in_chinese(value, message):
    with pytest.raises(InputError) as caught:
        admin.validated_settings({}, value)
    assert message in caught.value.message


def test_seal_png_checked_by_content():
    from engine.seal import check_seal_png

    check_seal_png(png())
    for data, message in [(png(fmt="JPEG"), "应为PNG格式"), (b"\x89PNG\r\n\x1a\nbroken", "已损坏"),
                          (png(transparent=False), "透明背景"), (png((100, 100)), "尺寸应为"),
                          (png((800, 400)), "接近正方形"), (b"", "请选择")]:
        with pytest.raises(InputError) as caught:
            check_seal_png(data)
        assert message in caught.value.message


def test_issued_letter_carries_the_seal_and_letterhead(isolated_settings, registry):
    """GB/T 9704 7.3.5.1: the seal over the signature and date — on the issued letter only; a draft shows
    where it goes. The letterhead (发文机关标志) replaces the agency name at the top."""
    from engine.seal import store_seal
    from letters.render import render_html, render_pdf

    sha = store_seal(png())
    data = {"title": "政府信息公开申请答复书", "agency": {"name": "示例市交通运输局", "letterhead": "示例市交通运输局文件"},
            "drafted_on": "2026-03-10", "issue_date": "2026-03-10", "number": "示交公开〔2026〕1号", "seal_sha256": sha,
            "application": {"received_date": "2026-03-09", "number": "DEMO-2026-00001", "channel_phrase": "信函"}}
    issued = render_html(data, "张三", letter_type="acknowledgement", outcome=None)
    draft = render_html(data, "张三", letter_type="acknowledgement", outcome=None, draft=True)
    assert 'img class="seal" src="data:image/png;base64,' in issued and "（印章）" not in issued
    assert "data:image/png" not in draft and "（印章）" in draft
    assert "示例市交通运输局文件</div>" in issued
    assert b"/Subtype /Image" in render_pdf(issued, identifier="t")


def test_fonts_directory_gives_letters_the_agency_fonts(tmp_path, monkeypatch):
    """A licensed 仿宋_GB2312 put in OGI_LETTER_FONT_DIR is embedded (subset) in place of the free fallback."""
    import subprocess

    from fontTools import subset
    from fontTools.ttLib import TTFont

    from engine import settings
    from letters import render

    font = TTFont("/usr/share/fonts/truetype/arphic/uming.ttc", fontNumber=3)  # AR PL UMing CN
    sub = subset.Subsetter()
    sub.populate(text="告知书张三你（单位）于年月日提出的政府信息公开申请本机关已收到特此示例市交通运输局〔〕号：，。0123456789")
    sub.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "仿宋_GB2312"
        if record.nameID == 6:
            record.string = "FangSong_GB2312"
    folder = tmp_path / "fonts"
    folder.mkdir()
    font.save(folder / "fangsong.ttf")
    (folder / "readme.txt").write_text("not a font")
    monkeypatch.setenv("OGI_LETTER_FONT_DIR", str(folder))
    settings.get_settings.cache_clear()
    render.font_faces.cache_clear()
    assert '@font-face { font-family: "仿宋_GB2312"; font-weight: normal;' in render.font_faces(str(folder))
    data = {"title": "登记回执", "agency": {"name": "示例市交通运输局"}, "drafted_on": "2026-03-10",
            "application": {"received_date": "2026-03-09", "number": "DEMO-2026-00001", "channel_phrase": "信函"}}
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(render.render_pdf(render.render_html(data, "张三", letter_type="acknowledgement", outcome=None)))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    settings.get_settings.cache_clear()
    render.font_faces.cache_clear()
    assert "FangSong_GB2312" in fonts or "仿宋" in fonts, fonts


def test_settings_saved_before_the_checks_still_load():
    """The threshold checks apply when an administrator changes settings; an agency stored earlier with
    values outside them keeps working (its clocks and alerts are read on every event)."""
    old = Agency(code="OLD", name="旧机关", settings={"traffic_yellow": 2, "traffic_orange": 5, "alert_thresholds": [1, 40]})
    assert old.options.traffic_orange == 5 and old.options.alert_thresholds == [1, 40]
