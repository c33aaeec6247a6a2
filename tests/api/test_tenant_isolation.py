"""Tenant isolation on a shared deployment (spec README roles ``admin`` / ``platform_admin``): an agency
admin manages only users whose every grant lies in agencies it administers; platform-wide operations
belong to the platform administrator; every administrative change is in the admin audit log.

Personas (tests/api/conftest.py): ``admin`` administers DEMO (agency A), ``other_admin`` administers
OTHER (agency B), ``platform`` is the platform administrator (no agency grant), ``legal`` is DEMO's legal
reviewer, ``supervisor`` sits in GOV, DEMO's competent department.
"""

import json

import pytest

from .conftest import api  # noqa: F401
from .test_bad_input import assert_refused

PASSWORD = "Takeover-2026!"


def uid(api, who):
    return api.world.users["head2" if who == "admin" else who]  # the ``admin`` persona is head2


def grant(api, who, user, agency_id, role):
    return api.post(who, f"/api/v1/admin/users/{uid(api, user)}/roles", {"agency_id": agency_id, "role": role})


def reset(api, who, user, password=PASSWORD):
    return api.post(who, f"/api/v1/admin/users/{uid(api, user)}/password", {"password": password})


def patch_agency(api, who, agency_id, body):
    return api.client.patch(f"/api/v1/admin/agencies/{agency_id}", json=body, headers=api.headers(who))


def gov_admin_headers(api, username):
    """A new agency admin of GOV (DEMO's competent department), made by the platform admin, logged in."""
    gov = next(a for a in api.get("platform", "/api/v1/admin/agencies").json() if a["code"] == "GOV")
    r = api.post("platform", "/api/v1/admin/users", {"username": username, "name": "政府办管理员",
                                                     "password": "Gov-admin-2026",
                                                     "roles": [{"agency_id": gov["id"], "role": "admin"}]})
    assert r.status_code == 201
    login = api.client.post("/api/v1/auth/login", json={"username": username, "password": "Gov-admin-2026"}).json()
    return {"Authorization": f"Bearer {login['token']}"}


def grants_of(api, user):
    from sqlmodel import Session, select

    from engine.db import get_engine
    from engine.models import RoleGrant

    with Session(get_engine()) as s:
        return {(g.agency_id, g.role) for g in s.exec(select(RoleGrant).where(RoleGrant.user_id == uid(api, user))).all()}


def test_rule_other_agency_admin_cannot_grant_then_reset_to_take_over(api):
    """Account takeover chain: B's admin grants A's admin a role in B, then resets its password — both refused."""
    before = grants_of(api, "admin")
    assert_refused(grant(api, "other_admin", "admin", api.world.other_agency_id, "clerk"), 403)
    assert_refused(reset(api, "other_admin", "admin"), 403)
    assert grants_of(api, "admin") == before
    assert api.get("admin", "/api/v1/auth/me").status_code == 200  # A's admin's login was not revoked


def test_rule_nobody_grants_themselves_roles(api):
    """Self-grant into A by B's admin, self-grant in one's own agency, and by the platform admin: refused."""
    assert_refused(grant(api, "other_admin", "other_admin", api.world.agency_id, "admin"), 403)
    assert_refused(grant(api, "other_admin", "other_admin", api.world.other_agency_id, "clerk"), 403)
    assert_refused(grant(api, "admin", "admin", api.world.agency_id, "clerk"), 403)
    assert_refused(grant(api, "platform", "platform", api.world.agency_id, "admin"), 403)
    assert (api.world.agency_id, "admin") not in grants_of(api, "other_admin")
    assert grants_of(api, "platform") == set()


def test_rule_granting_in_an_agency_needs_its_admin(api):
    """A's admin cannot give its own user a role in B; B's admin cannot give B's clerk a role in A."""
    assert_refused(grant(api, "admin", "clerk", api.world.other_agency_id, "clerk"), 403)
    assert_refused(grant(api, "other_admin", "other_clerk", api.world.agency_id, "clerk"), 403)
    assert grant(api, "admin", "clerk2", api.world.agency_id, "legal").status_code == 201
    assert grant(api, "other_admin", "other_clerk", api.world.other_agency_id, "head").status_code == 201


def test_rule_other_agency_admin_cannot_deactivate_or_reset_a_user_of_a(api):
    r = api.post("other_admin", f"/api/v1/admin/users/{uid(api, 'clerk')}/deactivate")
    assert_refused(r, 403)
    assert_refused(reset(api, "other_admin", "clerk"), 403)
    assert api.get("clerk", "/api/v1/auth/me").status_code == 200


def test_rule_user_with_a_grant_elsewhere_is_out_of_an_agency_admins_reach(api):
    """A user who also holds a role in B is managed only by the platform admin (or an admin of both)."""
    assert grant(api, "platform", "clerk", api.world.other_agency_id, "clerk").status_code == 201
    assert_refused(reset(api, "admin", "clerk"), 403)
    assert_refused(reset(api, "other_admin", "clerk"), 403)
    assert_refused(api.post("admin", f"/api/v1/admin/users/{uid(api, 'clerk')}/deactivate"), 403)
    users = {u["username"]: u for u in api.get("admin", "/api/v1/admin/users").json()}
    assert users["clerk"]["manageable"] is False and users["clerk2"]["manageable"] is True
    assert reset(api, "platform", "clerk").status_code == 200


def test_rule_agency_admin_cannot_manage_a_platform_admin(api):
    from sqlmodel import Session

    from engine import admin
    from engine.db import get_engine
    from engine.models import Agency, User

    with Session(get_engine()) as s:
        admin.grant(s, s.get(User, uid(api, "platform")), s.get(Agency, api.world.agency_id), "legal")
        s.commit()
    assert_refused(reset(api, "admin", "platform"), 403)
    assert_refused(api.post("admin", f"/api/v1/admin/users/{uid(api, 'platform')}/deactivate"), 403)


def test_admin_deactivates_and_reactivates_own_user_tokens_revoked(api):
    """Deactivation ends every login at once; reactivation allows a new login; the platform admin may too."""
    r = api.post("admin", f"/api/v1/admin/users/{uid(api, 'clerk2')}/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.get("clerk2", "/api/v1/auth/me").status_code == 401
    assert reset(api, "admin", "clerk2").status_code == 200
    login = {"username": "clerk2", "password": PASSWORD}
    assert api.client.post("/api/v1/auth/login", json=login).status_code == 401
    r = api.post("admin", f"/api/v1/admin/users/{uid(api, 'clerk2')}/activate")
    assert r.status_code == 200 and r.json()["active"] is True
    assert api.client.post("/api/v1/auth/login", json=login).status_code == 200
    assert api.post("platform", f"/api/v1/admin/users/{uid(api, 'other_clerk')}/deactivate").status_code == 200
    assert_refused(api.post("admin", f"/api/v1/admin/users/{uid(api, 'admin')}/deactivate"), 403)  # not oneself


def test_agency_admin_creates_users_only_with_a_role_of_its_own_and_keeps_the_last_grant(api):
    body = {"username": "newbie", "name": "新人", "password": "Long-enough-pw1"}
    assert_refused(api.post("admin", "/api/v1/admin/users", {**body, "roles": []}), 422)
    assert_refused(api.post("admin", "/api/v1/admin/users", {**body, "platform_admin": True,
                                                             "roles": [{"agency_id": api.world.agency_id, "role": "clerk"}]}), 403)
    r = api.post("admin", "/api/v1/admin/users", {**body, "roles": [{"agency_id": api.world.agency_id, "role": "clerk"}]})
    assert r.status_code == 201 and r.json()["manageable"] is True
    user = r.json()
    assert_refused(api.client.delete(f"/api/v1/admin/users/{user['id']}/roles/{user['roles'][0]['id']}",
                                     headers=api.headers("admin")), 409)
    r = api.post("platform", "/api/v1/admin/users", {"username": "platform2", "name": "第二平台管理员",
                                                     "password": "Another-long-1", "platform_admin": True})
    assert r.status_code == 201 and r.json()["platform_admin"] is True


@pytest.mark.parametrize("password, message", [
    ("short-1", "至少10位"), ("aaaaaaaaaaaa", "同一个字符"), ("my-clerk2-password", "用户名"), ("CLERK2-xyz-99", "用户名"),
])
def test_password_policy_over_http(api, password, message):
    r = reset(api, "admin", "clerk2", password)
    assert_refused(r, 422)
    assert message in r.json()["detail"]


def test_settings_visible_only_for_own_agencies_and_secret_write_only(api):
    r = patch_agency(api, "admin", api.world.agency_id,
                     {"settings": {"webhook_url": "https://hooks.example.cn/ogi", "webhook_secret": "s3cret-value"}})
    assert r.status_code == 200, r.text
    assert "webhook_secret" not in r.json()["settings"] and r.json()["settings"]["webhook_secret_set"] is True
    assert "s3cret-value" not in r.text
    mine = api.get("other_admin", "/api/v1/admin/agencies").json()
    assert [a["id"] for a in mine] == [api.world.other_agency_id]
    assert mine[0]["settings"]["webhook_secret_set"] is False
    every = api.get("platform", "/api/v1/admin/agencies")
    assert len(every.json()) == 3 and "s3cret-value" not in every.text
    assert all("webhook_secret" not in a["settings"] for a in every.json())
    own = api.get("admin", "/api/v1/admin/agencies").json()
    assert [a["id"] for a in own] == [api.world.agency_id]
    # reading back and sending the settings again (with webhook_secret_set) keeps the secret
    r = patch_agency(api, "admin", api.world.agency_id, {"settings": own[0]["settings"]})
    assert r.status_code == 200 and r.json()["settings"]["webhook_secret_set"] is True
    assert_refused(patch_agency(api, "other_admin", api.world.agency_id, {"settings": {"legal_review_required": True}}), 403)
    assert_refused(patch_agency(api, "other_admin", api.world.agency_id, {}), 403)
    # refused for who it is before what it sends is even read
    assert_refused(patch_agency(api, "other_admin", api.world.agency_id, {"settings": {"webhook_url": "http://10.0.0.1/"}}), 403)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST./x", "http://[::1]/", "http://10.0.0.5/",
    "http://172.16.3.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
    "http://[fd00::1]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/", "http://0.0.0.0/",
    "http://[::ffff:10.0.0.1]/", "http://2130706433/", "ftp://hooks.example.cn/", "file:///etc/passwd",
    "javascript:alert(1)", "http://user:pw@hooks.example.cn/",
])
def test_rule_webhook_must_be_public_http(api, url):
    r = patch_agency(api, "admin", api.world.agency_id, {"settings": {"webhook_url": url}})
    assert_refused(r, 422)
    assert "推送地址" in r.json()["detail"]


def test_public_webhook_accepted(api):
    for url in ("https://hooks.example.cn/ogi", "http://203.0.113.0/x".replace("203.0.113.0", "8.8.8.8")):
        assert patch_agency(api, "admin", api.world.agency_id, {"settings": {"webhook_url": url}}).status_code == 200


def test_rule_fee_approval_switch_belongs_to_the_competent_department(api):
    """The supervised agency's own admin cannot switch 核准 off; GOV's admin and the platform admin can."""
    r = patch_agency(api, "admin", api.world.agency_id, {"settings": {"fee_approval_by_supervisor": False}})
    assert_refused(r, 403)
    r = patch_agency(api, "admin", api.world.agency_id,  # the same value sent with another change is fine
                     {"settings": {"fee_approval_by_supervisor": True, "acknowledgement_letter": True}})
    assert r.status_code == 200 and r.json()["settings"]["fee_approval_by_supervisor"] is True
    gov_headers = gov_admin_headers(api, "govadmin")
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", headers=gov_headers,
                         json={"settings": {"fee_approval_by_supervisor": False}})
    assert r.status_code == 200, r.text
    r = api.client.patch(f"/api/v1/admin/agencies/{api.world.agency_id}", headers=gov_headers,
                         json={"settings": {"legal_review_required": True}})
    assert_refused(r, 403)  # the competent department does not run the agency's other settings
    r = patch_agency(api, "platform", api.world.agency_id, {"settings": {"fee_approval_by_supervisor": True}})
    assert r.status_code == 200 and r.json()["settings"]["fee_approval_by_supervisor"] is True


def test_rule_platform_wide_operations_belong_to_the_platform_admin(api):
    body = {"code": "JTJ2", "name": "示例市水务局", "competent_department": "GOV"}
    assert_refused(api.post("admin", "/api/v1/admin/agencies", body), 403)
    r = api.post("platform", "/api/v1/admin/agencies", body)
    assert r.status_code == 201 and r.json()["code"] == "JTJ2"
    assert_refused(patch_agency(api, "admin", api.world.agency_id, {"name": "改名"}), 403)
    assert_refused(patch_agency(api, "admin", api.world.agency_id, {"competent_department": ""}), 403)
    assert_refused(patch_agency(api, "platform", api.world.agency_id, {"competent_department": "DEMO"}), 422)
    r = patch_agency(api, "platform", api.world.agency_id, {"name": "示例市交通运输局（新）", "competent_department": "JTJ2"})
    assert r.status_code == 200 and r.json()["name"] == "示例市交通运输局（新）"
    assert r.json()["competent_department_id"] == next(
        a["id"] for a in api.get("platform", "/api/v1/admin/agencies").json() if a["code"] == "JTJ2")
    gov = next(a for a in api.get("platform", "/api/v1/admin/agencies").json() if a["code"] == "GOV")
    assert_refused(patch_agency(api, "platform", gov["id"], {"competent_department": "DEMO"}), 422)  # a cycle
    year = "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"
    headers = {"Content-Type": "application/yaml"}
    assert_refused(api.client.post("/api/v1/calendar/import", content=year.encode(), headers=api.headers("admin", **headers)), 403)
    r = api.client.post("/api/v1/calendar/import", content=year.encode(), headers=api.headers("platform", **headers))
    assert r.status_code == 200


def test_admin_audit_log_records_changes_and_is_read_by_legal_and_platform(api):
    """Grants, password resets, deactivation, settings (before/after, secrets masked), agency creation and
    calendar imports are logged; DEMO's legal reviewer reads DEMO's entries only; the platform admin all."""
    assert grant(api, "admin", "clerk2", api.world.agency_id, "legal").status_code == 201
    assert reset(api, "admin", "clerk2").status_code == 200
    assert api.post("admin", f"/api/v1/admin/users/{uid(api, 'clerk2')}/deactivate").status_code == 200
    assert patch_agency(api, "admin", api.world.agency_id, {"settings": {
        "correction_period_days": 10, "webhook_secret": "very-secret-1"}}).status_code == 200
    assert grant(api, "other_admin", "other_clerk", api.world.other_agency_id, "head").status_code == 201
    assert api.post("platform", "/api/v1/admin/agencies", {"code": "NEW", "name": "新机关"}).status_code == 201
    year = "year: 2027\nsource: 国办发明电〔2026〕测试号\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"
    assert api.client.post("/api/v1/calendar/import", content=year.encode(),
                           headers=api.headers("platform", **{"Content-Type": "application/yaml"})).status_code == 200

    r = api.get("legal", "/api/v1/admin/audit", headers={"User-Agent": "test-agent"})
    assert r.status_code == 200
    body = r.json()
    assert "very-secret-1" not in r.text and PASSWORD not in r.text
    assert {e["agency_id"] for e in body["items"]} == {api.world.agency_id}
    actions = {e["action"] for e in body["items"]}
    assert actions == {"role_grant", "password_reset", "user_deactivate", "agency_update"}
    update = next(e for e in body["items"] if e["action"] == "agency_update")
    assert update["action_label"] == "修改机关设置" and update["actor_name"] == "head2"
    assert update["details"]["before"]["settings"]["correction_period_days"] == 15
    assert update["details"]["after"]["settings"]["correction_period_days"] == 10
    assert update["details"]["after"]["settings"]["webhook_secret"] == "******"
    assert update["ip"] and update["user_agent"]

    every = api.get("platform", "/api/v1/admin/audit").json()
    assert {"calendar_import", "agency_create"} <= {e["action"] for e in every["items"]}
    assert every["total"] == body["total"] + 3
    only = api.get("platform", "/api/v1/admin/audit?action=calendar_import").json()
    assert only["total"] == 1 and only["items"][0]["agency_id"] is None
    paged = api.get("platform", "/api/v1/admin/audit?page_size=2&page=2").json()
    assert len(paged["items"]) == 2 and paged["total"] == every["total"]
    assert api.get("platform", "/api/v1/admin/audit?from=2000-01-01&to=2000-01-02").json()["total"] == 0

    assert_refused(api.get("legal", f"/api/v1/admin/audit?agency_id={api.world.other_agency_id}"), 403)
    assert_refused(api.get("admin", "/api/v1/admin/audit"), 403)  # head2 is admin and head, not legal
    assert_refused(api.get("clerk", "/api/v1/admin/audit"), 403)
    assert_refused(api.get("platform", "/api/v1/admin/audit?from=2026-13-01"), 422)
    assert_refused(api.get("platform", "/api/v1/admin/audit?action=nope"), 422)


def test_audit_entry_is_in_the_same_transaction_as_a_refused_change(api):
    """A refused change leaves no audit entry (and an accepted one always has one)."""
    assert_refused(patch_agency(api, "admin", api.world.agency_id, {"settings": {"webhook_url": "http://10.0.0.1/"}}), 422)
    assert_refused(reset(api, "other_admin", "clerk"), 403)
    assert api.get("platform", "/api/v1/admin/audit").json()["total"] == 0


def test_workbench_admin_and_audit_pages(api):
    """The web admin page applies the same rules: B's admin cannot reset A's user's password by form."""
    from api.web.session import csrf_for

    api.client.cookies.set("ogi_session", api.tokens["other_admin"])
    page = api.client.get("/admin")
    assert page.status_code == 200 and "示例市交通运输局 的设置" not in page.text
    r = api.client.post(f"/admin/password-{uid(api, 'clerk')}",
                        data={"csrf": csrf_for(api.tokens["other_admin"]), "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303 and "bad=" in r.headers["location"]
    api.client.cookies.set("ogi_session", api.tokens["admin"])
    r = api.client.post(f"/admin/deactivate-{uid(api, 'clerk2')}", data={"csrf": csrf_for(api.tokens["admin"])},
                        follow_redirects=False)
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    page = api.client.get("/admin")
    assert "已停用" in page.text and "/admin/calendar" not in page.text  # the calendar is the platform admin's
    api.client.cookies.set("ogi_session", api.tokens["legal"])
    page = api.client.get("/admin/audit")
    assert page.status_code == 200 and "停用账号" in page.text and "管理日志" in page.text
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    assert api.client.get("/admin/audit").status_code == 403
    api.client.cookies.set("ogi_session", api.tokens["platform"])
    page = api.client.get("/admin")
    assert page.status_code == 200 and "/admin/calendar" in page.text and "新增机关" in page.text
    assert json.loads(api.get("platform", "/api/v1/auth/me").text)["platform_admin"] is True


def test_rule_fee_approval_needs_the_competent_departments_supervisor(api):
    """109号: 核准 comes from the competent department. A supervisor grant in the agency itself (which the
    agency's own admin may give) does not let the agency approve its own fee."""
    assert grant(api, "admin", "head", api.world.agency_id, "supervisor").status_code == 201
    app = api.register()
    for event in ("start_review", "accept"):
        assert api.event("clerk", app["id"], event).status_code == 200
    assert api.event("clerk", app["id"], "propose_fee", {"method": "per_volume", "pages": 250}).status_code == 200
    r = api.event("head", app["id"], "approve_fee")
    assert_refused(r)
    assert "主管部门" in r.json()["detail"]
    assert api.event("supervisor", app["id"], "approve_fee").status_code == 200


def test_rule_fee_count_scope_across_agencies_is_the_platform_admins(api):
    """Counting an identity's applications at every agency would let an agency admin probe which ID numbers
    other agencies know: only the platform admin may set ``fee_count_scope``."""
    assert_refused(patch_agency(api, "admin", api.world.agency_id, {"settings": {"fee_count_scope": "all"}}), 403)
    r = patch_agency(api, "platform", api.world.agency_id, {"settings": {"fee_count_scope": "all"}})
    assert r.status_code == 200 and r.json()["settings"]["fee_count_scope"] == "all"


def test_rule_supervised_report_drill_down_is_for_the_departments_supervisors(api):
    """The supervised report's drill-down lists the supervised agencies' applications and applicants:
    the competent department's supervisor reads it, its agency admin does not."""
    headers = gov_admin_headers(api, "govadmin2")
    for url in ("/api/v1/reports/annual?agency=GOV&year=2026&supervised=true",
                "/api/v1/reports/annual/cell?agency=GOV&year=2026&row=1&column=natural&supervised=true"):
        assert_refused(api.client.get(url, headers=headers), 403)
        assert api.get("supervisor", url).status_code == 200
