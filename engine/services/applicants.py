"""Applicants as shown: masked everywhere; the full identity number or phone only on an audited request,
by a role of the application's own agency, from that application's record."""

from __future__ import annotations

from sqlmodel import Session, select

from ..actors import Actor
from ..errors import Forbidden, InputError, NotFound
from ..models import AccessLog, Agency, Applicant, ApplicantDetails, Application, mask_id, mask_phone
from ..models.applicant import (APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES, PRINCIPAL_CAPACITIES, REPRESENTATIVE_KINDS,
                                mask_pii)

# Who may read a full identity number or phone: the roles that handle the agency's cases. Not the
# supervisor of its competent department (it reads the case, not the identity), not an admin.
REVEAL_ROLES = frozenset({"clerk", "head", "secrecy_reviewer", "legal"})


def masked(applicant: Applicant, details: ApplicantDetails) -> dict:
    """The applicant of one application: identity from the agency's record, the rest as given on it."""
    return {
        "id": applicant.id,
        "kind": details.kind,
        "kind_label": APPLICANT_KINDS.get(details.kind, details.kind),
        "subtype": details.subtype,
        "subtype_label": LEGAL_SUBTYPES.get(details.subtype or "", ""),
        "name": details.name,
        "id_type": applicant.id_type,
        "id_type_label": ID_TYPES.get(applicant.id_type, applicant.id_type),
        "id_number": mask_id(applicant.id_number),
        "phone": mask_phone(details.phone) if details.phone else "",
        "email": details.email,
        "address": details.address,
        "postcode": details.postcode,
        "representative": representative_shown(details.representative, mask=True),
        "co_applicants": [co_applicant_shown(c) for c in details.co_applicants or []],
    }


def representative_shown(rep: dict | None, *, mask: bool) -> dict | None:
    """The 委托代理人 / 法定代理人 with Chinese labels; identity number and phone masked like the applicant's."""
    if not rep:
        return None
    shown = {**rep, "kind_label": REPRESENTATIVE_KINDS.get(rep.get("kind"), ""),
             "id_type_label": ID_TYPES.get(rep.get("id_type"), rep.get("id_type", "")),
             "principal_capacity_label": PRINCIPAL_CAPACITIES.get(rep.get("principal_capacity") or "", "")}
    return mask_pii(shown) if mask else shown


def co_applicant_shown(co: dict) -> dict:
    """A joint applicant, identity number masked."""
    return mask_pii({**co, "kind_label": APPLICANT_KINDS.get(co.get("kind"), ""),
                     "subtype_label": LEGAL_SUBTYPES.get(co.get("subtype") or "", ""),
                     "id_type_label": ID_TYPES.get(co.get("id_type"), co.get("id_type", ""))})


def reveal_on_application(session: Session, actor: Actor, application_id: int, reason: str) -> dict:
    """The full document number and phone of one application's applicant, logged with who, when, why,
    the agency and the application."""
    app = session.get(Application, application_id)
    agency = session.get(Agency, app.agency_id) if app else None
    if app is None or not actor.can_see(agency):
        raise NotFound(f"申请（编号 {application_id}）不存在")
    return _reveal(session, actor, agency, app, reason)


def reveal_applicant(session: Session, actor: Actor, applicant_id: int, reason: str) -> dict:
    """The older route by applicant record. A record belongs to one agency, so it answers only that
    agency's roles, with the details of the applicant's latest application there."""
    applicant = session.get(Applicant, applicant_id)
    agency = session.get(Agency, applicant.agency_id) if applicant else None
    if applicant is None or not actor.can_see(agency):
        raise NotFound("申请人不存在")
    latest = session.exec(select(Application).where(Application.applicant_id == applicant_id)
                          .order_by(Application.received_date.desc(), Application.id.desc())).first()
    if latest is None:
        raise NotFound("申请人不存在")
    return _reveal(session, actor, agency, latest, reason)


def _reveal(session: Session, actor: Actor, agency: Agency, app: Application, reason: str) -> dict:
    if not reason.strip():
        raise InputError("查看完整证件号码须说明理由", field="reason")
    if not _granted_in(actor, agency):
        raise Forbidden("只有本机关的经办人、负责人、保密审查员或法制审核人员可以查看完整证件号码和电话")
    applicant = session.get(Applicant, app.applicant_id)
    details = session.get(ApplicantDetails, app.id)
    what = "id_number,phone" + (",representative" if details.representative else "")
    session.add(AccessLog(user_id=actor.user_id, agency_id=agency.id, applicant_id=applicant.id,
                          application_id=app.id, what=what, reason=reason.strip()))
    session.commit()
    return {**masked(applicant, details), "application_id": app.id, "id_number": applicant.id_number,
            "phone": details.phone, "representative": representative_shown(details.representative, mask=False)}


def _granted_in(actor: Actor, agency: Agency) -> bool:
    """A role granted in the agency itself (a competent department's supervisor holds none there)."""
    return any(agency_id == agency.id and role in REVEAL_ROLES for agency_id, role in actor.grants)
