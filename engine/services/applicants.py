"""Applicants as shown: masked everywhere; the full identity number or phone only on an audited request."""

from __future__ import annotations

from sqlmodel import Session, select

from ..actors import Actor
from ..errors import InputError, NotFound
from ..models import AccessLog, Agency, Applicant, Application, mask_id, mask_phone
from ..models.applicant import APPLICANT_KINDS, ID_TYPES, LEGAL_SUBTYPES


def masked(applicant: Applicant) -> dict:
    return {
        "id": applicant.id,
        "kind": applicant.kind,
        "kind_label": APPLICANT_KINDS.get(applicant.kind, applicant.kind),
        "subtype": applicant.subtype,
        "subtype_label": LEGAL_SUBTYPES.get(applicant.subtype or "", ""),
        "name": applicant.name,
        "id_type": applicant.id_type,
        "id_type_label": ID_TYPES.get(applicant.id_type, applicant.id_type),
        "id_number": mask_id(applicant.id_number),
        "phone": mask_phone(applicant.phone) if applicant.phone else "",
        "email": applicant.email,
        "address": applicant.address,
    }


def reveal(session: Session, actor: Actor, applicant_id: int, reason: str) -> dict:
    """The full document number and phone, logged with who, when and why."""
    if not reason.strip():
        raise InputError("查看完整证件号码须说明理由", field="reason")
    applicant = session.get(Applicant, applicant_id)
    if applicant is None:
        raise NotFound("申请人不存在")
    agency_ids = set(session.exec(select(Application.agency_id).where(Application.applicant_id == applicant_id)).all())
    visible = [a for a in (session.get(Agency, i) for i in agency_ids) if a and actor.can_see(a)]
    if not visible:
        raise NotFound("申请人不存在")
    session.add(AccessLog(user_id=actor.user_id, agency_id=visible[0].id, applicant_id=applicant_id,
                          what="id_number,phone", reason=reason.strip()))
    session.commit()
    return {**masked(applicant), "id_number": applicant.id_number, "phone": applicant.phone}
