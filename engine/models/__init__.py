"""Tables (SQLModel), one module per concept. The domain rules live in the services, not here."""

from .admin_event import AdminEvent
from .agency import Agency, AgencySettings
from .archive import ArchivePackage
from .applicant import Applicant, ApplicantDetails, mask_id, mask_phone, mask_pii
from .auth import ApiToken, LoginFailure
from .application import Application
from .calendar import CalendarSchedule
from .documents import Document, Redaction
from .event import AccessLog, Event
from .proactive import ProactiveDisclosureDecision
from .portal import AgencyGuide, OnlineSubmission, PortalFailure
from .report_record import FrozenReport, PriorConclusion
from .records import Alert, Consultation, Delivery, FeeAssessment, Letter, NumberSeries, ReviewCase, ServiceRecord
from .user import ROLE_ZH, Role, RoleGrant, User

__all__ = [
    "ROLE_ZH",
    "AccessLog",
    "AdminEvent",
    "AgencyGuide",
    "OnlineSubmission",
    "PortalFailure",
    "ApiToken",
    "LoginFailure",
    "Agency",
    "AgencySettings",
    "Alert",
    "Applicant",
    "ArchivePackage",
    "ApplicantDetails",
    "Application",
    "CalendarSchedule",
    "Consultation",
    "Delivery",
    "Document",
    "Event",
    "FeeAssessment",
    "FrozenReport",
    "Letter",
    "NumberSeries",
    "PriorConclusion",
    "ProactiveDisclosureDecision",
    "Redaction",
    "ReviewCase",
    "Role",
    "RoleGrant",
    "ServiceRecord",
    "User",
    "mask_id",
    "mask_phone",
    "mask_pii",
]
