"""Checking an archive package (``ogi archive verify``) and the recorded packages (``ogi check``).

A package on its own: every part the manifest lists is present with its SHA-256 and size, nothing else
is in it, and the audit trail's hash chain ends at the manifest's head. With the database at hand the
manifest's own SHA-256 must be one recorded for that case — a package rebuilt with a consistent but new
manifest fails there. ``ogi check`` verifies the recorded side: each manifest still hashes to its
recorded SHA-256, its documents and letters still have the hashes it lists, and the case's audit chain
still passes through the head it names.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session, select

from ..models import Application, ArchivePackage, Document, Event, Letter
from .manifest import AUDIT, FORMAT, MANIFEST, canonical, chain_problems, sha256


def _hash_member(z: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with z.open(name) as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def read_manifest(path: Path) -> tuple[dict | None, str | None, list[str]]:
    """(manifest, its SHA-256, problems) of a package file."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return None, None, [f"不是可读取的 ZIP 归档包：{type(exc).__name__}"]
    with z:
        if MANIFEST not in z.namelist():
            return None, None, [f"缺少清单 {MANIFEST}"]
        raw = z.read(MANIFEST)
    try:
        manifest = json.loads(raw)
    except ValueError:
        return None, sha256(raw), [f"清单 {MANIFEST} 不是有效的 JSON"]
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("parts"), list):
        return None, sha256(raw), [f"清单 {MANIFEST} 不是本系统的归档包清单（{FORMAT}）"]
    return manifest, sha256(raw), []


def verify_package(path: Path) -> tuple[dict | None, str | None, list[str]]:
    """The package against its own manifest: (manifest, manifest SHA-256, every problem, each naming its part)."""
    manifest, digest, problems = read_manifest(path)
    if manifest is None:
        return None, digest, problems
    with zipfile.ZipFile(path) as z:
        present = set(z.namelist())
        listed = set()
        for part in manifest["parts"]:
            name = part.get("path", "")
            listed.add(name)
            if name not in present:
                problems.append(f"缺少部件：{name}")
                continue
            try:
                actual, size = _hash_member(z, name)
            except (zipfile.BadZipFile, OSError, ValueError):  # a damaged entry (CRC mismatch)
                problems.append(f"部件已损坏（无法读取）：{name}")
                continue
            if actual != part.get("sha256") or size != part.get("size"):
                problems.append(f"部件已改动：{name}（SHA-256 应为 {str(part.get('sha256'))[:12]}…，实为 {actual[:12]}…）")
        for extra in sorted(present - listed - {MANIFEST}):
            problems.append(f"清单之外的部件：{extra}")
        if AUDIT in present and AUDIT in listed and not any(AUDIT in p for p in problems):
            trail = json.loads(z.read(AUDIT))
            problems.extend(f"{AUDIT}：{p}" for p in chain_problems(manifest.get("application_id"),
                                                                      trail.get("events", []),
                                                                      manifest.get("chain_head")))
    return manifest, digest, problems


def recorded_problems(session: Session, manifest: dict, digest: str) -> list[str]:
    """The package's manifest against what the database recorded for its case."""
    recorded = session.exec(select(ArchivePackage.manifest_sha256)
                            .where(ArchivePackage.application_id == manifest.get("application_id"))).all()
    if not recorded:
        return [f"数据库中没有申请 {manifest.get('application')} 的归档包登记"]
    if digest not in recorded:
        return [f"{MANIFEST}：清单的 SHA-256（{digest[:12]}…）不是为申请 {manifest.get('application')} 登记的任何归档包"
                "（清单被改写或替换）"]
    return []


def record_findings(session: Session) -> Iterator[tuple[str | None, str]]:
    """For ``ogi check``: (application number, problem) of every recorded archive package."""
    rows = session.exec(select(ArchivePackage, Application.number)
                        .outerjoin(Application, Application.id == ArchivePackage.application_id)
                        .order_by(ArchivePackage.id)).all()
    for record, number in rows:
        m = record.manifest
        label = f"归档包（清单 {record.manifest_sha256[:12]}…）"
        if sha256(canonical(m)) != record.manifest_sha256:
            yield number, f"{label}的清单记录与其登记的 SHA-256 不符（记录被改动）"
            continue
        for part in m.get("parts", []):
            if "document_id" in part:
                doc = session.get(Document, part["document_id"])
                if doc is None or doc.sha256 != part["sha256"]:
                    yield number, f"{label}：部件 {part['path']} 对应的文件记录已不存在或其 SHA-256 已改变"
            elif "letter_id" in part:
                letter = session.get(Letter, part["letter_id"])
                if letter is None or letter.pdf is None or sha256(letter.pdf) != part["sha256"]:
                    yield number, f"{label}：部件 {part['path']} 对应的文书 PDF 已不存在或已改变"
        head = session.exec(select(Event.hash).where(Event.application_id == record.application_id,
                                                     Event.seq == m.get("events"))).first()
        if head != m.get("chain_head"):
            yield number, f"{label}：审计记录第{m.get('events')}条的哈希与归档包记录的链头不符"
