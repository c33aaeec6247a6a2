"""条例 art 44: subjects that different applicants request repeatedly are candidates for proactive
disclosure (主动公开). The candidates are computed from the agency's applications of the last year —
grouped by the similarity of their request texts (``signals.text_similarity``, the threshold of the
repeat signal) and kept where at least ``MIN_APPLICANTS`` different applicants asked — and listed for
the agency with the applications behind each. The head records a decision per subject (converted to
proactive disclosure / not, with reasons); each decision is a row of its own and an entry in the admin
audit log, written in one transaction.

A subject is known by its earliest application in the window (``key``). A decision covers the
applications it saw: when more arrive afterwards, the subject is listed again with them as new."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlmodel import Session, select

from .actors import Actor
from .admin_audit import Origin, record_admin_event
from .db import begin_write
from .errors import Forbidden, InputError, NotFound
from .models import Agency, Application, ProactiveDisclosureDecision
from .signals import REPEAT_THRESHOLD, text_similarity

WINDOW_DAYS = 365  # "within a year" (spec workflow.md, helpful signals)
MIN_APPLICANTS = 3  # "several different applicants": the smallest number that is more than a coincidence
MAX_APPLICATIONS = 3000  # the most recent ones compared (pairwise text similarity)
SUBJECT_CHARS = 200
SHARED_PAIRS = 0.3  # the share of character pairs a group's first request must have in common to be compared
MAX_COMPARED = 10  # groups compared per application, at most
COMMON_PAIR = 50  # a character pair in more groups than this is too common to tell subjects apart
READERS = frozenset({"clerk", "head", "legal"})
DECIDERS = frozenset({"head"})
DECISIONS = {"convert": "转为主动公开", "decline": "不转为主动公开"}


def _agency_for(session: Session, actor: Actor, agency_id: int, roles: frozenset[str], what: str) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None or not actor.can_see(agency):
        raise NotFound("机关不存在")
    if not roles & {r for a, r in actor.grants if a == agency.id}:
        raise Forbidden(f"{what}须由本机关的" + "、".join({"clerk": "经办人", "head": "负责人", "legal": "法制审核人员"}[r]
                                                   for r in sorted(roles)) + "办理")
    return agency


def _bigrams(text: str) -> set[str]:
    compact = "".join(text.split())
    return {compact[i:i + 2] for i in range(len(compact) - 1)} or {compact}


def _groups(apps: list[Application]) -> list[list[Application]]:
    """Each application (oldest first) joins the group whose first request it resembles, trying the groups
    sharing the most character pairs with it first. The similarity (``text_similarity``, ~0.15 ms a pair)
    is computed only against the few groups sharing enough telling character pairs with it — a request
    ≥ 80 % alike shares most of them — so 3,000 different requests are grouped in 2–3 s, not in the
    ~10 minutes of comparing every pair."""
    groups: list[list[Application]] = []
    heads: list[set[str]] = []
    index: dict[str, list[int]] = {}
    for app in apps:
        pairs = _bigrams(app.request_text)
        # pairs most requests have (“请公”, “公开”, “年度”) tell no subject apart: left out of the count
        telling = [index.get(pair, ()) for pair in pairs]
        telling = [groups_with for groups_with in telling if len(groups_with) <= COMMON_PAIR]
        shared = Counter(g for groups_with in telling for g in groups_with)
        need = SHARED_PAIRS * len(telling)
        near = [g for g, n in shared.most_common() if n >= min(need, SHARED_PAIRS * len(heads[g]))]
        for g in near[:MAX_COMPARED]:
            if text_similarity(app.request_text, groups[g][0].request_text) >= REPEAT_THRESHOLD:
                groups[g].append(app)
                break
        else:
            for pair in pairs:
                index.setdefault(pair, []).append(len(groups))
            groups.append([app])
            heads.append(pairs)
    return groups


def candidates(session: Session, actor: Actor, agency_id: int, today: date) -> list[dict]:
    """The agency's subjects requested by at least ``MIN_APPLICANTS`` different applicants in the last
    year, most requested first, each with its applications and its latest recorded decision."""
    agency = _agency_for(session, actor, agency_id, READERS, "查看主动公开候选")
    return _candidates(session, agency, today)


def _candidates(session: Session, agency: Agency, today: date) -> list[dict]:
    since = today - timedelta(days=WINDOW_DAYS)
    recent = session.exec(select(Application).where(
        Application.agency_id == agency.id, Application.received_date >= since,
        Application.request_kind == "disclosure")
        .order_by(Application.received_date.desc(), Application.id.desc()).limit(MAX_APPLICATIONS)).all()
    apps = sorted(recent, key=lambda a: (a.received_date, a.id))
    decisions = session.exec(select(ProactiveDisclosureDecision).where(
        ProactiveDisclosureDecision.agency_id == agency.id).order_by(ProactiveDisclosureDecision.id)).all()
    out = []
    for group in _groups(apps):
        applicants = {a.applicant_id for a in group}
        if len(applicants) < MIN_APPLICANTS:
            continue
        key = group[0].id
        ids = {a.id for a in group}
        latest = next((d for d in reversed(decisions) if d.key_application_id == key or ids & set(d.application_ids)),
                      None)
        out.append({
            "key": key, "subject": group[0].request_text[:SUBJECT_CHARS], "applicants": len(applicants),
            "applications": [{"id": a.id, "number": a.number, "received_date": a.received_date.isoformat(),
                              "status": a.status, "outcome": a.outcome,
                              "new_since_decision": latest is not None and a.id not in latest.application_ids}
                             for a in group],
            "decision": _decision_dict(latest) if latest else None,
        })
    out.sort(key=lambda c: (-c["applicants"], c["key"]))
    return out


def _decision_dict(d: ProactiveDisclosureDecision) -> dict:
    return {"id": d.id, "decision": d.decision, "decision_label": DECISIONS[d.decision], "reasons": d.reasons,
            "where": d.where, "decided_by": d.decided_by_name, "decided_at": d.decided_at.isoformat(),
            "application_ids": list(d.application_ids)}


def record_decision(session: Session, actor: Actor, agency_id: int, key: int, decision: str, reasons: str,
                    where: str = "", *, today: date, client: Origin | None = None) -> ProactiveDisclosureDecision:
    """The head's decision on a listed subject, with its reasons; audited in the same transaction."""
    agency = _agency_for(session, actor, agency_id, DECIDERS, "认定是否转为主动公开")
    if decision not in DECISIONS:
        raise InputError("决定应为：" + "、".join(f"{v}（{k}）" for k, v in DECISIONS.items()), field="decision")
    reasons, where = reasons.strip(), where.strip()
    if not reasons:
        raise InputError("须写明理由", field="reasons")
    if decision == "convert" and not where:
        raise InputError("转为主动公开的，须写明公开的位置（栏目或网址）", field="where")
    with begin_write(session):
        subject = next((c for c in _candidates(session, agency, today) if c["key"] == key), None)
        if subject is None:
            raise NotFound(f"没有编号为 {key} 的主动公开候选事项（须有至少{MIN_APPLICANTS}个不同申请人在一年内申请）")
        row = ProactiveDisclosureDecision(
            agency_id=agency.id, key_application_id=key, subject=subject["subject"],
            application_ids=[a["id"] for a in subject["applications"]], decision=decision, reasons=reasons,
            where=where, decided_by_id=actor.user_id, decided_by_name=actor.name[:100])
        session.add(row)
        session.flush()
        client = client or Origin()
        record_admin_event(session, actor, "proactive_disclosure_decision", agency_id=agency.id,
                           target=subject["subject"], ip=client.ip, user_agent=client.user_agent,
                           details={"decision_id": row.id, "key": key, "decision": decision, "reasons": reasons,
                                    "where": where, "applications": [a["number"] for a in subject["applications"]]})
    return row
