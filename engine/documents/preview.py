"""Page pictures of a PDF or image for the browser (the redaction page, the reviewer's side-by-side view).

Sizes are given in the units redaction marks use — PDF points (rotation applied) or image pixels — so
the browser converts a dragged rectangle with one ratio: units per displayed pixel.
"""

from __future__ import annotations

import io

from ..errors import InputError
from .redaction import PDFIUM_LOCK

PREVIEW_WIDTH = 900  # pixels of a page picture


def page_sizes(data: bytes, media_type: str) -> list[tuple[float, float]]:
    """Each page's (width, height) in mark units."""
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                sizes = []
                for i in range(len(pdf)):
                    p = pdf[i]
                    sizes.append(p.get_size())  # as redaction sees it: rotation applied
                    p.close()
                return sizes
            finally:
                pdf.close()
    from PIL import Image, ImageOps, ImageSequence

    image = Image.open(io.BytesIO(data))
    return [ImageOps.exif_transpose(frame.copy()).size for frame in ImageSequence.Iterator(image)]


def render_page(data: bytes, media_type: str, page: int, width: int = PREVIEW_WIDTH) -> bytes:
    """Page ``page`` (1-based) as a PNG ``width`` pixels wide."""
    sizes = page_sizes(data, media_type)
    if not 1 <= page <= len(sizes):
        raise InputError(f"第{page}页不存在（文件共{len(sizes)}页）", field="page")
    if media_type == "application/pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                p = pdf[page - 1]
                picture = p.render(scale=width / sizes[page - 1][0], may_draw_forms=True, draw_annots=True).to_pil()
                p.close()
            finally:
                pdf.close()
    else:
        from PIL import Image, ImageOps, ImageSequence

        frames = ImageSequence.Iterator(Image.open(io.BytesIO(data)))
        picture = ImageOps.exif_transpose(frames[page - 1].copy()).convert("RGB")
        picture = picture.resize((width, max(1, round(picture.height * width / picture.width))))
    out = io.BytesIO()
    picture.convert("RGB").save(out, "PNG")
    return out.getvalue()
