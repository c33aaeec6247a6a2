"""Letter verification (核验): anyone holding a letter checks its 文号 and the code printed on it. The
answer says genuine, voided or unknown, with the letter's type, issue date and SHA-256 — never whom it
was addressed to or what it says. Failed checks count against the address like failed look-ups."""

from __future__ import annotations

from sqlmodel import Session, select

from ..letter_data import LETTER_TYPES
from ..models import Agency, Letter
from . import codes, limits

CODE_KEY = codes.VERIFY_KEY
RESULTS = {"genuine": "真实有效", "voided": "该文书已作废", "unknown": "未查询到该文书，请核对文号和核验码"}


def verify(session: Session, number: str, code: str, ip: str) -> dict:
    limits.check_lookups(session, ip)
    number = str(number or "").strip()[:64]
    given = codes.normalised(code)
    rows = session.exec(select(Letter).where(Letter.number == number, Letter.status != "draft")).all() if number else []
    for letter in rows:
        stored = codes.normalised(letter.data.get(CODE_KEY, ""))
        if stored and codes.same(codes.sha256_hex(stored), codes.sha256_hex(given)):
            agency = session.get(Agency, letter.agency_id)
            result = "voided" if letter.status == "void" else "genuine"
            return {"result": result, "result_label": RESULTS[result], "number": letter.number,
                    "agency_name": agency.name, "letter_type": LETTER_TYPES.get(letter.type, letter.type),
                    "issued_on": letter.issued_on.isoformat() if letter.issued_on else None,
                    "pdf_sha256": letter.pdf_sha256,
                    "voided_on": letter.voided_at.date().isoformat() if letter.voided_at else None}
    limits.record_failure(session, ip)
    return {"result": "unknown", "result_label": RESULTS["unknown"], "number": number or None, "agency_name": None,
            "letter_type": None, "issued_on": None, "pdf_sha256": None, "voided_on": None}

