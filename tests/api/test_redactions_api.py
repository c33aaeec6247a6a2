"""POST /api/v1/applications/{id}/documents/{doc_id}/redactions (区分处理, 条例 art 37) and the list."""

from __future__ import annotations

import subprocess

from engine.documents.storage import blob_store
from tests.documents import builders as b
from tests.documents.case_files import add_document

SECRET = "LISI-440101198001011234"


def handling(api) -> int:
    app_id = api.register()["id"]
    for event in ("start_review", "accept"):
        assert api.event("clerk", app_id, event).status_code == 200
    return app_id


def test_redaction_api_art37_creates_the_copy_and_lists_it(api):
    app_id = handling(api)
    doc = add_document(api.world.engine, app_id, b.html_pdf(f"<p>第三方 {SECRET}</p>"))
    marks = [{"text": SECRET, "ground": "third_party"}, {"page": 1, "rect": [10, 10, 100, 40], "ground": "third_party"}]
    r = api.post("clerk", f"/api/v1/applications/{app_id}/documents/{doc.id}/redactions", {"marks": marks})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["found"] == {SECRET: 1} and body["media_type"] == "application/pdf" and r.headers["ETag"]
    text = subprocess.run(["pdftotext", "-", "-"], input=blob_store().get(body["sha256"]), capture_output=True,
                          check=True).stdout.decode()
    assert SECRET not in text
    listed = api.get("secrecy", f"/api/v1/applications/{app_id}/redactions").json()
    assert [(x["original_id"], x["redacted_id"], x["marks"]) for x in listed] == [(doc.id, body["document_id"], marks)]


def test_redaction_api_refusals_in_chinese(api):
    app_id = handling(api)
    doc = add_document(api.world.engine, app_id, b.html_pdf("<p>abc</p>"))
    url = f"/api/v1/applications/{app_id}/documents/{doc.id}/redactions"
    r = api.post("clerk", url, {"marks": [{"page": 1, "rect": [0, 0, 1, 1], "ground": "bogus"}]})
    assert r.status_code == 422 and "区分处理理由" in r.json()["detail"]
    assert api.post("clerk", url, {"marks": []}).status_code == 422
    r = api.post("head", url, {"marks": [{"page": 1, "rect": [0, 0, 1, 1], "ground": "third_party"}]})
    assert r.status_code == 403 and "经办人" in r.json()["detail"]
    r = api.post("other_clerk", url, {"marks": [{"page": 1, "rect": [0, 0, 1, 1], "ground": "third_party"}]})
    assert r.status_code == 404
    assert api.get("other_clerk", f"/api/v1/applications/{app_id}/redactions").status_code == 404
    r = api.post("clerk", f"/api/v1/applications/{app_id}/events/redact_document",
                 {"document_id": doc.id, "marks": [{"text": "abc", "ground": "third_party"}],
                  "produced": {"sha256": doc.sha256}})
    assert r.status_code == 422
