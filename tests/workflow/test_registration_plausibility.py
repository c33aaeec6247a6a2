"""登记 refuses what cannot be right (GB 11643, GB 32100, phone, e-mail, postcode, lengths) with the field's
Chinese label, stores what was typed in full-width digits half-width, and asks for confirmation of a
receipt more than a year back or a 检索日期 after today (条例 art 29 contents; spec workflow.md 登记)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from engine import workflow
from engine.errors import InputError, Unconfirmed
from engine.models import Applicant, ApplicantDetails, Application

from .test_happy_paths import to_handling
from .world import APPLICANT, D, build_world, register_inputs


@pytest.fixture
def w(db, registry):
    return build_world(db, registry)


def refused(w, today="2026-03-02", **overrides) -> InputError:
    with w.session() as s, pytest.raises(InputError) as exc:
        workflow.register(s, w.actor("clerk"), w.agency_id, register_inputs(**overrides), today=D(today),
                          registry=w.registry)
    with w.session() as s:
        assert s.exec(select(func.count()).select_from(Application)).one() == 0  # nothing half-written
    return exc.value


def applicant(**changes) -> dict:
    return {"applicant": {**APPLICANT, **changes}}


@pytest.mark.parametrize("changes, message, field", [
    ({"id_number": "110101199003091235"}, "“居民身份证号码”校验位不符", "applicant.id_number"),
    ({"id_number": "110101202603031231"}, "“居民身份证号码”出生日期 2026-03-03 晚于今天", "applicant.id_number"),
    ({"id_number": "110101199002301234"}, "“居民身份证号码”第7至14位“19900230”不是有效的出生日期", "applicant.id_number"),
    ({"id_number": "110101900309123"}, "第一代身份证号码", "applicant.id_number"),
    ({"kind": "legal", "subtype": "commercial", "id_type": "uscc", "id_number": "91350100M000100Y44"},
     "“统一社会信用代码号码”校验位不符", "applicant.id_number"),
    ({"phone": "1380013800"}, "“联系电话”应为11位手机号码", "applicant.phone"),
    ({"email": "zhang@example"}, "“电子邮箱”不是有效的电子邮箱地址", "applicant.email"),
    ({"postcode": "10001"}, "“邮政编码”应为6位数字", "applicant.postcode"),
    ({"name": "张" * 5000}, "“姓名或名称”过长：最多200个字符（现为5000个）", "applicant.name"),
    ({"name": ""}, "“姓名或名称”不能为空", "applicant.name"),
    ({"address": "路" * 301}, "“通信地址”过长", "applicant.address"),
])
def test_implausible_applicant_data_is_refused_naming_the_field(w, changes, message, field):
    exc = refused(w, **applicant(**changes))
    assert message in exc.message and exc.field == field and exc.status == 422
    assert "applicant." not in exc.message  # the Chinese label, never the path


def test_a_20000_character_request_is_the_limit(w):
    exc = refused(w, request_text="请" * 20001)
    assert "“所需信息的描述”过长：最多20000个字符" in exc.message


def test_full_width_input_is_stored_half_width(w):
    full = "".join(chr(ord(c) + 0xFEE0) for c in "110101199003091234")
    app_id = w.register(**applicant(id_number=full, phone="１３８ ００１３ ８０００", postcode="１００００１"))
    with w.session() as s:
        app = s.get(Application, app_id)
        assert s.get(Applicant, app.applicant_id).id_number == "110101199003091234"
        given = s.get(ApplicantDetails, app_id)
        assert (given.phone, given.postcode) == ("13800138000", "100001")


def test_other_documents_are_not_checked_beyond_width(w):
    app_id = w.register(**applicant(id_type="passport", id_number="ｅ１２３４５６７８"))
    with w.session() as s:
        assert s.get(Applicant, s.get(Application, app_id).applicant_id).id_number == "E12345678"


def test_a_receipt_more_than_a_year_back_needs_confirmation(w):
    old = {"channel_facts": {"mail_received": "2025-03-01"}}
    exc = refused(w, **old)
    assert isinstance(exc, Unconfirmed) and "距今已超过一年" in exc.message
    assert exc.field == "channel_facts.mail_received"
    app_id = w.register(**old, confirm=True)
    with w.session() as s:
        assert s.get(Application, app_id).received_date == D("2025-03-01")
    w.register(channel_facts={"mail_received": "2025-03-02"})  # exactly a year back: no question


def test_a_search_date_after_today_needs_confirmation(w):
    app_id = w.register()
    to_handling(w, app_id)
    details = {"search_places": "档案室", "keywords": "统计", "searched_by": "李明", "searched_on": "2026-03-20"}
    with pytest.raises(Unconfirmed) as exc:
        w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": details}, today="2026-03-10")
    assert "“检索日期”2026-03-20 晚于今天" in exc.value.message and exc.value.field == "details.searched_on"
    assert w.app(app_id).outcome is None
    w.fire("clerk", app_id, "decide", {"outcome": "not_exist", "details": details, "confirm": True}, today="2026-03-10")
    assert w.app(app_id).outcome == "not_exist"


@pytest.mark.parametrize("username, name, message", [
    ("u" * 300, "张三", "“用户名”过长：最多64个字符（现为300个）"),
    ("zhang", "张" * 5000, "“姓名”过长：最多100个字符"),
    ("  ", "张三", "“用户名”不能为空"),
])
def test_user_names_are_bounded(w, username, name, message):
    from engine import admin

    with w.session() as s, pytest.raises(InputError) as exc:
        admin.create_user(s, username=username, display_name=name, password=None)
    assert message in exc.value.message
