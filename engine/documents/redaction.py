"""Redaction (区分处理, 条例 art 37): a copy of a PDF or image with the marked areas blacked out and
nothing of what was under them left in the file.

Why rasterise: a PDF keeps text as text objects, images as image streams, form values in fields,
notes in annotations, words in metadata. Drawing a black box over them — what most FOI systems do —
leaves every one of them in the file, a copy-paste or ``pdftotext`` away. Here each page is rendered
to pixels with PDFium (pypdfium2, Apache-2.0/BSD: forms and annotations flattened first so they render
and can be searched), the boxes are painted into those pixels with Pillow, and a new PDF is built from
the pictures alone (img2pdf, LGPL-3.0, used as a library, no change to it): the redacted copy is
image-only, with no text layer, no fields, no annotations, no metadata of the original. (Searchable
text through OCR is out of scope.) Images are decoded, painted and encoded afresh without their
metadata (EXIF may hold a location).

Coordinates, as the browser shows the page: from its top-left corner, x to the right, y down; PDF
pages in points (1/72 inch, the page's rotation applied), images in pixels. Text marks find every
occurrence of a string in the text layer (and in flattened form fields and annotations); scanned text
has no text layer and must be marked as an area — ``found`` tells the clerk what matched.
"""

from __future__ import annotations

import ctypes
import io
import math
import threading
from dataclasses import dataclass, field

from ..errors import InputError
from ..outcomes import GROUNDS

DEFAULT_DPI = 200
_MAX_PIXELS = 60_000_000  # per page: a poster-sized page is rendered at a lower resolution
_TEXT_PAD = 1.5  # points around a found text's box (anti-aliased glyph edges)
_PDFIUM = threading.Lock()  # PDFium is not thread-safe; the API runs requests in threads
PDFIUM_LOCK = _PDFIUM  # for the page previews (engine/documents/preview.py)


@dataclass(frozen=True)
class AreaMark:
    page: int  # 1-based
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 from the top-left; points (PDF) or pixels (image)
    ground: str  # a withholding ground (outcomes.GROUNDS)


@dataclass(frozen=True)
class TextMark:
    text: str
    ground: str


@dataclass
class Redacted:
    data: bytes
    media_type: str
    pages: int
    found: dict[str, int]  # text mark → occurrences blacked out
    boxes: list[dict] = field(default_factory=list)  # every box painted: page, rect (as AreaMark), ground, source


def _ground(value: str, where: str) -> str:
    if value not in GROUNDS:
        choices = "、".join(f"{g.code}（{g.label}）" for g in GROUNDS.values())
        raise InputError(f"{where}的区分处理理由“{value}”无效，可选：{choices}", field="marks")
    return value


def parse_marks(items: list[dict]) -> tuple[list[AreaMark], list[TextMark]]:
    """Marks as a front end sends them: ``{"page": 1, "rect": [x0, y0, x1, y1], "ground": "third_party"}``
    or ``{"text": "张三", "ground": "third_party"}``."""
    areas: list[AreaMark] = []
    texts: list[TextMark] = []
    if not isinstance(items, list) or not items:
        raise InputError("请至少标注一处需要区分处理的内容", field="marks")
    for i, item in enumerate(items, 1):
        where = f"第{i}处标注"
        if not isinstance(item, dict):
            raise InputError(f"{where}格式不正确", field="marks")
        ground = _ground(str(item.get("ground", "")), where)
        if "text" in item:
            text = str(item["text"]).strip()
            if not text:
                raise InputError(f"{where}的文字为空", field="marks")
            texts.append(TextMark(text, ground))
            continue
        page, rect = item.get("page"), item.get("rect")
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise InputError(f"{where}的页码应为从1开始的整数", field="marks")
        if (not isinstance(rect, (list, tuple)) or len(rect) != 4
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in rect)):
            raise InputError(f"{where}的区域应为 [x0, y0, x1, y1] 四个数", field="marks")
        x0, y0, x1, y1 = (float(v) for v in rect)
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            raise InputError(f"{where}的区域面积为零", field="marks")
        areas.append(AreaMark(page, (x0, y0, x1, y1), ground))
    return areas, texts


def _check_pages(areas: list[AreaMark], pages: int) -> None:
    for mark in areas:
        if mark.page > pages:
            raise InputError(f"标注的第{mark.page}页不存在（文件共{pages}页）", field="marks")


def redact_pdf(data: bytes, areas: list[AreaMark], texts: list[TextMark], dpi: int = DEFAULT_DPI,
               quality: int = 90) -> Redacted:
    """The image-only redacted copy of a PDF. ``quality``: JPEG quality of the page pictures (the boxes
    are painted before encoding, so nothing of what they cover reaches the encoder)."""
    import img2pdf
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import ImageDraw

    pictures: list[bytes] = []
    found = {t.text: 0 for t in texts}
    boxes: list[dict] = []
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            raise InputError("PDF 文件已损坏、已加密或格式不正确，无法区分处理", field="file") from None
        try:
            pdf.init_forms()
            pages = len(pdf)
            _check_pages(areas, pages)
            for index in range(pages):
                page = pdf[index]
                # Annotations and form fields become page content: searchable, and rendered as printed.
                # (The wrapper's flatten() insists on a form environment, which PDFs without forms lack;
                # PDFium's own function does not need one.)
                if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_PRINT) == pdfium_c.FLATTEN_SUCCESS:
                    page.close()
                    page = pdf[index]  # flattening invalidates the page's handles
                width, height = page.get_size()  # displayed size in points, rotation applied
                scale = min(dpi / 72, (_MAX_PIXELS / max(width * height, 1)) ** 0.5)
                image = page.render(scale=scale, may_draw_forms=True, draw_annots=True).to_pil().convert("RGB")
                draw = ImageDraw.Draw(image)
                for mark in areas:
                    if mark.page == index + 1:
                        draw.rectangle(pixel_box(mark.rect, scale, image.size, mark.page), fill="black")
                        boxes.append({"page": mark.page, "rect": list(mark.rect), "ground": mark.ground,
                                      "source": "area"})
                textpage = page.get_textpage()
                for t in texts:
                    for rect in _occurrences(textpage, t.text, found):
                        px = _device_rect(pdfium_c, page, image.size, rect)
                        draw.rectangle(px, fill="black")
                        boxes.append({"page": index + 1, "rect": [round(v / scale, 2) for v in px],
                                      "ground": t.ground, "source": "text", "text": t.text})
                textpage.close()
                page.close()
                out = io.BytesIO()
                image.save(out, "JPEG", quality=quality, subsampling=0, dpi=(scale * 72, scale * 72))
                pictures.append(out.getvalue())
        finally:
            pdf.close()
    # Each JPEG carries its resolution, so img2pdf gives its page the original's size in points.
    document = img2pdf.convert(pictures, nodate=True)
    _no_text_layer(document)
    return Redacted(document, "application/pdf", len(pictures), found, boxes)


def _no_text_layer(document: bytes) -> None:
    """Belt and braces: the copy about to be released has not one character of text in it."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(document)
        try:
            for page in pdf:
                textpage = page.get_textpage()
                chars = textpage.count_chars()
                textpage.close()
                page.close()
                if chars:
                    raise RuntimeError("区分处理后的文件仍含文字层，已中止（不应发生）")
        finally:
            pdf.close()


def _occurrences(textpage, text: str, found: dict[str, int]):
    """The boxes (PDF page coordinates) of every occurrence of ``text``, counted into ``found``."""
    searcher = textpage.search(text, match_case=False, match_whole_word=False)
    try:
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            found[text] += 1
            for i in range(textpage.count_rects(start, count)):
                yield textpage.get_rect(i)
    finally:
        searcher.close()


def pixel_box(rect: tuple[float, float, float, float], scale: float, size: tuple[int, int],
              page: int = 1) -> list[int]:
    """Top-left point coordinates → pixel box, rounded outwards and clipped to the picture; a mark
    wholly off the page is an input error."""
    x0, y0, x1, y1 = rect
    w, h = size
    box = [max(0, math.floor(x0 * scale)), max(0, math.floor(y0 * scale)),
           min(w - 1, math.ceil(x1 * scale)), min(h - 1, math.ceil(y1 * scale))]
    if box[0] > box[2] or box[1] > box[3]:
        raise InputError(f"第{page}页的标注区域在页面之外", field="marks")
    return box


def _device_rect(pdfium_c, page, size: tuple[int, int], rect) -> list[int]:
    """A box in PDF page space (left, bottom, right, top) → pixel box on the rendered picture, through
    PDFium's own page-to-device mapping (crop box and page rotation included)."""
    left, bottom, right, top = rect
    w, h = size
    xs, ys = [], []
    for x, y in ((left - _TEXT_PAD, bottom - _TEXT_PAD), (right + _TEXT_PAD, top + _TEXT_PAD),
                 (left - _TEXT_PAD, top + _TEXT_PAD), (right + _TEXT_PAD, bottom - _TEXT_PAD)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, w, h, 0, ctypes.c_double(x), ctypes.c_double(y),
                                   ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value)
        ys.append(dy.value)
    return [max(0, min(xs) - 1), max(0, min(ys) - 1), min(w - 1, max(xs) + 1), min(h - 1, max(ys) + 1)]


def redact_image(data: bytes, areas: list[AreaMark], texts: list[TextMark]) -> Redacted:
    """An image (JPEG, PNG, single- or multi-page TIFF) with the areas painted black, as a PNG without
    the original's metadata (a multi-page TIFF becomes an image-only PDF, one page per frame)."""
    import img2pdf
    from PIL import Image, ImageDraw, ImageOps, ImageSequence, UnidentifiedImageError

    if texts:
        raise InputError("图片没有文字层，不能按文字查找；请在图片上框选需要区分处理的区域", field="marks")
    try:
        source = Image.open(io.BytesIO(data))
        frames = [ImageOps.exif_transpose(frame.copy()) for frame in ImageSequence.Iterator(source)]
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InputError("图片已损坏或格式不正确，无法区分处理", field="file") from None
    _check_pages(areas, len(frames))
    pictures: list[bytes] = []
    boxes: list[dict] = []
    for index, frame in enumerate(frames):
        # A fresh picture from the pixels alone: no EXIF, ICC, XMP or text chunks carried over.
        clean = Image.new("RGB", frame.size, "white")
        if frame.mode in ("RGBA", "LA", "P", "PA"):
            rgba = frame.convert("RGBA")
            clean.paste(rgba, mask=rgba.getchannel("A"))
        else:
            clean.paste(frame.convert("RGB"))
        draw = ImageDraw.Draw(clean)
        for mark in areas:
            if mark.page == index + 1:
                draw.rectangle(pixel_box(mark.rect, 1.0, clean.size, mark.page), fill="black")
                boxes.append({"page": mark.page, "rect": list(mark.rect), "ground": mark.ground, "source": "area"})
        out = io.BytesIO()
        clean.save(out, "PNG")
        pictures.append(out.getvalue())
    if len(pictures) == 1:
        return Redacted(pictures[0], "image/png", 1, {}, boxes)
    return Redacted(img2pdf.convert(pictures, nodate=True), "application/pdf", len(pictures), {}, boxes)


def redact(data: bytes, media_type: str, areas: list[AreaMark], texts: list[TextMark],
           dpi: int = DEFAULT_DPI) -> Redacted:
    """The redacted copy of a document of ``media_type`` (PDF or image)."""
    if media_type == "application/pdf":
        return redact_pdf(data, areas, texts, dpi)
    if media_type in ("image/jpeg", "image/png", "image/tiff"):
        return redact_image(data, areas, texts)
    raise InputError("只能对 PDF 和图片（JPEG、PNG、TIFF）进行区分处理；其他格式请先转换为 PDF", field="file")
