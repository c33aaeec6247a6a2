"""The archive package (归档包, 条例 art 45 归档): a round trip, and every kind of tampering detected —
by ``ogi archive verify`` on the file and by ``ogi check`` on the recorded side."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from api.cli import app as cli
from engine.archive.package import export, export_year
from engine.archive.verify import verify_package
from engine.check import run_checks
from engine.errors import Refused
from engine.models import ArchivePackage, Document, Event
from tests.documents import builders as b
from tests.documents.case_files import add_document
from tests.workflow.test_happy_paths import OUTCOME_DETAILS, sign_and_serve, to_handling
from tests.workflow.world import D, build_world


@pytest.fixture
def w(isolated_settings, registry):
    from engine.db import get_engine
    from engine.migrate import upgrade

    upgrade(isolated_settings.database_url)
    return build_world(get_engine(), registry)


def archived_case(w, documents: int = 2) -> tuple[int, str]:
    app_id = w.register()
    to_handling(w, app_id)
    for i in range(documents):
        add_document(w.engine, app_id, b.html_pdf(f"<p>拟公开信息 第{i + 1}份</p>"), filename=f"信息{i + 1}.pdf")
    add_document(w.engine, app_id, b.image_bytes(), kind="application", filename="申请表.png")
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]},
           today="2026-03-10")
    sign_and_serve(w, app_id, "2026-03-12")
    w.fire("clerk", app_id, "archive", today="2026-03-13")
    return app_id, w.app(app_id).number


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rewrite(path, out, change) -> None:
    parts = members(path)
    change(parts)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_archive_round_trip_art45_catalogue_documents_letters_trail(w, tmp_path):
    app_id, number = archived_case(w)
    out = tmp_path / "case.zip"
    with w.session() as s:
        done = export(s, number, out)
    parts = members(out)
    docs = [n for n in parts if n.startswith("documents/")]
    letters = [n for n in parts if n.startswith("letters/")]
    assert len(docs) == 3 and len(letters) >= 1 and parts[letters[0]].startswith(b"%PDF")
    catalogue = json.loads(parts["catalogue.json"])["entries"]
    assert [e["seq"] for e in catalogue] == list(range(1, len(docs) + len(letters) + 1))
    assert catalogue[0]["title"] == "信息1.pdf" and catalogue[0]["pages"] == 1 and catalogue[0]["kind"] == "拟公开信息"
    rows = list(csv.reader(io.StringIO(parts["catalogue.csv"].decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "文件", "类别", "日期", "页数"] and len(rows) == len(catalogue) + 1
    assert "卷内文件目录" in parts["catalogue.html"].decode()
    trail = json.loads(parts["audit-trail.json"])
    assert trail["chain_head"] == w.app(app_id).events_head and trail["events"][-1]["name"] == "archive"
    assert verify_package(out)[2] == []
    with w.session() as s:
        assert s.exec(select(ArchivePackage)).one().manifest_sha256 == done.manifest_sha256
        assert run_checks(s, w.registry, D("2026-03-13")) == []
        again = export(s, number, tmp_path / "again.zip")
    assert again.manifest_sha256 == done.manifest_sha256 and not again.recorded  # deterministic
    assert (tmp_path / "again.zip").read_bytes() == out.read_bytes()
    result = CliRunner().invoke(cli, ["archive", "verify", str(out)])
    assert result.exit_code == 0 and "归档包完好" in result.output


def test_archive_tampered_package_names_every_changed_missing_or_added_part(w, tmp_path):
    _, number = archived_case(w)
    out = tmp_path / "case.zip"
    with w.session() as s:
        export(s, number, out)
    names = sorted(members(out))
    doc = next(n for n in names if n.startswith("documents/"))
    letter = next(n for n in names if n.startswith("letters/"))

    def tamper(parts):
        parts[doc] = parts[doc].replace(b"%PDF", b"%PDX", 1)
        del parts[letter]
        parts["extra.txt"] = b"x"

    bad = tmp_path / "bad.zip"
    rewrite(out, bad, tamper)
    result = CliRunner().invoke(cli, ["archive", "verify", str(bad)])
    assert result.exit_code == 1
    assert f"部件已改动：{doc}" in result.output and f"缺少部件：{letter}" in result.output
    assert "清单之外的部件：extra.txt" in result.output


def test_archive_rewritten_manifest_and_trail_detected(w, tmp_path):
    """A forger who also fixes the manifest fails against the recorded manifest hash; one who edits the
    audit trail breaks its hash chain."""
    _, number = archived_case(w, documents=1)
    out = tmp_path / "case.zip"
    with w.session() as s:
        export(s, number, out)

    def forge(parts):
        trail = json.loads(parts["audit-trail.json"])
        trail["events"][0]["actor_name"] = "别人"
        parts["audit-trail.json"] = json.dumps(trail).encode()
        manifest = json.loads(parts["manifest.json"])
        for part in manifest["parts"]:
            if part["path"] == "audit-trail.json":
                import hashlib

                part["sha256"] = hashlib.sha256(parts["audit-trail.json"]).hexdigest()
                part["size"] = len(parts["audit-trail.json"])
        parts["manifest.json"] = json.dumps(manifest).encode()

    bad = tmp_path / "forged.zip"
    rewrite(out, bad, forge)
    result = CliRunner().invoke(cli, ["archive", "verify", str(bad)])
    assert result.exit_code == 1
    assert "哈希链不成立" in result.output and "不是为申请" in result.output


def test_archive_check_finds_a_changed_record(w, tmp_path):
    _, number = archived_case(w, documents=1)
    with w.session() as s:
        export(s, number, tmp_path / "case.zip")
        doc = s.exec(select(Document)).first()
        doc.sha256 = "0" * 64  # the row no longer matches what was archived
        s.add(doc)
        record = s.exec(select(ArchivePackage)).one()
        record.manifest = {**record.manifest, "archived_on": "2020-01-01"}
        s.add(record)
        s.commit()
        found = [str(v) for v in run_checks(s, w.registry, D("2026-03-13")) if v.rule == "归档包"]
    assert any("清单记录与其登记的 SHA-256 不符" in f for f in found)


def test_archive_check_finds_a_document_row_changed_after_archiving(w, tmp_path):
    _, number = archived_case(w, documents=1)
    with w.session() as s:
        export(s, number, tmp_path / "case.zip")
        doc = s.exec(select(Document)).first()
        doc.sha256 = "0" * 64
        s.add(doc)
        s.commit()
        found = [str(v) for v in run_checks(s, w.registry, D("2026-03-13")) if v.rule == "归档包"]
    assert any("SHA-256 已改变" in f for f in found)


def test_archive_export_refuses_a_case_not_archived(w, tmp_path):
    app_id = w.register()
    with w.session() as s:
        with pytest.raises(Refused, match="只有已归档的申请"):
            export(s, w.app(app_id).number, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    result = CliRunner().invoke(cli, ["archive", "export", "NO-SUCH", "--out", str(tmp_path / "y.zip")])
    assert result.exit_code != 0


def test_archive_export_year_writes_every_archived_case_and_an_index(w, tmp_path):
    _, first = archived_case(w, documents=1)
    _, second = archived_case(w, documents=0)
    w.register()  # open: not exported
    result = CliRunner().invoke(cli, ["archive", "export-year", "DEMO", "2026", "--out", str(tmp_path / "y")])
    assert result.exit_code == 0, result.output
    index = json.loads((tmp_path / "y" / "index.json").read_text())
    assert sorted(p["application"] for p in index["packages"]) == sorted([first, second])
    for p in index["packages"]:
        assert verify_package(tmp_path / "y" / p["file"])[2] == []
    assert (tmp_path / "y" / "index.csv").read_text(encoding="utf-8-sig").startswith("申请编号")


def test_archiving_produces_the_package_at_the_next_sweep_art45(w, tmp_path):
    """条例第四十五条: archiving produces the case file — the sweep records the package's manifest of every
    newly archived case once; a later export writes the same package (nothing new recorded)."""
    from sqlmodel import Session

    from engine.alerting.sweep import run_sweep

    app_id, number = archived_case(w)
    factory = lambda: Session(w.engine, expire_on_commit=False)  # noqa: E731
    report = run_sweep(factory, w.registry, D("2026-03-16"))
    assert report.packaged == 1 and "生成归档包 1 件" in str(report)
    with w.session() as s:
        rows = s.exec(select(ArchivePackage).where(ArchivePackage.application_id == app_id)).all()
        assert len(rows) == 1 and rows[0].created_by_id is None
        done = export(s, number, tmp_path / "case.zip")
    assert done.manifest_sha256 == rows[0].manifest_sha256 and not done.recorded
    assert run_sweep(factory, w.registry, D("2026-03-17")).packaged == 0  # once per case
    manifest, digest, problems = verify_package(tmp_path / "case.zip")
    assert problems == [] and digest == rows[0].manifest_sha256
