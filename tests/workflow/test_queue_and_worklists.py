"""The queue pages through every case, sorts by any column, searches closed cases and by phone, identity
number (whole or as masked) and 文号, filters by state, light and "mine" with counts that match the rows;
the worklists give each role only its own work, oldest first (spec workflow.md, roles)."""

from __future__ import annotations


import pytest
from sqlmodel import select

from engine.models import Letter
from engine.queries import LIGHTS, SORTS, ListFilters, list_applications
from engine.worklists import worklists

from .test_happy_paths import OUTCOME_DETAILS, to_handling
from .world import APPLICANT, D, build_world

TODAY = D("2026-03-10")


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def listing(w, user="clerk", **filters):
    with w.session() as s:
        return list_applications(s, w.actor(user), ListFilters(**filters), w.registry, TODAY, with_counts=True)


def ids(result) -> list[int]:
    return [x["id"] for x in result["items"]]


def test_every_case_is_reachable_page_by_page(w):
    made = [w.register(today=f"2026-03-0{1 + i % 9}", channel_facts={"mail_received": f"2026-03-0{1 + i % 9}"})
            for i in range(57)]
    first = listing(w, page_size=50)
    assert (first["total"], first["pages"], len(first["items"])) == (57, 2, 50)
    second = listing(w, page_size=50, page=2)
    assert len(second["items"]) == 7
    assert sorted(ids(first) + ids(second)) == sorted(made)


@pytest.mark.parametrize("key", sorted(SORTS))
def test_every_column_sorts_both_ways(w, key):
    for i, name in enumerate(["王五", "张三", "李四"]):
        w.register(applicant={**APPLICANT, "name": name}, request_text=f"请公开第{i}项", today=f"2026-03-0{2 + i}",
                   channel_facts={"mail_received": f"2026-03-0{2 + i}"})
    field = {"due": "due_date", "received": "received_date", "number": "number", "status": "status",
             "text": "request_text", "applicant": "applicant"}[key]
    value = (lambda x: x["applicant"]["name"]) if key == "applicant" else (lambda x: x[field])
    up = [value(x) for x in listing(w, sort=key, descending=False)["items"]]
    down = [value(x) for x in listing(w, sort=key, descending=True)["items"]]
    if key != "status":
        assert up == sorted(up) and down == sorted(down, reverse=True)
    assert len(up) == 3


def test_unknown_sort_and_light_are_refused_in_chinese(w):
    from engine.errors import InputError

    with pytest.raises(InputError, match="排序方式应为"):
        listing(w, sort="colour")
    with pytest.raises(InputError, match="交通灯应为"):
        listing(w, lights=["blue"])


def test_closed_cases_are_searched_too(w):
    gone = w.register(request_text="请公开已撤回的那份文件")
    w.fire("clerk", gone, "withdraw", {"withdrawn_on": "2026-03-03"})
    w.register()
    assert listing(w, text="已撤回", open_only=True)["total"] == 0
    assert ids(listing(w, text="已撤回")) == [gone]
    assert ids(listing(w, closed_only=True)) == [gone]


def test_search_by_phone_id_number_masked_id_and_letter_number(w):
    mine = w.register()
    other = w.register(applicant={**APPLICANT, "name": "李四", "id_number": "110101198001091236", "phone": "010-66668888"})
    for term in ("13800138000", "138 0013 8000", "+86 138-0013-8000", "110101199003091234", "110***********1234",
                 "１１０１０１１９９００３０９１２３４"):
        assert ids(listing(w, text=term)) == [mine], term
    assert ids(listing(w, text="01066668888")) == [other]
    for partial in ("1101011990030912", "1101011990030912*4", "110*1234"):  # never completes a number
        assert listing(w, text=partial)["total"] == 0, partial
    to_handling(w, mine)
    w.fire("clerk", mine, "decide", {"outcome": "not_exist", "details": OUTCOME_DETAILS["not_exist"]}, today="2026-03-10")
    w.fire("head", mine, "sign_off", today="2026-03-10")
    with w.session() as s:
        number = s.exec(select(Letter.number).where(Letter.application_id == mine, Letter.number.is_not(None))).first()
    assert number and ids(listing(w, text=number)) == [mine]


def test_mine_state_and_light_filters_with_counts_that_match(w):
    a, b, c = (w.register(today=d, channel_facts={"mail_received": d}) for d in ("2026-02-10", "2026-03-02", "2026-03-09"))
    w.fire("clerk", a, "start_review", today="2026-03-03")
    w.fire("clerk2", b, "start_review", today="2026-03-03")
    assert ids(listing(w, clerk_id=w.users["clerk"])) == [a]
    everything = listing(w)
    for state, count in everything["counts"].items():
        assert listing(w, status=[state])["total"] == count
    assert sum(everything["counts"].values()) == everything["total"] == 3
    by_light = {light: ids(listing(w, lights=[light])) for light in LIGHTS}
    for x in everything["items"]:
        assert x["id"] in by_light[x["light"]]
    assert sorted(sum(by_light.values(), [])) == sorted([a, b, c])


def lists(w, user) -> dict[str, list[int]]:
    with w.session() as s:
        return {x["key"]: ids(x) for x in worklists(s, w.actor(user), w.registry, TODAY)}


def test_each_role_sees_only_its_own_work(db, registry):
    w = build_world(db, registry, legal_review_required=True)
    old, new = w.register(today="2026-03-02"), w.register(today="2026-03-03", channel_facts={"mail_received": "2026-03-03"})
    for app_id in (new, old):
        to_handling(w, app_id)
        w.fire("clerk", app_id, "decide", {"outcome": "partial", "details": OUTCOME_DETAILS["partial"]}, today="2026-03-05")
    assert lists(w, "secrecy") == {"secrecy": [old, new]}  # oldest first
    assert lists(w, "head") == {"head_review": [], "sign_off": []}
    assert lists(w, "legal") == {"legal": []}
    assert lists(w, "clerk")["mine"] == [old, new] and lists(w, "clerk2")["mine"] == []
    w.fire("secrecy", old, "pass_secrecy_review", today="2026-03-06")
    assert lists(w, "legal") == {"legal": [old]} and lists(w, "head")["sign_off"] == []  # legal review first
    w.fire("legal", old, "legal_review", {"approve": True}, today="2026-03-06")
    assert lists(w, "legal") == {"legal": []} and lists(w, "head")["sign_off"] == [old]
    assert lists(w, "supervisor") == {"approve_fee": []}


def test_head_reviews_extension_requests_and_the_supervisor_its_agencies_fees(w):
    ext, fee = w.register(), w.register()
    for app_id in (ext, fee):
        to_handling(w, app_id)
    w.fire("clerk", ext, "request_extension", {"days": 10, "reason": "需调取档案"}, today="2026-03-05")
    w.fire("clerk", fee, "propose_fee", {"method": "per_volume", "pages": 250}, today="2026-03-04")
    assert lists(w, "head")["head_review"] == [ext]  # the supervisor approves this agency's fees
    assert lists(w, "supervisor") == {"approve_fee": [fee]}
    assert lists(w, "other_head") == {"head_review": [], "sign_off": []}
