"""The legal audit report for an agency and a period: each check with its count and the letters
that failed it; late replies and by how much; withholdings by ground; the corrected-on-review rate."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, select

from calendars import CalendarRegistry
from engine.models import Application, Letter, ReviewCase
from engine.outcomes import GROUNDS

from engine.case_repository import case_of

from .audit import CHECKS, audit_case


def audit_report(session: Session, agency_ids: list[int], start: date, end: date, registry: CalendarRegistry) -> dict:
    app_ids = sorted(set(session.exec(select(Letter.application_id).where(
        Letter.agency_id.in_(agency_ids), Letter.type == "reply", Letter.status == "issued",
        Letter.issued_on >= start, Letter.issued_on <= end)).all()))
    failures: dict[str, list[dict]] = {k: [] for k in CHECKS}
    checked: Counter = Counter()
    late = []
    grounds: Counter = Counter()
    replies = 0
    for app_id in app_ids:
        app = session.get(Application, app_id)
        case = case_of(session, app)
        for f in audit_case(case, registry):
            checked[f.check] += 1
            if not f.ok:
                letter = next((x for x in case.letters() if x.id == f.letter_id), None)
                failures[f.check].append({"application": app.number, "application_id": app.id,
                                          "letter": letter.number if letter else None, "message": f.message})
        for x in case.letters():
            if x.type == "reply" and x.status == "issued" and start <= x.issued_on <= end:
                replies += 1
                ground = (x.data.get("decision") or {}).get("ground")
                if ground:
                    grounds[ground] += 1
        if app.replied_on_time is False:
            late.append({"application": app.number, "application_id": app.id, "replied_on": str(app.replied_on),
                         "late_by_working_days": app.late_by_working_days})
    cases = session.exec(select(ReviewCase).where(ReviewCase.agency_id.in_(agency_ids),
                                                  ReviewCase.decided_on >= start, ReviewCase.decided_on <= end)).all()
    decided = [c for c in cases if c.result != "pending"]
    corrected = [c for c in decided if c.result == "corrected"]
    withheld = sum(grounds.values())
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "replies": replies,
        "checks": [{"check": k, "label": label, "severity": sev, "checked": checked[k], "failed": len(failures[k]),
                    "failures": failures[k]} for k, (label, sev) in CHECKS.items()],
        "late_replies": sorted(late, key=lambda x: -(x["late_by_working_days"] or 0)),
        "withholding_by_ground": [{"ground": g, "label": GROUNDS[g].label, "count": n,
                                   "share": round(n / replies, 4) if replies else 0.0}
                                  for g, n in grounds.most_common()],
        "withholding_share": round(withheld / replies, 4) if replies else 0.0,
        "review_cases_decided": len(decided),
        "corrected_on_review": len(corrected),
        "corrected_rate": round(len(corrected) / len(decided), 4) if decided else 0.0,
    }
