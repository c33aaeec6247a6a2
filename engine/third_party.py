"""Disclosure over a third party's objection (条例 art 32), one rule for the decision, the sign-off
guard and the legal audit.

A decision that releases information overrides every objecting third party — unless it is a 部分公开
that withholds exactly what that third party objected to (the clerk marks those objections, by
consultation number or party name, in ``objections_withheld``). An override needs the public-interest
reasons (不公开可能对公共利益造成重大影响), and the 公开决定告知书 stating them must be issued and served
on the third party before the reply that discloses is signed off.
"""

from __future__ import annotations

from .case import Case
from .models import Consultation, Letter
from .outcomes import OUTCOMES

NOTICE = "third_party_disclosure_notice"


def objections(consultations: list[Consultation]) -> list[Consultation]:
    return [c for c in consultations if c.kind == "third_party" and c.result == "objection"]


def withheld_as_objected(c: Consultation, marks: list) -> bool:
    marks = {str(m).strip() for m in marks or []}
    return str(c.id) in marks or c.party in marks


def overridden(consultations: list[Consultation], outcome: str | None, details: dict | None) -> list[Consultation]:
    """The objecting third parties whose objected information the decision releases."""
    if outcome not in OUTCOMES or not OUTCOMES[outcome].releases:
        return []
    marks = ((details or {}).get("objections_withheld") or []) if outcome == "partial" else []
    return [c for c in objections(consultations) if not withheld_as_objected(c, marks)]


def notices_for(case: Case, c: Consultation) -> list[Letter]:
    """The override notices to that third party (a notice drafted before notices named their consultation
    is matched by the party's name)."""
    return [x for x in case.letters() if x.type == NOTICE and x.status != "void"
            and (x.data.get("consultation_id") == c.id
                 or (x.data.get("consultation_id") is None and x.data.get("party") == c.party))]


def served(case: Case) -> set[int]:
    """The letters served (read only where a third party was overridden: most cases never need them)."""
    return {r.letter_id for r in case.service_records() if not r.failed}


def untold(case: Case) -> list[str]:
    """Why the reply may not be issued yet: each overridden third party not yet served its notice."""
    problems = []
    for c in overridden(case.consultations(), case.app.outcome, case.app.outcome_details):
        notices = notices_for(case, c)
        issued = [x for x in notices if x.status == "issued"]
        if any(x.status == "draft" for x in notices):  # the current decision's notice
            problems.append(f"致第三方“{c.party}”的公开决定告知书尚未印发：须印发并送达该第三方后，方可签发答复书"
                            "（条例第三十二条）")
        elif not issued:
            problems.append(f"第三方“{c.party}”不同意公开，决定公开的，须先印发公开决定告知书（写明公开的内容和理由）"
                            "并送达该第三方，再签发答复书（条例第三十二条）")
        elif max(issued, key=lambda x: x.id).id not in served(case):  # the latest notice, stating this decision
            problems.append(f"向第三方“{c.party}”印发的公开决定告知书尚未登记送达，送达后方可签发答复书（条例第三十二条）")
    return problems
