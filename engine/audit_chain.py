"""The tamper evidence of the record: a SHA-256 hash chain per application over its audit events, and
the content hash of every issued letter (bound into the chain by the event that issues it).

One canonical serialisation serves the write path, the migration that backfilled old rows, and
``ogi check``: sorted-key JSON without spaces, times as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, dates as
ISO, NULL as ``null``. Changing anything here breaks every stored hash: only ever add a new version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from typing import Any

# What an event's hash covers (its own id is a surrogate key assigned by the INSERT, so it cannot).
EVENT_FIELDS = ("application_id", "agency_id", "seq", "name", "from_state", "to_state", "actor_id", "actor_name",
                "role", "at", "effective_date", "inputs", "changes", "reason")

# What an issued letter's content hash covers: everything frozen at issue (the PDF through its SHA-256).
LETTER_FIELDS = ("id", "application_id", "agency_id", "type", "outcome", "addressee", "data", "drafted_by_id",
                 "created_at", "series", "year", "seq", "number", "issued_on", "issued_at", "signer_id",
                 "template_version", "pdf_sha256", "chain_head")

_VERSION = "ogi-audit-chain/v1"


def genesis(application_id: int) -> str:
    """The ``prev_hash`` of an application's first event."""
    return hashlib.sha256(f"{_VERSION}/application/{application_id}".encode()).hexdigest()


def utc_text(at: datetime) -> str:
    """A time as the chain writes it (UTC, microseconds, Z)."""
    # SQLite hands back naive datetimes; everything is stored in UTC.
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not serialisable in the audit chain: {type(value).__name__}")


def _fields(record: Any, names: tuple[str, ...]) -> dict:
    if isinstance(record, dict):
        return {name: record[name] for name in names}
    return {name: getattr(record, name) for name in names}


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                            default=_plain)  # built once: json.dumps with options builds one per call


def _digest(body: dict) -> str:
    return hashlib.sha256(_ENCODER.encode(body).encode()).hexdigest()


def event_hash(event: Any, prev_hash: str) -> str:
    """The hash of an event: its fields as a dict, or an ``Event`` row / any object with them."""
    body = _fields(event, EVENT_FIELDS)
    body["prev_hash"] = prev_hash
    body["v"] = _VERSION
    return _digest(body)


def letter_content_hash(letter: Any) -> str:
    """The content hash of an issued letter — its 文号, data, PDF hash, issue date, the chain head… (a
    ``Letter`` or a dict of its fields)."""
    body = _fields(letter, LETTER_FIELDS)
    body["v"] = _VERSION
    return _digest(body)


ISSUING_EVENTS = ("issue_letter", "sign_off")


def issue_record(name: str, changes: dict | None) -> dict | None:
    """What an event recorded of the letter it issued: ``{"id", "number", "content_sha256"}`` (events
    written before the chain existed recorded id and 文号 only), or None."""
    if name not in ISSUING_EVENTS:
        return None
    related = (changes or {}).get("_related") or {}
    if "issued" in related:
        return related["issued"]
    legacy = related.get("letter") if name == "issue_letter" else related.get("reply")
    if not legacy:
        return None
    return {"id": legacy.get("id", legacy.get("letter_id")), "number": legacy.get("number"), "content_sha256": None}
