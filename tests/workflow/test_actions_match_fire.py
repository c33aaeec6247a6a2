"""What ``available_actions`` tells a user equals what firing the event does: allowed → the event goes
through (or only its inputs are refused); refused → firing refuses with the same reason. Checked over
random cases reached through the engine (random users, events, dates), for every listed event."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import workflow
from engine.case_repository import full_case
from engine.db import make_engine
from engine.errors import DomainError, InputError, NotFound
from engine.services.letter_records import editable_drafts

from .test_happy_paths import OUTCOME_DETAILS
from .world import LETTERS, build_world

USERS = ["clerk", "clerk2", "head", "head2", "secrecy", "legal", "supervisor", "other_clerk"]
START = date(2026, 3, 2)
COVERED: set = set()  # (state, event, outcome) seen, for a look at what the walk reaches


def inputs_for(event: str, case, today: date, draw) -> dict:
    """Inputs a clerk would plausibly give for the event in this case (valid where the case allows)."""
    day = today.isoformat()
    open_c = [c for c in case.consultations() if c.status == "open"]
    fees = [f for f in case.fees() if f.status == "approved"]
    issued = [x for x in case.letters() if x.status == "issued"]
    drafts = editable_drafts(case)
    amount = f"{fees[-1].approved_amount_fen / 100:.2f}" if fees else "1"
    outcome = draw(st.sampled_from(["needs_creation", "not_exist", "partial", "withhold"]))
    table = {
        "split": {"parts": ["第一项信息", "第二项信息"]},
        "request_correction": {"items": ["请写明文件名称"]},
        "receive_correction": {"channel": "email", "channel_facts": {"mail_received": day}},
        "excuse_late_correction": {"channel": "email", "channel_facts": {"mail_received": day}, "reason": "住院"},
        "ask_reasons": {"reply_by": (today + timedelta(days=10)).isoformat()},
        "accept_reasons": {"later_due": "2027-12-31", "reason": "数量巨大"},
        "reject_reasons": {"reasons_request": "要求说明", "reasons_answer": "理由不成立"},
        "start_consultation": {"kind": draw(st.sampled_from(["agency", "third_party"])), "party": "某公司",
                               "party_received_on": day},
        "record_consultation_receipt": {"consultation_id": open_c[0].id if open_c else 1, "party_received_on": day},
        "record_consultation_reply": {"consultation_id": open_c[0].id if open_c else 1,
                                      "result": draw(st.sampled_from(["consent", "objection"])),
                                      "reasons": "涉及商业秘密", "received_on": day},
        "consultation_lapsed": {"consultation_id": open_c[0].id if open_c else 1},
        "propose_fee": {"method": "per_volume", "pages": 300},
        "reject_fee": {"reason": "不符合规定"}, "waive_fee": {"reason": "困难群众"},
        "record_payment": {"amount": amount, "receipt_number": "票据1", "paid_on": day},
        "excuse_late_payment": {"amount": amount, "receipt_number": "票据2", "paid_on": day, "reason": "银行故障"},
        "request_extension": {"days": 5, "reason": "需调取档案"},
        "decide": {"outcome": outcome, "details": OUTCOME_DETAILS[outcome]},
        "fail_secrecy_review": {"reasons": "涉密"},
        "legal_review": {"approve": draw(st.booleans()), "comments": "请修改"},
        "record_service": {"letter_id": issued[-1].id if issued else 1, "method": "post", "served_on": day,
                           "proof": "EMS1"},
        "withdraw": {"withdrawn_on": day},
        "reopen": {"decision_reference": "复决〔2026〕1号", "new_due": "2027-12-31", "reason": "责令重新答复"},
        "edit_letter": {"letter_id": drafts[-1].id if drafts else 1, "request_summary": "摘要"},
        "amend_registration": {"name": draw(st.sampled_from(["张三丰", "李四"])), "reason": "登记时录入有误"},
    }
    return table.get(event, {})


def attempt(w, user: str, app_id: int, event: str, inputs: dict, today: date) -> tuple[str, str | None]:
    with w.session() as s:
        try:
            workflow.fire(s, w.actor(user), app_id, event, inputs, today=today, registry=w.registry, letters=LETTERS)
        except InputError as exc:
            return "input", exc.message
        except DomainError as exc:
            return "refused", exc.message
    return "ok", None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_available_actions_agree_with_fire(sqlite_template_path, registry, data):
    folder = Path(tempfile.mkdtemp())
    shutil.copy(sqlite_template_path, folder / "ogi.db")
    engine = make_engine(f"sqlite:///{folder / 'ogi.db'}")
    try:
        w = build_world(engine, registry)
        app_id = w.register(today=START.isoformat())
        today = START
        for _ in range(data.draw(st.integers(10, 40))):
            today += timedelta(days=data.draw(st.sampled_from([0, 0, 1, 2, 7, 30])))
            offers = {}
            with w.session() as s:
                for user in USERS:
                    try:
                        offers[user] = {a["event"]: a for a in workflow.available_actions(
                            s, w.actor(user), app_id, today=today, registry=w.registry)}
                    except NotFound:  # another agency's user: the case does not exist for them, nor for fire
                        assert attempt(w, user, app_id, "accept", {}, today)[0] == "refused"
                case = full_case(s, app_id)
            allowed = sorted((u, e) for u, listed in offers.items() for e, a in listed.items() if a["allowed"])
            if allowed and data.draw(st.integers(0, 3)) > 0:  # mostly move the case on, sometimes try anything
                user, event = data.draw(st.sampled_from(allowed))
            else:
                user = data.draw(st.sampled_from(sorted(offers)))
                event = data.draw(st.sampled_from(sorted(offers[user])))
            listed = offers[user]
            inputs = inputs_for(event, case, today, data.draw)
            outcome, message = attempt(w, user, app_id, event, inputs, today)
            said = listed[event]
            where = (event, user, case.app.status, today, said, outcome, message)
            COVERED.add((case.app.status, event, outcome))
            if said["allowed"]:
                assert outcome in ("ok", "input"), where
            else:
                assert (outcome, message) == ("refused", said["reason"]), where
            # now and then the letters drafted so far are issued (procedural notices), as a clerk would
            if data.draw(st.booleans()):
                for letter in [x for x in case.letters() if x.status == "draft" and x.type != "reply"]:
                    attempt(w, "clerk", app_id, "issue_letter", {"letter_id": letter.id}, today)
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
