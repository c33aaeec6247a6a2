"""Redaction (区分处理, 条例 art 37): the redacted copy contains none of the redacted text — not for
pdftotext, not in the file's bytes, not in any inflated stream — and the pixels under each mark are black.
Real PDFs made here: text, CJK, form fields, annotations, metadata, scanned pages, mixed, rotated."""

from __future__ import annotations

import io
import re
import subprocess
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.documents.redaction import AreaMark, TextMark, parse_marks, redact
from engine.errors import InputError

from . import builders as b

G = "third_party"  # 条例 art 15: personal privacy


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def byte_views(data: bytes) -> list[bytes]:
    """The file itself, every stream inflated by hand (zlib), and every object as pikepdf decodes it."""
    import pikepdf

    views = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            views.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            pass
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    views.append(obj.read_bytes())
                except pikepdf.PdfError:
                    views.append(obj.read_raw_bytes())
            views.append(repr(obj).encode("utf-8", "replace"))
    return views


def encodings(text: str) -> list[bytes]:
    out = [text.encode("utf-8"), text.encode("utf-16-be"), text.encode("utf-16-le"),
           text.encode("utf-16-be").hex().encode(), text.encode("utf-16-be").hex().upper().encode()]
    try:
        out.append(text.encode("gbk"))
    except UnicodeEncodeError:
        pass
    return out


def assert_gone(redacted: bytes, *texts: str) -> None:
    extracted = pdftotext(redacted)
    views = byte_views(redacted)
    for text in texts:
        assert text not in extracted
        for needle in encodings(text):
            assert not any(needle in view for view in views), f"{text!r} found as {needle!r}"


def assert_image_only(redacted: bytes) -> None:
    """No fonts, no text operators, no annotations, no form, no metadata: one picture per page."""
    import pikepdf

    assert pdftotext(redacted).strip() == ""
    with pikepdf.open(io.BytesIO(redacted)) as pdf:
        assert "/AcroForm" not in pdf.Root and "/Metadata" not in pdf.Root
        assert set(pdf.docinfo.keys()) <= {"/Producer", "/Creator"}
        for page in pdf.pages:
            assert "/Annots" not in page.obj
            resources = page.obj.Resources
            assert "/Font" not in resources
            assert len(list(resources.XObject.keys())) == 1


def render(pdf: bytes, page: int = 1, dpi: int = 72):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def red_pixels(image) -> int:
    r, g, bl = image.split()
    from PIL import ImageChops

    mask = ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0),
                               ImageChops.multiply(g.point(lambda v: 255 if v < 110 else 0),
                                                   bl.point(lambda v: 255 if v < 110 else 0)))
    return sum(1 for v in mask.get_flattened_data() if v)


def black_inside(image, rect, scale: float, margin: int = 3) -> int:
    """The brightest channel value strictly inside a mark (a few pixels in from its edges)."""
    x0, y0, x1, y1 = (round(v * scale) for v in rect)
    region = image.crop((x0 + margin, y0 + margin, x1 - margin, y1 - margin))
    return max(max(band) for band in (region.getchannel(c).getextrema() for c in "RGB"))


SECRET_PAGE = """
<h1>关于张三申请的答复材料</h1>
<p>申请人<span style="color:#ff0000">张三</span>，身份证号码
<span style="color:#ff0000">110101199003071234</span>，住址示例市人民路1号。</p>
<p>经查，<span style="color:#ff0000">张三</span>于2025年提交的材料如下。本页其余内容予以公开。</p>
"""


def test_cjk_text_and_id_number_are_gone_wherever_they_occur():
    """条例 art 37: every occurrence of the name and the ID number, none left for pdftotext or in the bytes."""
    original = b.html_pdf(SECRET_PAGE, title="张三的申请材料")
    assert "张三" in pdftotext(original) and "110101199003071234" in pdftotext(original)
    assert red_pixels(render(original)) > 50
    result = redact(original, "application/pdf", [], [TextMark("张三", G), TextMark("110101199003071234", G)])
    assert result.found == {"张三": 3, "110101199003071234": 1}  # the heading and both red ones
    assert result.media_type == "application/pdf" and result.pages == 1
    assert_gone(result.data, "张三", "110101199003071234", "张三的申请材料")
    assert_image_only(result.data)
    out = render(result.data)
    assert red_pixels(out) == 0  # every pixel of the red (secret) glyphs is under a box
    assert sum(out.convert("L").get_flattened_data()) / (out.width * out.height) > 200  # the rest stays readable


def test_the_page_keeps_its_size_and_the_text_that_was_not_marked_is_still_visible():
    import pypdfium2 as pdfium

    original = b.html_pdf(SECRET_PAGE)
    result = redact(original, "application/pdf", [], [TextMark("张三", G)])
    before, after = pdfium.PdfDocument(original), pdfium.PdfDocument(result.data)
    w0, h0 = before[0].get_size()
    w1, h1 = after[0].get_size()
    assert abs(w0 - w1) < 1 and abs(h0 - h1) < 1
    # the ID number was not marked: its red pixels are still there
    assert red_pixels(render(result.data)) > 20


def test_pixels_under_an_area_mark_are_black_on_a_scanned_page():
    """A scan has no text layer: the clerk marks the area; the picture under it does not survive."""
    original = b.scanned_pdf()
    import pikepdf

    with pikepdf.open(io.BytesIO(original)) as pdf:
        image_stream = next(o for o in pdf.objects if isinstance(o, pikepdf.Stream)
                             and o.get("/Subtype") == "/Image").read_raw_bytes()
    rect = (10.0, 10.0, 300.0, 120.0)
    result = redact(original, "application/pdf", [AreaMark(1, rect, G)], [], dpi=200)
    image = render(result.data, dpi=200)
    assert black_inside(image, rect, 200 / 72) <= 16
    assert image_stream[:4096] not in result.data  # the scan itself is not carried over
    assert_image_only(result.data)
    assert result.boxes == [{"page": 1, "rect": list(rect), "ground": G, "source": "area"}]


def test_mixed_page_text_and_picture():
    import base64

    png = base64.b64encode(b.image_bytes("PNG")).decode()
    original = b.html_pdf(f"<p>联系人李四，电话13800138000</p><img src='data:image/png;base64,{png}' width='300'>")
    assert "李四" in pdftotext(original)
    result = redact(original, "application/pdf", [AreaMark(1, (56, 90, 400, 260), G)],
                    [TextMark("李四", G), TextMark("13800138000", G)])
    assert result.found == {"李四": 1, "13800138000": 1}
    assert_gone(result.data, "李四", "13800138000")
    assert black_inside(render(result.data, dpi=200), (56, 90, 400, 260), 200 / 72) <= 16


def test_text_in_form_fields_is_found_and_gone():
    original = b.html_pdf("<p>表单：</p><input name='who' value='王五填写'><input name='id' value='ID-998877'>",
                          forms=True)
    import pikepdf

    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert "/AcroForm" in pdf.Root  # really a form
    result = redact(original, "application/pdf", [], [TextMark("王五", G), TextMark("ID-998877", G)])
    assert result.found == {"王五": 1, "ID-998877": 1}
    assert_gone(result.data, "王五", "ID-998877", "王五填写")
    assert_image_only(result.data)


def test_text_in_annotations_is_found_and_never_survives_as_text():
    original = b.with_annotation(b.html_pdf("<p>正文</p>"), "Note-Secret-Zhao")
    assert b"Note-Secret-Zhao" in original
    marked = redact(original, "application/pdf", [], [TextMark("Note-Secret-Zhao", G)])
    assert marked.found == {"Note-Secret-Zhao": 1}
    assert_gone(marked.data, "Note-Secret-Zhao")
    # not even marked: an annotation's text never reaches the copy as text (only as pixels)
    unmarked = redact(original, "application/pdf", [AreaMark(1, (0, 0, 10, 10), G)], [])
    assert_gone(unmarked.data, "Note-Secret-Zhao")


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_text_marks_on_a_rotated_page_cover_the_text(degrees):
    original = b.rotated(b.html_pdf(SECRET_PAGE), degrees)
    assert red_pixels(render(original)) > 50
    result = redact(original, "application/pdf", [], [TextMark("张三", G), TextMark("110101199003071234", G)])
    assert red_pixels(render(result.data)) == 0
    assert_gone(result.data, "张三", "110101199003071234")


def test_area_marks_on_a_rotated_page_are_in_displayed_coordinates():
    import pypdfium2 as pdfium

    upright = b.scanned_pdf()
    original = b.rotated(upright, 90)
    w, h = pdfium.PdfDocument(original)[0].get_size()
    assert (h, w) == pdfium.PdfDocument(upright)[0].get_size()  # the landscape scan shown portrait
    rect = (w - 100, 5, w - 5, 100)
    result = redact(original, "application/pdf", [AreaMark(1, rect, G)], [])
    image = render(result.data, dpi=200)
    assert image.size == render(original, dpi=200).size
    assert black_inside(image, rect, 200 / 72) <= 16
    assert black_inside(image, (5, h - 60, 60, h - 5), 200 / 72) > 200  # the opposite corner untouched


def test_only_the_marked_page_is_blacked_in_a_long_document():
    original = b.html_pdf("".join(f"<p style='page-break-after: always'>第{i}页 编号SN-{i:03d}</p>" for i in range(1, 6)))
    result = redact(original, "application/pdf", [AreaMark(3, (0, 0, 595, 842), G)], [TextMark("SN-004", G)])
    assert result.pages == 5 and result.found == {"SN-004": 1}
    assert black_inside(render(result.data, page=3), (0, 0, 595, 842), 1.0) <= 16
    assert sum(render(result.data, page=2).convert("L").get_flattened_data()) / (595 * 842) > 240
    assert_gone(result.data, "SN-004", "SN-003", "SN-001")  # image-only: nothing is text any more


def test_an_image_is_redacted_without_its_metadata_and_in_displayed_orientation():
    from PIL import Image

    image = b.picture("ZHAO LIU 110101", size=(400, 200))
    exif = Image.Exif()
    exif[0x010E] = "Exif-Secret-Zhao"  # ImageDescription
    exif[0x0112] = 6  # shown rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    result = redact(out.getvalue(), "image/jpeg", [AreaMark(1, (10, 10, 150, 300), G)], [])
    assert result.media_type == "image/png"
    assert b"Exif-Secret-Zhao" not in result.data and b"Exif" not in result.data
    redacted = Image.open(io.BytesIO(result.data))
    assert redacted.size == (200, 400)  # the displayed orientation, as the clerk marked it
    assert redacted.getexif() == {} or dict(redacted.getexif()) == {}
    assert black_inside(redacted.convert("RGB"), (10, 10, 150, 300), 1.0, margin=0) == 0


def test_a_multi_page_tiff_becomes_an_image_only_pdf_with_the_marked_frame_black():
    frames = [b.picture(f"FRAME {i}") for i in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    result = redact(out.getvalue(), "image/tiff", [AreaMark(2, (0, 0, 300, 150), G)], [])
    assert result.media_type == "application/pdf" and result.pages == 2
    assert_image_only(result.data)


def test_refusals_name_the_problem_in_chinese():
    pdf = b.scanned_pdf()
    with pytest.raises(InputError, match="第3页不存在"):
        redact(pdf, "application/pdf", [AreaMark(3, (0, 0, 10, 10), G)], [])
    with pytest.raises(InputError, match="图片没有文字层"):
        redact(b.image_bytes("PNG"), "image/png", [], [TextMark("张三", G)])
    with pytest.raises(InputError, match="只能对 PDF 和图片"):
        redact(b.xlsx_bytes(), "application/vnd.ms-excel", [], [TextMark("x", G)])
    with pytest.raises(InputError, match="无法区分处理"):
        redact(b"%PDF-1.4 broken", "application/pdf", [], [TextMark("x", G)])


def test_marks_need_a_ground_of_the_regulations():
    areas, texts = parse_marks([{"page": 1, "rect": [30, 40, 10, 20], "ground": "third_party"},
                                {"text": " 张三 ", "ground": "state_secret"}])
    assert areas == [AreaMark(1, (10.0, 20.0, 30.0, 40.0), "third_party")]
    assert texts == [TextMark("张三", "state_secret")]
    for bad, message in [
        ([], "至少标注一处"),
        ([{"text": "张三", "ground": "because"}], "区分处理理由“because”无效"),
        ([{"text": "张三"}], "区分处理理由“”无效"),
        ([{"text": "  ", "ground": G}], "文字为空"),
        ([{"page": 0, "rect": [0, 0, 1, 1], "ground": G}], "页码"),
        ([{"page": 1, "rect": [0, 0, 1], "ground": G}], "四个数"),
        ([{"page": 1, "rect": [5, 5, 5, 9], "ground": G}], "面积为零"),
        (["x"], "格式不正确"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_marks(bad)


@given(x0=st.floats(-50, 700), y0=st.floats(-50, 900), w=st.floats(0.01, 800), h=st.floats(0.01, 1000),
       dpi=st.integers(36, 300))
def test_an_area_in_points_is_covered_whole_in_pixels_and_stays_on_the_picture(x0, y0, w, h, dpi):
    """The pixel box always contains the marked rectangle (rounded outwards), clipped to the page; a
    mark wholly off the page is refused, never a crash."""
    from engine.documents.redaction import pixel_box

    scale = dpi / 72
    size = (round(595 * scale), round(842 * scale))
    off_page = x0 * scale > size[0] - 1 or y0 * scale > size[1] - 1 or (x0 + w) < 0 or (y0 + h) < 0
    try:
        px0, py0, px1, py1 = pixel_box((x0, y0, x0 + w, y0 + h), scale, size)
    except InputError as err:
        assert off_page and "页面之外" in err.message
        return
    assert 0 <= px0 <= px1 <= size[0] - 1 and 0 <= py0 <= py1 <= size[1] - 1
    assert px0 <= max(0, x0 * scale) and py0 <= max(0, y0 * scale)
    assert px1 >= min(size[0] - 1, (x0 + w) * scale) and py1 >= min(size[1] - 1, (y0 + h) * scale)


def test_a_mark_off_the_page_is_refused():
    with pytest.raises(InputError, match="第1页的标注区域在页面之外"):
        redact(b.scanned_pdf(), "application/pdf", [AreaMark(1, (5000, 5000, 5100, 5100), G)], [])
    with pytest.raises(InputError, match="页面之外"):
        redact(b.image_bytes("PNG"), "image/png", [AreaMark(1, (-100, -100, -50, -50), G)], [])
