"""JSON responses rendered straight from plain data.

FastAPI validates and walks a returned ``dict`` (``jsonable_encoder``) before rendering it; for data
that is already JSON — the engine's answers are built from strings, numbers and ISO dates — that walk
costs more than the rendering. ``FastJSON`` renders with the standard encoder and falls back to
FastAPI's encoder only for values it does not know (a ``Decimal``, a ``date``), so the output is the same.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse


class FastJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=jsonable_encoder).encode("utf-8")


def attachment(filename: str) -> dict[str, str]:
    """The ``Content-Disposition`` header of a download (RFC 6266): the name in UTF-8 (RFC 5987
    ``filename*``, for 教育局 and the like) and an ASCII fallback for old clients."""
    from urllib.parse import quote

    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"}
