"""条例 art 44 over HTTP: the candidates of an agency and the head's recorded decision."""

from tests.workflow.world import APPLICANT

IDS = ["110101199001011114", "110101197505052228", "110101198001015671"]
TEXT = "请公开2025年本市出租汽车经营权配置结果及配置方式"


def test_art44_candidates_listed_and_decided_over_the_api(api):
    apps = [api.register(request_text=TEXT, applicant={**APPLICANT, "name": f"申请人{i}", "id_number": n})
            for i, n in enumerate(IDS)]
    url = f"/api/v1/agencies/{api.world.agency_id}/proactive-candidates"
    r = api.get("clerk", url)
    assert r.status_code == 200, r.text
    (c,) = r.json()["items"]
    assert c["applicants"] == 3 and {a["number"] for a in c["applications"]} == {a["number"] for a in apps}
    body = {"decision": "decline", "reasons": "属于个别申请人关注的事项，已依申请答复"}
    assert api.post("clerk", f"{url}/{c['key']}/decision", body).status_code == 403
    assert api.post("other_head", f"{url}/{c['key']}/decision", body).status_code == 404
    assert api.get("other_clerk", url).status_code == 404
    bad = api.post("head", f"{url}/{c['key']}/decision", {"decision": "maybe", "reasons": "x"})
    assert bad.status_code == 422 and "决定应为" in bad.json()["detail"]
    r = api.post("head", f"{url}/{c['key']}/decision", body)
    assert r.status_code == 200, r.text
    assert r.json()["decision"]["decision_label"] == "不转为主动公开" and r.json()["decision"]["decided_by"] == "head"
    log = api.get("legal", f"/api/v1/admin/audit?agency_id={api.world.agency_id}&action=proactive_disclosure_decision")
    assert log.status_code == 200 and log.json()["total"] == 1


def test_representative_and_joint_applicants_on_the_detail_masked(api):
    """Art 20 of the issue: the detail answers the representative and the joint applicants, masked."""
    rep = {"kind": "agent", "name": "王律师", "id_type": "resident_id", "id_number": "110101197505052228",
           "phone": "13700001111", "authority": "授权委托书"}
    co = {"kind": "natural", "name": "李四", "id_type": "resident_id", "id_number": "110101199001011114"}
    app = api.register(representative=rep, co_applicants=[co], request_kind="disclosure")
    detail = api.get("clerk", f"/api/v1/applications/{app['id']}").json()
    assert detail["applicant"]["representative"]["id_number"] == "110***********2228"
    assert detail["applicant"]["representative"]["phone"] == "137****1111"
    assert detail["applicant"]["co_applicants"][0]["id_number"] == "110***********1114"
    assert detail["request_kind"] == "disclosure" and detail["request_kind_label"] == "政府信息公开申请"
    assert rep["id_number"] not in str(detail)


def test_art44_workbench_page_lists_candidates_and_the_head_decides(api):
    from api.web.session import csrf_for

    for i, n in enumerate(IDS):
        api.register(request_text=TEXT, applicant={**APPLICANT, "name": f"申请人{i}", "id_number": n})
    api.client.cookies.set("ogi_session", api.tokens["clerk"])
    page = api.client.get("/proactive")
    assert page.status_code == 200 and TEXT in page.text and "记录认定" not in page.text  # a clerk reads only
    assert api.client.get("/proactive?agency=abc").status_code < 500
    api.client.cookies.set("ogi_session", api.tokens["head"])
    page = api.client.get("/proactive")
    assert "记录认定" in page.text and "主动公开候选" in page.text
    key = api.get("head", f"/api/v1/agencies/{api.world.agency_id}/proactive-candidates").json()["items"][0]["key"]
    token = api.tokens["head"]
    r = api.client.post(f"/proactive/{api.world.agency_id}/{key}", follow_redirects=False,
                        data={"csrf": csrf_for(token), "decision": "convert", "reasons": "公众普遍关注", "where": ""})
    assert r.status_code == 303 and "bad=" in r.headers["location"]  # the place of publication is required
    r = api.client.post(f"/proactive/{api.world.agency_id}/{key}", follow_redirects=False,
                        data={"csrf": csrf_for(token), "decision": "convert", "reasons": "公众普遍关注",
                              "where": "本局门户网站"})
    assert r.status_code == 303 and "msg=" in r.headers["location"]
    assert "转为主动公开" in api.client.get("/proactive").text
