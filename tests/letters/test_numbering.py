"""文号: per agency, year and series; never reused, even after voiding; re-issue gets a new number."""

import hashlib

from sqlmodel import Session, select

from engine.models import Letter
from letters.samples import OUTCOME_DETAILS, SampleWorld


def test_void_and_reissue(tmp_path):
    w = SampleWorld(tmp_path)
    app_id = w.reply("not_exist", OUTCOME_DETAILS["not_exist"])
    first = w.letters(app_id, "reply")[-1]
    assert first.number == "示交公开〔2026〕1号"
    assert hashlib.sha256(first.pdf).hexdigest() == first.pdf_sha256
    assert first.signer_id == w.users["head"] and first.template_version.startswith("builtin-")
    w.fire("head", app_id, "void_letter", {"letter_id": first.id, "reason": "检索日期填写有误"}, today="2026-03-19")
    w.fire("clerk", app_id, "reissue_letter", {"letter_id": first.id}, today="2026-03-19")
    drafts = [x for x in w.letters(app_id, "reply") if x.status == "draft"]
    assert len(drafts) == 1
    import pytest

    from engine.errors import Refused

    with pytest.raises(Refused, match="负责人签发"):
        w.fire("clerk", app_id, "issue_letter", {"letter_id": drafts[0].id}, today="2026-03-19")
    w.fire("head", app_id, "issue_letter", {"letter_id": drafts[0].id}, today="2026-03-19")
    reissued = w.letters(app_id, "reply")[-1]
    assert reissued.status == "issued" and reissued.number == "示交公开〔2026〕2号"
    with Session(w.engine) as s:
        voided = s.get(Letter, first.id)
    assert voided.status == "void" and voided.void_reason == "检索日期填写有误"
    assert voided.pdf == first.pdf  # the frozen copy stays as it was
    other = w.reply("needs_creation", OUTCOME_DETAILS["needs_creation"])
    assert w.letters(other, "reply")[-1].number == "示交公开〔2026〕3号"  # numbers are never reused


def test_notice_series_is_separate(tmp_path):
    w = SampleWorld(tmp_path)
    app_id = w.register("2026-03-02", "请公开有关材料")
    w.fire("clerk", app_id, "start_review", today="2026-03-03")
    w.fire("clerk", app_id, "request_correction", {"items": ["请写明文件名称"]}, today="2026-03-03")
    w.issue_all(app_id, "2026-03-03")
    notice = w.letters(app_id, "correction_notice")[-1]
    assert notice.number == "示交公开告〔2026〕1号" and notice.status == "issued"
    with Session(w.engine) as s:
        assert s.exec(select(Letter).where(Letter.number == notice.number)).one().id == notice.id
