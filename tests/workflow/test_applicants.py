"""Masking of identity numbers and phones; revealing them is logged; the same document = same applicant."""

import pytest
from sqlmodel import select

from engine.errors import InputError, NotFound
from engine.models import AccessLog, Applicant, mask_id, mask_phone
from engine.services.applicants import masked, reveal

from .world import build_world


def test_masks():
    assert mask_id("110101199003071234") == "110***********1234"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id("AB123") == "A****"


def test_same_document_same_applicant_and_reveal_is_logged(db, registry):
    w = build_world(db, registry)
    a = w.register()
    b = w.register()  # the same identity document again
    with w.session() as s:
        assert len(s.exec(select(Applicant)).all()) == 1
        applicant = s.exec(select(Applicant)).one()
        view = masked(applicant)
        assert view["id_number"] == "110***********1234" and view["phone"] == "138****8000"
        with pytest.raises(InputError):
            reveal(s, w.actor("clerk"), applicant.id, " ")
        with pytest.raises(NotFound):
            reveal(s, w.actor("other_clerk"), applicant.id, "核对身份")
        full = reveal(s, w.actor("clerk"), applicant.id, "核对身份")
        assert full["id_number"] == "110101199003071234"
        log = s.exec(select(AccessLog)).one()
        assert log.user_id == w.users["clerk"] and log.reason == "核对身份"
    assert a != b
