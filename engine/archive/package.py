"""Building the archive package of an archived case.

The ZIP holds: ``卷内文件目录`` (catalogue.html, .csv, .json: sequence, document, date, pages,
SHA-256), every document's file (``documents/``) and every frozen letter's PDF (``letters/``), the audit
trail with its hash chain head (``audit-trail.json``) and ``manifest.json`` (every part's SHA-256 and
size). The package is deterministic — the same case gives the same bytes (entry times are the archive
date, JSON with sorted keys) — so exporting again gives the same manifest hash, recorded once.
Blobs are read through the store, which re-hashes them: a damaged blob stops the export.
"""

from __future__ import annotations

import csv
import html
import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import exists
from sqlmodel import Session, select

from ..actors import Actor
from ..case import SHANGHAI
from ..documents.kinds import KINDS
from ..documents.storage import BlobStore, blob_store
from ..errors import DomainError, NotFound, Refused
from ..models import Agency, Application, ArchivePackage, Document, Event, Letter
from ..states import STATES
from .manifest import AUDIT, FORMAT, MANIFEST, canonical, event_record, pretty, sha256

_EXT = {"application/pdf": "pdf", "application/ofd": "ofd", "image/jpeg": "jpg", "image/png": "png",
        "image/tiff": "tif", "application/msword": "doc", "application/vnd.ms-excel": "xls",
        "application/zip": "zip"}
_STATUS = {"active": "有效", "withdrawn": "已撤回", "replaced": "已替换", "issued": "已印发", "void": "已作废"}
_LETTER_NAMES = {"reply": "答复书", "acknowledgement": "登记回执", "correction_notice": "补正告知书",
                 "extension_notice": "延期答复告知书", "fee_notice": "收费通知书",
                 "termination_notice": "终止办理告知书"}
_COLUMNS = ("序号", "文件", "类别", "日期", "页数", "SHA-256", "状态", "包内路径")


@dataclass
class Exported:
    path: Path
    number: str
    manifest_sha256: str
    parts: int
    recorded: bool  # False: the same package was exported before (same manifest hash)


def _ext(media_type: str) -> str:
    if "wordprocessingml" in media_type:
        return "docx"
    if "spreadsheetml" in media_type:
        return "xlsx"
    return _EXT.get(media_type, "bin")


def _local_day(moment: datetime) -> str:
    if moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI).date().isoformat()


def _pdf_pages(data: bytes) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return None


class _Writer:
    """A ZIP with fixed entry times, recording each part's hash for the manifest."""

    def __init__(self, target, when: date) -> None:
        self.zip = zipfile.ZipFile(target, "w")
        self.when = (when.year, when.month, when.day, 0, 0, 0)
        self.parts: list[dict] = []

    def add(self, name: str, data: bytes, role: str, compress: bool = True, **ref) -> dict:
        info = zipfile.ZipInfo(name, self.when)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)
        part = {"path": name, "sha256": sha256(data), "size": len(data), "role": role, **ref}
        self.parts.append(part)
        return part


def _catalogue_html(app: Application, agency: Agency, rows: list[list]) -> bytes:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>卷内文件目录 {app.number}</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #444;"
            "padding:2px 6px;font-size:11pt}td:nth-child(6){font-family:monospace;font-size:8pt}</style></head><body>"
            f"<h1>卷内文件目录</h1><p>{html.escape(agency.name)} · 申请编号 {html.escape(app.number)} · "
            f"归档日期 {app.archived_on}</p><table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"
            "<p>各文件的 SHA-256 亦见 manifest.json；核验：ogi archive verify 本文件</p></body></html>").encode()


def _catalogue_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # BOM: Excel opens the Chinese correctly


def build(session: Session, application_id: int, target, store: BlobStore | None = None) -> dict:
    """Write the package of an archived case to ``target`` (a path or a binary file); returns the manifest."""
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"申请（编号 {application_id}）不存在")
    if app.status != "archived" or app.archived_on is None:
        raise Refused(f"只有已归档的申请才能导出归档包（申请 {app.number} 当前状态为“{STATES.get(app.status, app.status)}”）")
    agency = session.get(Agency, app.agency_id)
    store = store or blob_store()
    docs = session.exec(select(Document).where(Document.application_id == app.id).order_by(Document.id)).all()
    letters = session.exec(select(Letter).where(Letter.application_id == app.id, Letter.pdf.is_not(None))
                           .order_by(Letter.id)).all()
    events = session.exec(select(Event).where(Event.application_id == app.id).order_by(Event.seq)).all()

    out = _Writer(target, app.archived_on)
    rows, entries, seq = [], [], 0
    with out.zip:
        for doc in docs:
            seq += 1
            data = store.get(doc.sha256)  # verified on read
            part = out.add(f"documents/{seq:03d}-{doc.id}.{_ext(doc.media_type)}", data, "document",
                           compress=False, document_id=doc.id)
            entries.append({"seq": seq, "title": doc.filename, "kind": KINDS[doc.kind].label if doc.kind in KINDS else doc.kind,
                            "date": _local_day(doc.added_at), "pages": doc.pages, "sha256": part["sha256"],
                            "status": _STATUS.get(doc.status, doc.status), "path": part["path"]})
        for letter in letters:
            seq += 1
            part = out.add(f"letters/{seq:03d}-{letter.id}.pdf", letter.pdf, "letter", compress=False,
                           letter_id=letter.id)
            name = _LETTER_NAMES.get(letter.type, letter.type)
            entries.append({"seq": seq, "title": f"{name} {letter.number or ''}".strip(), "kind": "文书",
                            "date": letter.issued_on.isoformat() if letter.issued_on else "",
                            "pages": _pdf_pages(letter.pdf), "sha256": part["sha256"],
                            "status": _STATUS.get(letter.status, letter.status), "path": part["path"]})
        rows = [[e["seq"], e["title"], e["kind"], e["date"], e["pages"] if e["pages"] is not None else "",
                 e["sha256"], e["status"], e["path"]] for e in entries]
        out.add("catalogue.json", pretty({"application": app.number, "entries": entries}), "catalogue")
        out.add("catalogue.csv", _catalogue_csv(rows), "catalogue")
        out.add("catalogue.html", _catalogue_html(app, agency, rows), "catalogue")
        trail = [event_record(e) for e in events]
        out.add(AUDIT, pretty({"application_id": app.id, "application": app.number, "events": trail,
                               "chain_head": app.events_head}), "audit")
        manifest = {"format": FORMAT, "application_id": app.id, "application": app.number,
                    "agency": {"code": agency.code, "name": agency.name}, "archived_on": app.archived_on.isoformat(),
                    "events": len(trail), "chain_head": app.events_head, "parts": out.parts}
        info = zipfile.ZipInfo(MANIFEST, out.when)
        info.compress_type = zipfile.ZIP_DEFLATED
        out.zip.writestr(info, canonical(manifest))
    return manifest


def export(session: Session, number: str, out_file: Path, actor: Actor | None = None,
           store: BlobStore | None = None) -> Exported:
    """``ogi archive export``: the package of the archived case ``number``, its manifest hash recorded."""
    app = session.exec(select(Application).where(Application.number == number)).first()
    if app is None:
        raise NotFound(f"申请“{number}”不存在")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_name(out_file.name + ".part")
    try:
        manifest = build(session, app.id, tmp, store)
        tmp.replace(out_file)
    finally:
        tmp.unlink(missing_ok=True)
    digest, new = record(session, app, manifest, actor)
    session.commit()
    return Exported(out_file, app.number, digest, len(manifest["parts"]), new)


def record(session: Session, app: Application, manifest: dict, actor: Actor | None) -> tuple[str, bool]:
    """The manifest's hash recorded for the case (once per distinct manifest); True when it is new."""
    digest = sha256(canonical(manifest))
    known = session.exec(select(ArchivePackage).where(ArchivePackage.application_id == app.id,
                                                      ArchivePackage.manifest_sha256 == digest)).first()
    if known is None:
        session.add(ArchivePackage(application_id=app.id, agency_id=app.agency_id, manifest_sha256=digest,
                                   manifest=manifest, created_by_id=actor.user_id if actor else None))
    return digest, known is None


def freeze_archived(session: Session, store: BlobStore | None = None, limit: int = 100) -> tuple[int, list[str]]:
    """条例第四十五条 归档: every archived case without a recorded package gets one — built, and its manifest
    hash recorded, which freezes what the case file held when it was archived (the package is
    deterministic: ``ogi archive export`` writes the same bytes later, and ``ogi check`` and
    ``ogi archive verify`` prove it unchanged). Run by each scheduler sweep, so archiving produces the
    package within one sweep. A case whose files cannot be read is left for the next sweep and named in
    the problems (``ogi check`` names the damaged blob). Returns (packages recorded, problems)."""
    pending = session.exec(select(Application).where(
        Application.status == "archived",
        ~exists().where(ArchivePackage.application_id == Application.id)).order_by(Application.id).limit(limit)).all()
    done, problems = 0, []
    for app in pending:
        try:
            with tempfile.TemporaryFile() as spool:  # a large case file is not held in memory
                manifest = build(session, app.id, spool, store)
        except DomainError as exc:
            session.rollback()
            problems.append(f"申请 {app.number} 的归档包未能生成：{exc.message}")
            continue
        record(session, app, manifest, None)
        session.commit()
        done += 1
    return done, problems


def export_year(session: Session, agency_code: str, year: int, out_dir: Path,
                store: BlobStore | None = None) -> list[Exported]:
    """Every case of the agency archived in ``year``: one package each, plus ``index.csv``/``index.json``."""
    agency = session.exec(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None:
        raise NotFound(f"机关“{agency_code}”不存在")
    numbers = session.exec(select(Application.number).where(
        Application.agency_id == agency.id, Application.status == "archived",
        Application.archived_on >= date(year, 1, 1), Application.archived_on <= date(year, 12, 31))
        .order_by(Application.number)).all()
    out_dir.mkdir(parents=True, exist_ok=True)
    done = [export(session, n, out_dir / f"{n}.zip", store=store) for n in numbers]
    index = [{"application": e.number, "file": e.path.name, "manifest_sha256": e.manifest_sha256,
              "parts": e.parts} for e in done]
    (out_dir / "index.json").write_bytes(pretty({"agency": agency.code, "year": year, "packages": index}))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["申请编号", "文件", "清单 SHA-256", "部件数"])
    writer.writerows([[i["application"], i["file"], i["manifest_sha256"], i["parts"]] for i in index])
    (out_dir / "index.csv").write_bytes(("\ufeff" + buf.getvalue()).encode())
    return done
