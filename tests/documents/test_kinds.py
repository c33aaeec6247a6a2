"""Document kinds: the eight of the case file, with Chinese labels; identity proofs are personal data
seen only by the roles that check identity; the released kinds pass the secrecy review (条例 art 17)."""

from __future__ import annotations

import pytest

from engine.documents.kinds import KINDS, kind, may_see
from engine.errors import InputError


def test_the_eight_kinds_with_their_labels():
    assert {k: v.label for k, v in KINDS.items()} == {
        "application": "申请材料", "identity_proof": "身份证明", "correction": "补正材料",
        "consultation": "征求意见函/回复", "to_disclose": "拟公开信息", "redacted": "区分处理后信息",
        "service_proof": "送达凭证", "other": "其他"}


def test_identity_proofs_are_pii_for_clerks_heads_and_legal_only():
    assert [k for k, v in KINDS.items() if v.pii] == ["identity_proof"]
    for roles, allowed in [({"clerk"}, True), ({"head"}, True), ({"legal"}, True),
                           ({"secrecy_reviewer"}, False), ({"supervisor"}, False), ({"admin"}, False),
                           (set(), False), ({"system"}, True)]:
        assert may_see("identity_proof", roles) is allowed, roles


def test_case_roles_see_the_other_kinds_and_an_admin_sees_none():
    for key in KINDS:
        if key == "identity_proof":
            continue
        for role in ("clerk", "head", "secrecy_reviewer", "legal", "supervisor"):
            assert may_see(key, {role})
        assert not may_see(key, {"admin"})  # administers the agency, handles no case
        assert not may_see(key, set())


def test_only_what_goes_out_passes_the_secrecy_review():
    """条例 art 17: the information to be disclosed and its redacted version."""
    assert {k for k, v in KINDS.items() if v.released} == {"to_disclose", "redacted"}


def test_an_unknown_kind_is_refused_with_the_choices():
    with pytest.raises(InputError) as err:
        kind("passport")
    assert "未知的文件类别“passport”" in err.value.message and "identity_proof（身份证明）" in err.value.message
    with pytest.raises(InputError):
        may_see("passport", {"clerk"})
