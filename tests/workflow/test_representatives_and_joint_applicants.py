"""Representatives (委托代理人 / 法定代理人) and joint applicants (共同申请人): the principal is recorded and
named on every letter; the representative's identity is masked like the applicant's; letters go
through the representative."""

import pytest
from sqlmodel import select

from engine import workflow
from engine.errors import InputError
from engine.models import ApplicantDetails, Event, Letter
from engine.services.applicants import reveal_on_application
from letters.render import render_html

from .test_happy_paths import to_handling
from .world import APPLICANT, D, build_world, register_inputs

CHILD = {**APPLICANT, "name": "张小明", "id_number": "110101201001011237"}
GUARDIAN = {"kind": "guardian", "name": "张三", "id_type": "resident_id", "id_number": "110101198001015671",
            "phone": "13911112222", "address": "北京市西城区某街2号", "postcode": "100032",
            "authority": "父子关系（户口簿）", "principal_capacity": "minor"}
AGENT = {"kind": "agent", "name": "王律师", "id_type": "resident_id", "id_number": "110101197505052228",
         "phone": "13700001111", "address": "北京市朝阳区律所大厦9层", "authority": "授权委托书（2026年2月28日，一般授权）"}
CO = {"kind": "natural", "name": "李四", "id_type": "resident_id", "id_number": "110101199001011114"}


def register(w, **overrides):
    with w.session() as s:
        app, _ = workflow.register(s, w.actor("clerk"), w.agency_id, register_inputs(**overrides),
                                   today=D("2026-03-02"), registry=w.registry)
        return app.id


def reply_of(w, app_id) -> Letter:
    with w.session() as s:
        return s.exec(select(Letter).where(Letter.application_id == app_id, Letter.type == "reply")).one()


def test_guardian_of_a_minor_applies_the_minor_is_the_principal_and_the_addressee(db, registry):
    """民法典 arts 23, 27: a minor applies through the guardian; the reply is addressed to the minor (the
    principal) and handed over through the guardian, to the guardian's address."""
    w = build_world(db, registry)
    app_id = register(w, applicant=CHILD, representative=GUARDIAN)
    with w.session() as s:
        given = s.get(ApplicantDetails, app_id)
    assert given.name == "张小明" and given.representative["name"] == "张三"
    assert given.representative["principal_capacity"] == "minor"
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    reply = reply_of(w, app_id)
    assert reply.addressee == "张小明"
    assert reply.data["delivery"] == {"name": "张三", "address": GUARDIAN["address"], "postcode": "100032",
                                      "via": "由法定代理人张三转交"}
    html = render_html(reply.data, reply.addressee, letter_type="reply", outcome="needs_creation")
    assert "张小明：" in html and "（由法定代理人张三转交）" in html
    assert GUARDIAN["id_number"] not in str(reply.data) and GUARDIAN["phone"] not in str(reply.data)


def test_agent_with_power_of_attorney_recorded_and_masked_like_the_applicant(db, registry):
    """A 委托代理人 with the power of attorney noted: its identity number and phone are masked in the audit
    trail and the detail, shown in full only on the logged reveal."""
    w = build_world(db, registry)
    app_id = register(w, representative=AGENT)
    with w.session() as s:
        first = s.exec(select(Event).where(Event.application_id == app_id)).first()
        assert AGENT["id_number"] not in str(first.inputs) and AGENT["phone"] not in str(first.inputs)
        assert first.inputs["representative"]["authority"] == AGENT["authority"]
        revealed = reveal_on_application(s, w.actor("clerk"), app_id, "核对代理人身份")
    assert revealed["representative"]["id_number"] == AGENT["id_number"]
    from engine.services.applicants import masked  # the detail's applicant block
    with w.session() as s:
        from engine.models import Applicant, Application
        app = s.get(Application, app_id)
        shown = masked(s.get(Applicant, app.applicant_id), s.get(ApplicantDetails, app_id))
    assert shown["representative"]["id_number"] == "110***********2228"
    assert shown["representative"]["phone"] == "137****1111"
    assert shown["representative"]["kind_label"] == "委托代理人"


@pytest.mark.parametrize("rep, applicant, message", [
    ({**GUARDIAN, "principal_capacity": None}, CHILD, "须注明被代理人"),
    (GUARDIAN, {**APPLICANT, "kind": "legal", "subtype": "commercial", "id_type": "other"}, "只能代理自然人"),
    ({**AGENT, "principal_capacity": "minor"}, APPLICANT, "委托代理人不填写"),
    ({**AGENT, "id_number": APPLICANT["id_number"]}, APPLICANT, "不能是申请人本人"),
    ({**AGENT, "authority": ""}, APPLICANT, "代理权限或监护关系"),
    (GUARDIAN, APPLICANT, "已年满十八周岁"),  # 民法典 art 17: an adult is no minor
])
def test_representative_refusals_name_the_rule(db, registry, rep, applicant, message):
    """A guardian acts only for a natural person without full capacity (民法典 arts 17–23), and says
    which; an agent is not the applicant; the authority (授权委托书 / 监护关系) is required."""
    w = build_world(db, registry)
    with pytest.raises(InputError) as err:
        register(w, applicant=applicant, representative=rep)
    assert message in str(err.value)


def test_joint_applicants_one_contact_letters_name_all(db, registry):
    """共同申请人: several applicants on one application, the first the contact; every letter names all."""
    w = build_world(db, registry)
    company = {"kind": "legal", "subtype": "research", "name": "某研究所", "id_type": "other", "id_number": "ZZ-1"}
    app_id = register(w, co_applicants=[CO, company])
    with w.session() as s:
        given = s.get(ApplicantDetails, app_id)
        first = s.exec(select(Event).where(Event.application_id == app_id)).first()
    assert [c["name"] for c in given.co_applicants] == ["李四", "某研究所"]
    assert CO["id_number"] not in str(first.inputs)
    to_handling(w, app_id)
    w.fire("clerk", app_id, "decide", {"outcome": "needs_creation", "details": {"reasons": "需汇总"}})
    reply = reply_of(w, app_id)
    assert reply.addressee == "张三、李四、某研究所"
    assert reply.data["delivery"]["address"] == APPLICANT["address"] and reply.data["delivery"]["via"] == ""


def test_joint_applicants_with_the_same_document_twice_are_refused(db, registry):
    w = build_world(db, registry)
    with pytest.raises(InputError) as err:
        register(w, co_applicants=[{**CO, "id_number": APPLICANT["id_number"]}])
    assert "重复" in str(err.value)
    with pytest.raises(InputError):
        register(w, co_applicants=[{**CO, "kind": "legal"}])  # an organisation names its category
