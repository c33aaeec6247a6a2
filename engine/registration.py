"""登记: the writer that creates a case (art 29 contents checked; receipt date derived by channel;
tracking number allocated) — through the unit of work, like every event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from calendars import CalendarRegistry

from .actors import Actor, pick_role
from .calendar_registry import get_registry
from .case import Act, Case, local_today
from .change import Change
from .db import begin_write
from .errors import NotFound
from .models import Agency, Applicant, Application
from .models.applicant import normalised_id_number
from .numbering import next_number, tracking_number
from .receipt import CHANNELS, confirm_old_receipt, derive_receipt_date
from .services.intake import REGISTER, ApplicantIn, RegisterIn, check_registration, details_as_given
from .signals import registration_signals
from .unit_of_work import commit_new, insert_new
from .validation import parse


def find_or_create_applicant(session: Session, agency_id: int, data: ApplicantIn) -> Applicant:
    """The identity document is the identity within the registering agency: the same number there is
    the same applicant; another agency's record of the same number is never read or written."""
    number = normalised_id_number(data.id_number)
    query = select(Applicant).where(Applicant.agency_id == agency_id, Applicant.id_type == data.id_type,
                                    Applicant.id_number == number)
    found = session.exec(query).first()
    if found is None:
        try:
            with session.begin_nested():  # a concurrent registration may create the same applicant
                found = Applicant(agency_id=agency_id, id_type=data.id_type, id_number=number)
                session.add(found)
        except IntegrityError:
            found = session.exec(query).one()
    return found


def register(
    session: Session, actor: Actor, agency_id: int, inputs: dict, *,
    today: date | None = None, registry: CalendarRegistry | None = None,
    also: Callable[[Session, Application], None] | None = None,
) -> tuple[Application, dict]:
    """``also``: more work in the same transaction once the case exists (the portal marks the online
    submission confirmed: both are kept, or neither)."""
    today = today or local_today()
    registry = registry or get_registry()
    with begin_write(session):
        agency = session.get(Agency, agency_id)
        if agency is None or not actor.can_see(agency):
            raise NotFound("机关不存在")
        role = pick_role(actor, agency, REGISTER.allowed_roles(agency), REGISTER.label)
        data = parse(RegisterIn, inputs, context={"today": today})
        check_registration(data, today)
        received, facts = derive_receipt_date(data.channel, data.channel_facts, today)
        confirm_old_receipt(received, today, data.confirm, field=f"channel_facts.{CHANNELS[data.channel][1]}")
        applicant = find_or_create_applicant(session, agency.id, data.applicant)
        n = next_number(session, agency.id, "tracking", received.year)
        app = Application(
            agency_id=agency.id,
            number=tracking_number(agency.options.tracking_format, agency.code, received.year, n),
            applicant_id=applicant.id, channel=data.channel, channel_facts=facts, received_date=received,
            request_text=data.request_text, purpose=data.purpose, form_wanted=data.form_wanted,
            delivery_wanted=data.delivery_wanted, request_kind=data.request_kind, evidence=data.evidence,
            status="registered", registered_by_id=actor.user_id,
        )
        case = Case(app, agency, details_as_given(None, data.applicant, data))
        act = Act(actor, role, today, datetime.now(timezone.utc), registry)
        change = Change()
        if agency.options.acknowledgement_letter:
            change.draft_letter("acknowledgement", {})
        insert_new(session, case, act)
        # read once the application exists (it counts itself among the applicant's)
        change.note("signals", registration_signals(session, app, agency))
        commit_new(session, case, act, REGISTER.name, data, change)
        if also is not None:
            also(session, app)
    return app, change.notes["signals"]
