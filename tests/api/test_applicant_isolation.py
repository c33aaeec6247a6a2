"""One deployment, many agencies: an agency's applicants are its own. Another agency registering the same
identity document never reads, writes, reveals or hints at them; details are kept per application; the
audit trail holds masked identity numbers and phones only."""

from sqlmodel import Session, select

from engine.models import AccessLog
from tests.workflow.world import APPLICANT

FULL_ID, FULL_PHONE = APPLICANT["id_number"], APPLICANT["phone"]
OTHER_PERSON = {**APPLICANT, "name": "冒名者", "phone": "13999999999", "address": "别处路9号"}
OUTCOME = {"outcome": "needs_creation", "details": {"reasons": "需加工分析"}}


def register_other(api, **overrides) -> dict:
    """other_clerk registers at OTHER with the same identity document as DEMO's applicant."""
    from tests.workflow.world import register_inputs

    body = {"agency_code": "OTHER", **register_inputs(applicant=dict(OTHER_PERSON), **overrides)}
    r = api.post("other_clerk", "/api/v1/applications", body)
    assert r.status_code == 201, r.text
    return r.json()


def decide(api, app_id):
    for event in ("start_review", "accept"):
        assert api.event("clerk", app_id, event).status_code == 200
    assert api.event("clerk", app_id, "decide", OUTCOME).status_code == 200


def test_registering_in_another_agency_never_overwrites_this_agencys_applicant(api):
    """Rule: applicants are found or created only within the registering agency; history is never rewritten."""
    mine = api.register()
    decide(api, mine["id"])
    theirs = register_other(api)
    assert theirs["applicant"]["id"] != mine["applicant"]["id"]
    assert theirs["signals"] == {"possible_repeats": [], "month_count": 1}  # nothing hints at DEMO's case
    detail = api.get("clerk", f"/api/v1/applications/{mine['id']}").json()
    assert detail["applicant"]["name"] == "张三" and detail["applicant"]["phone"] == "138****8000"
    assert detail["applicant"]["address"] == APPLICANT["address"]
    r = api.event("head", mine["id"], "sign_off")
    reply = next(x for x in r.json()["letters"] if x["type"] == "reply")
    assert reply["addressee"] == "张三"


def test_reregistering_with_new_details_changes_neither_earlier_applications_nor_their_letters(api):
    """Rule: contact and identity details are stored per application as given on that application."""
    first = api.register()
    decide(api, first["id"])
    api.register(applicant={**APPLICANT, "name": "张三（新）", "phone": "13911112222", "address": "新址"})
    detail = api.get("clerk", f"/api/v1/applications/{first['id']}").json()
    assert (detail["applicant"]["name"], detail["applicant"]["phone"]) == ("张三", "138****8000")
    assert api.event("head", first["id"], "sign_off").json()["letters"][0]["addressee"] == "张三"
    r = api.post("clerk", f"/api/v1/applications/{first['id']}/applicant/reveal", {"reason": "核对"})
    assert r.json()["phone"] == FULL_PHONE


def test_reveal_is_scoped_to_the_applications_agency_and_logged(api):
    """Rule: reveal only by a case role of the application's agency; 404 elsewhere; logged with the agency."""
    mine, theirs = api.register(), register_other(api)
    url = f"/api/v1/applications/{mine['id']}/applicant/reveal"
    assert api.post("other_clerk", url, {"reason": "核对身份"}).status_code == 404
    assert api.post("other_head", f"/api/v1/applicants/{mine['applicant']['id']}/reveal",
                    {"reason": "核对身份"}).status_code == 404
    assert api.post("clerk", f"/api/v1/applicants/{theirs['applicant']['id']}/reveal",
                    {"reason": "核对身份"}).status_code == 404
    r = api.post("supervisor", url, {"reason": "核对身份"})
    assert r.status_code == 403 and "本机关" in r.json()["detail"]
    assert api.post("clerk", url, {"reason": ""}).status_code == 422
    r = api.post("clerk", url, {"reason": "核对身份"})
    assert r.status_code == 200 and (r.json()["id_number"], r.json()["phone"]) == (FULL_ID, FULL_PHONE)
    r = api.post("other_clerk", f"/api/v1/applications/{theirs['id']}/applicant/reveal", {"reason": "核对身份"})
    assert r.json()["phone"] == OTHER_PERSON["phone"]  # their own record, not DEMO's
    from engine.db import get_engine

    with Session(get_engine()) as s:
        logs = s.exec(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(x.agency_id, x.application_id) for x in logs] == [
        (api.world.agency_id, mine["id"]), (api.world.other_agency_id, theirs["id"])]


def test_search_by_name_phone_or_id_stays_within_the_readers_agencies(api):
    """Rule: the queue search (name, whole phone, whole ID number) never finds another agency's applicant."""
    mine = api.register()
    register_other(api)
    for term in (FULL_ID, FULL_PHONE, "张三"):
        found = api.get("clerk", "/api/v1/applications", params={"text": term}).json()
        assert [x["id"] for x in found["items"]] == [mine["id"]], term
        assert api.get("clerk", "/api/v1/applications", params={"applicant": term}).json()["total"] == 1
    assert api.get("other_clerk", "/api/v1/applications", params={"text": "张三"}).json()["total"] == 0
    assert api.get("other_clerk", "/api/v1/applications", params={"applicant": FULL_PHONE}).json()["total"] == 0
    assert api.get("clerk", "/api/v1/applications", params={"text": FULL_ID[:10]}).json()["total"] == 0  # whole only
    assert api.get("supervisor", "/api/v1/applications", params={"applicant": FULL_ID}).json()["total"] == 2


def test_registration_preview_does_not_hint_at_other_agencies(api):
    """Rule: the preview answers for another agency's applicant as for a new one."""
    from api.web.session import csrf_for

    api.register()
    form = {"csrf": csrf_for(api.tokens["other_clerk"]), "channel": "email", "fact_date": "2026-03-02",
            "a_id_type": "resident_id", "a_id_number": FULL_ID, "request_text": "请公开2025年本局行政许可事项办理情况统计"}
    api.client.cookies.set("ogi_session", api.tokens["other_clerk"])
    r = api.client.post("/applications/preview", data=form)
    assert r.status_code == 200 and "新申请人" in r.text and "本月已提出" not in r.text
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    r = api.client.post("/applications/preview", data={**form, "csrf": csrf_for(api.tokens["clerk"])})
    assert "本月已提出 <b>1</b>" in r.text and "DEMO-2026-00001" in r.text


def test_signals_within_the_agency_and_across_agencies_only_for_the_supervisor(api):
    """Rule: same-applicant signals stay within the agency; a supervisor sees them across the agencies it oversees."""
    mine = api.register()
    theirs = register_other(api)
    own = api.get("other_clerk", f"/api/v1/applications/{theirs['id']}/signals").json()
    assert own["month_count"] == 1 and own["possible_repeats"] == []
    overseen = api.get("supervisor", f"/api/v1/applications/{theirs['id']}/signals").json()
    assert overseen["month_count"] == 2 and [x["id"] for x in overseen["possible_repeats"]] == [mine["id"]]
    assert api.get("other_clerk", f"/api/v1/applications/{mine['id']}/signals").status_code == 404


def test_the_audit_trail_over_http_never_shows_a_full_id_number_or_phone(api):
    """Rule: events[].inputs and changes hold masked PII only, for every role that reads the case."""
    app = api.register()
    decide(api, app["id"])
    api.event("head", app["id"], "sign_off")
    for who in ("clerk", "head", "legal", "supervisor"):
        text = api.get(who, f"/api/v1/applications/{app['id']}").text
        assert FULL_ID not in text and FULL_PHONE not in text, who
    register = api.get("clerk", f"/api/v1/applications/{app['id']}").json()["events"][0]
    assert register["inputs"]["applicant"]["id_number"] == "110***********1234"


def test_annual_report_columns_use_the_kind_as_registered_on_each_application(api):
    """Rule: re-registering with another subtype does not move past rows of the report."""
    api.register()
    api.register(applicant={**APPLICANT, "kind": "legal", "subtype": "research"})
    r = api.get("clerk", "/api/v1/reports/annual", params={"agency": "DEMO", "year": 2026})
    assert r.status_code == 200, r.text
    new = next(row for row in r.json()["table3"] if row["row"] == "1")["values"]
    assert (new["natural"], new["research"], new["total"]) == (1, 1, 2)
