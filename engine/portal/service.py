"""电子送达 on the portal: the applicant downloads an issued letter with the tracking number and query
code; where the applicant asked for the information online or by e-mail, the first download is the
service (recorded on the case by the system through ``record_service``, method ``online``, with the
time and address), which starts the periods that run from service (correction, payment, remedies)."""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import Session, select

from calendars import CalendarRegistry

from .. import workflow
from ..actors import Actor
from ..errors import DomainError, NotFound
from ..letter_data import LETTER_TYPES
from ..models import Application, Letter, ServiceRecord
from .progress import _find, local

ELECTRONIC = ("online", "email")  # the ways of delivery that make a download the service


def download(session: Session, tracking_number: str, code: str, letter_id: int, ip: str, *, today: date,
             registry: CalendarRegistry | None = None) -> tuple[bytes, str]:
    row = _find(session, tracking_number, code, ip)
    letter = session.get(Letter, letter_id) if row.application_id else None
    if letter is None or letter.application_id != row.application_id or letter.status != "issued" or not letter.pdf:
        raise NotFound("没有这份文书")
    pdf, name = letter.pdf, f"{LETTER_TYPES.get(letter.type, '文书')}-{letter.number}.pdf"
    app = session.get(Application, row.application_id)
    served = session.exec(select(ServiceRecord.id).where(ServiceRecord.letter_id == letter.id,
                                                         ServiceRecord.failed.is_(False))).first()
    if app.delivery_wanted in ELECTRONIC and served is None:
        from datetime import datetime, timezone

        proof = f"申请人于{local(datetime.now(timezone.utc))}通过网上平台首次下载（地址 {ip or '未知'}）"
        try:
            workflow.fire(session, Actor.system(), app.id, "record_service",
                          {"letter_id": letter.id, "method": "online", "served_on": today.isoformat(),
                           "proof": proof[:300]}, today=today, registry=registry)
        except DomainError as exc:  # e.g. a concurrent first download recorded it: the letter is still sent
            logging.getLogger("ogi.portal").info("网上送达未登记：%s", exc.message)
    return pdf, name
