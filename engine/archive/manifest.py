"""What the package and its verifiers share: the manifest's canonical bytes and the audit trail's form.

The manifest lists every part with its SHA-256 and size; its own SHA-256 (of exactly the bytes written
as ``manifest.json``) is recorded on the case (``archive_packages``). A part changed, missing or added
shows against the manifest; a manifest rewritten to match shows against the recorded hash; the audit
trail's hash chain is recomputed and must end at the head the manifest names.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..audit_chain import EVENT_FIELDS, event_hash, genesis, utc_text

FORMAT = "ogi-archive/v1"
MANIFEST = "manifest.json"
AUDIT = "audit-trail.json"


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), indent=None).encode()


def pretty(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_record(event: Any) -> dict:
    """An audit event as the package keeps it: the hashed fields, times as the chain writes them."""
    out = {}
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = utc_text(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    out["prev_hash"], out["hash"] = event.prev_hash, event.hash
    return out


def chain_problems(application_id: int, events: list[dict], head: str) -> list[str]:
    """The hash chain of the packaged trail recomputed: each event over its content and predecessor."""
    problems, prev = [], genesis(application_id)
    for i, e in enumerate(events, 1):
        if e.get("seq") != i:
            problems.append(f"审计记录第{i}条的序号为 {e.get('seq')}，应为 {i}")
        if e.get("prev_hash") != prev or event_hash(e, prev) != e.get("hash"):
            problems.append(f"审计记录第{i}条（{e.get('name')}）的哈希链不成立：内容或顺序被改动")
            break
        prev = e["hash"]
    if not problems and prev != head:
        problems.append("审计记录的哈希链末端与清单记录的链头不符（记录被截断或替换）")
    return problems
