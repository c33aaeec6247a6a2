"""Documents on a test case without the upload route (another module's): the library's intake plus a row."""

from __future__ import annotations

import io

from sqlmodel import Session

from engine.documents.intake import receive
from engine.models import Agency, Application, Document


def add_document(engine, app_id: int, data: bytes, *, kind: str = "to_disclose", filename: str = "拟公开.pdf",
                 user_id: int | None = None, settings=None) -> Document:
    with Session(engine, expire_on_commit=False) as s:
        app = s.get(Application, app_id)
        agency = s.get(Agency, app.agency_id)
        got = receive(io.BytesIO(data), filename, kind, agency.options, settings=settings)
        doc = Document(application_id=app_id, agency_id=app.agency_id, kind=kind, filename=got.filename,
                       media_type=got.media_type, size=got.size, pages=got.pages, sha256=got.sha256,
                       added_by_id=user_id, scan_verdict=got.scan_verdict)
        s.add(doc)
        s.commit()
        return doc
