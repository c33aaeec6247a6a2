"""条例 art 41 decisions in memory: a correction request takes only correction outcomes, and a
disclosure request none of them."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.services import decision

from .test_decisions_in_memory import CLERK, act, case


def test_art41_correction_request_decided_corrected_drafts_its_reply():
    c = case(request_kind="correction", evidence="证书复印件")
    change = decision.decide(c, decision.DecideIn(outcome="info_corrected", details={
        "corrected_record": "取得日期更正为2018年5月8日", "corrected_on": "2026-03-04"}), act(CLERK, "clerk"))
    assert change.app["outcome"] == "info_corrected" and not change.flags["releases_information"]
    assert [d.type for d in change.letters] == ["reply"]


def test_art41_correction_request_refuses_a_disclosure_outcome():
    with pytest.raises(InputError, match="更正申请"):
        decision.decide(case(request_kind="correction"), decision.DecideIn(
            outcome="needs_creation", details={"reasons": "需汇总"}), act(CLERK, "clerk"))


def test_art41_outcome_refused_on_a_disclosure_request():
    with pytest.raises(InputError, match="只用于更正申请"):
        decision.decide(case(), decision.DecideIn(outcome="correction_refused", details={"reasons": "无证据"}),
                        act(CLERK, "clerk"))
