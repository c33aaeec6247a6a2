"""``ogi check`` verifies every stored blob the documents table refers to: a damaged, missing or
resized blob is a finding naming the application and the file; exit 1 on the command line."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from sqlmodel import Session

from engine.check import run_checks
from engine.documents.integrity import blob_findings
from engine.documents.storage import LocalBlobStore, blob_store
from engine.models import Application, Document
from tests.workflow.world import build_world

TODAY = date(2026, 3, 3)


def add_document(engine, app_id: int, agency_id: int, sha: str, size: int, name: str = "申请表.pdf") -> int:
    with Session(engine) as s:
        doc = Document(application_id=app_id, agency_id=agency_id, kind="application", filename=name,
                       media_type="application/pdf", size=size, pages=1, sha256=sha)
        s.add(doc)
        s.commit()
        return doc.id


def overwrite(store: LocalBlobStore, sha: str, data: bytes) -> None:
    path = store.path(sha)
    os.chmod(path, 0o600)
    path.write_bytes(data)


@pytest.fixture
def world(db, registry, isolated_settings):
    return build_world(db, registry)


def test_intact_blobs_pass_and_damaged_missing_or_resized_ones_are_named(world, db, registry):
    app_id = world.register()
    number = world.app(app_id).number
    store = blob_store()
    good, bad = b"%PDF-1.7 good", b"%PDF-1.7 to be damaged"
    good_sha, bad_sha = store.put(good), store.put(bad)
    add_document(db, app_id, world.agency_id, good_sha, len(good))
    bad_id = add_document(db, app_id, world.agency_id, bad_sha, len(bad), "身份证.jpg")
    with Session(db) as s:
        assert run_checks(s, registry, TODAY) == []
    overwrite(store, bad_sha, b"%PDF-1.7 damaged!!!!!")
    missing_sha = hashlib.sha256(b"never stored").hexdigest()
    missing_id = add_document(db, app_id, world.agency_id, missing_sha, 12, "回证.pdf")
    resized_id = add_document(db, app_id, world.agency_id, good_sha, len(good) + 1, "副本.pdf")
    with Session(db) as s:
        found = [v for v in run_checks(s, registry, TODAY) if v.rule == "文件完整性"]
    assert [v.application for v in found] == [number] * 3
    details = [v.detail for v in found]
    assert f"文件“身份证.jpg”（内部编号 {bad_id}）" in details[0] and "不符" in details[0]
    assert f"文件“回证.pdf”（内部编号 {missing_id}）" in details[1] and "不存在" in details[1]
    assert f"文件“副本.pdf”（内部编号 {resized_id}）" in details[2] and "文件大小" in details[2]
    assert str(found[0]).startswith(f"申请 {number}：[文件完整性]")


def test_a_deployment_without_documents_never_asks_the_store(sqlite_db):
    class Exploding:
        def stream(self, sha):
            raise AssertionError("the store was asked")

    with Session(sqlite_db) as s:
        assert list(blob_findings(s, Exploding())) == []


def test_check_finds_a_tampered_blob_in_the_s3_store(sqlite_db, registry, s3_bucket):
    from engine.documents.s3 import S3BlobStore

    client, bucket = s3_bucket
    store = S3BlobStore(client, bucket)
    w = build_world(sqlite_db, registry)
    app_id = w.register()
    data = b"%PDF-1.7 in s3"
    sha = store.put(data)
    add_document(sqlite_db, app_id, w.agency_id, sha, len(data))
    with Session(sqlite_db) as s:
        assert list(blob_findings(s, store)) == []
    client.put_object(Bucket=bucket, Key=store.key(sha), Body=b"%PDF-1.7 swapped")
    with Session(sqlite_db) as s:
        (number, detail), = blob_findings(s, store)
        assert number == s.get(Application, app_id).number and "不符" in detail


def test_ogi_check_exits_1_on_a_damaged_blob(isolated_settings, registry):
    from typer.testing import CliRunner

    from api.cli import app
    from engine.db import get_engine

    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    w = build_world(get_engine(), registry)
    app_id = w.register()
    store = blob_store()
    sha = store.put(b"%PDF-1.7 x")
    add_document(get_engine(), app_id, w.agency_id, sha, 10)
    assert runner.invoke(app, ["check"]).exit_code == 0
    overwrite(store, sha, b"%PDF-1.7 y")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1 and "[文件完整性]" in result.stdout and "请从备份恢复" in result.stdout
