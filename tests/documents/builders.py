"""Real files made in the tests (no binary fixtures): PDFs with text, CJK, form fields, annotations,
scanned pages; images; office containers."""

from __future__ import annotations

import io
import zipfile

CJK_FONT = "Noto Sans CJK SC"


def html_pdf(body: str, title: str = "", forms: bool = False) -> bytes:
    from weasyprint import HTML

    html = (f"<html><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>body {{ font-family: '{CJK_FONT}'; font-size: 14pt }} @page {{ size: A4; margin: 2cm }}</style>"
            f"</head><body>{body}</body></html>")
    return HTML(string=html).write_pdf(pdf_forms=forms)


def picture(text: str = "SCANNED 12345", size=(600, 300), colour="black", mode="RGB"):
    """A picture with dark text on white, like a scan."""
    from PIL import Image, ImageDraw

    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    for row in range(5):
        draw.text((20, 20 + row * 50), text, fill=colour, font_size=36)
    return image


def image_bytes(fmt: str = "PNG", **kw) -> bytes:
    out = io.BytesIO()
    image = picture()
    image.save(out, fmt, **kw)
    return out.getvalue()


def scanned_pdf(pages: int = 1) -> bytes:
    """An image-only PDF, as a scanner produces (no text layer)."""
    import img2pdf

    pics = []
    for i in range(pages):
        out = io.BytesIO()
        picture(f"SCAN PAGE {i + 1}").save(out, "JPEG", quality=90, dpi=(100, 100))
        pics.append(out.getvalue())
    return img2pdf.convert(pics)


def with_annotation(pdf: bytes, text: str) -> bytes:
    """Add a FreeText note whose appearance shows ``text`` (ASCII, Helvetica) and whose /Contents holds it."""
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    page = src.pages[0]
    font = src.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    ap = pikepdf.Stream(src, f"BT /Helv 12 Tf 2 6 Td ({text}) Tj ET".encode())
    ap.Type, ap.Subtype, ap.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 250, 24]
    ap.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font))
    annot = src.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[100, 300, 350, 324],
        Contents=pikepdf.String(text), DA=pikepdf.String("/Helv 12 Tf 0 g"), F=4,
        AP=pikepdf.Dictionary(N=ap)))
    page.obj.Annots = src.make_indirect(pikepdf.Array([annot]))
    out = io.BytesIO()
    src.save(out)
    return out.getvalue()


def rotated(pdf: bytes, degrees: int = 90) -> bytes:
    import pikepdf

    src = pikepdf.open(io.BytesIO(pdf))
    for page in src.pages:
        page.obj.Rotate = degrees
    out = io.BytesIO()
    src.save(out)
    return out.getvalue()


def encrypted_pdf(user: str = "secret", owner: str = "owner") -> bytes:
    import pikepdf

    src = pikepdf.open(io.BytesIO(scanned_pdf()))
    out = io.BytesIO()
    src.save(out, encryption=pikepdf.Encryption(user=user, owner=owner))
    return out.getvalue()


def zip_with(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in names.items():
            z.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "统计"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ole2(stream_name: str) -> bytes:
    """The start of an OLE2 compound file with a directory entry ``stream_name`` — enough for the
    content check (a real .doc/.xls has the same header and directory names)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + b"\x00" * 512 + stream_name.encode("utf-16-le") + b"\x00" * 2000
