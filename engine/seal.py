"""The agency's seal image (印章): an agency-supplied PNG, checked by its content, kept in the blob store
under its SHA-256 (content-addressed: an issued letter names the exact image it carries)."""

from __future__ import annotations

import base64
import io

from .errors import InputError

MAX_BYTES = 1024 * 1024
MIN_PX, MAX_PX = 200, 3000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_seal_png(data: bytes) -> None:
    """A seal is a PNG (by its bytes, not its name), at most 1 MB, roughly square, 200–3000 pixels a side,
    with a transparent background — printed over the signature and date, it must not hide them."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InputError("请选择印章图片文件", field="seal")
    if len(data) > MAX_BYTES:
        raise InputError(f"印章图片过大：最大1MB（现为{len(data) / 1024 / 1024:.1f}MB）", field="seal")
    if not data.startswith(PNG_SIGNATURE):
        raise InputError("印章图片应为PNG格式（按文件内容判断，而非文件名）", field="seal")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InputError("印章图片已损坏，无法读取", field="seal") from None
    width, height = image.size
    if not (MIN_PX <= width <= MAX_PX and MIN_PX <= height <= MAX_PX):
        raise InputError(f"印章图片尺寸应为{MIN_PX}至{MAX_PX}像素（现为{width}×{height}）", field="seal")
    if not 0.8 <= width / height <= 1.25:
        raise InputError(f"印章图片应接近正方形（现为{width}×{height}）", field="seal")
    alpha = image.convert("RGBA").getchannel("A")
    if alpha.getextrema()[0] == 255:
        raise InputError("印章图片须为透明背景（PNG透明通道），否则会遮挡署名和日期", field="seal")


def store_seal(data: bytes) -> str:
    """Checks the image and stores it; its SHA-256 goes into the agency's settings (``seal_sha256``)."""
    from .documents.storage import blob_store

    check_seal_png(data)
    return blob_store().put(data)


def seal_data_uri(sha256: str) -> str:
    """The image as a data: URI for the letter renderer (re-hashed on read by the blob store)."""
    from .documents.storage import blob_store

    return "data:image/png;base64," + base64.b64encode(blob_store().get(sha256)).decode()
