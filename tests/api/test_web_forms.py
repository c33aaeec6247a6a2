"""The decision form is read from engine.outcomes alone: every detail of every decidable outcome is a
field once, knows the outcomes it serves and which require it; engine errors land on their form field."""

from api.web.forms import DETAIL_FIELDS, EVENT_FIELDS, OUTCOME_FIELDS, form_field_of, inputs_from_form
from engine.outcomes import OUTCOMES


def test_every_detail_is_one_field_with_its_outcomes_and_required_marks():
    by_name = {f.name: f for f in DETAIL_FIELDS}
    assert len(by_name) == len(DETAIL_FIELDS)
    for o in OUTCOMES.values():
        if not o.by_decision:
            assert o.code not in OUTCOME_FIELDS
            continue
        for d in o.details:
            field = by_name["ground" if d.key == "ground" else f"d_{d.key}"]
            assert o.code in field.outcomes and (o.code in field.required_for) == d.required
            assert field.label == d.label


def test_engine_fields_map_to_form_fields():
    assert form_field_of("decide", "details.reasons") == "d_reasons"
    assert form_field_of("decide", "details.ground") == "ground"
    assert form_field_of("request_extension", "days") == "days"
    assert form_field_of("receive_correction", "channel_facts.mail_received") == "received_on"
    assert form_field_of("amend_registration", "applicant.phone") == "phone"
    assert form_field_of("split", "parts.1") == "parts"
    assert form_field_of("decide", "nonsense") is None and form_field_of("decide", None) is None


def test_only_the_chosen_outcomes_details_are_sent():
    form = {"outcome": "not_exist", "d_keywords": "统计", "d_reasons": "不应发送", "ground": "state_secret"}
    assert inputs_from_form("decide", form) == {"outcome": "not_exist", "details": {"keywords": "统计"},
                                                "confirm": False}
    assert all(f.help for f in DETAIL_FIELDS)  # one line of help each
    assert [f.name for f in EVENT_FIELDS["amend_registration"]][-1] == "reason"
