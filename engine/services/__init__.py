"""Service layer: one function per event; the only way an application changes.

Importing this package registers every event handler with the pipeline.
"""

from . import (  # noqa: F401  (importing registers the handlers)
    closing,
    consultation,
    correction,
    decision,
    extension,
    fees,
    intake,
    late_exceptions,
    letter_records,
    reasons,
    review_cases,
)
from .intake import register
from .pipeline import EVENT_SPECS, FireResult, available_actions, fire, local_today

__all__ = ["EVENT_SPECS", "FireResult", "available_actions", "fire", "local_today", "register"]
