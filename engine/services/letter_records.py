"""Issuing, freezing and voiding letter records. Rendering and the legal audit are passed in by the
front end as hooks (``render``, ``audit``) — the engine never imports ``letters/``."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pydantic import Field

from ..audit_chain import genesis, letter_content_hash
from ..errors import InputError
from ..numbering import next_number
from .duties import draft_edited, refuse_own_draft, reply_redrafted, require_legal_approval, send_back_advice
from .extension import promise_new_due
from .pipeline import Inputs, handler

if TYPE_CHECKING:
    from ..models import Letter
    from .pipeline import Ctx


def format_number(code: str, series: str, year: int, n: int) -> str:
    """文号: {code}{series}〔{year}〕{n}号 — 六角括号, no 第, no leading zeros."""
    return f"{code}{series}〔{year}〕{n}号"


def freeze_letter(ctx: "Ctx", letter: "Letter", series: str) -> None:
    audit = ctx.hooks.get("audit")
    render = ctx.hooks.get("render")
    if audit is None or render is None:
        ctx.refuse("签发/印发需要文书渲染与法制审核组件，请通过工作台或 API 操作")
    if letter.data.get("date_hold"):  # a date it prints is not certain (a reply prints no due date)
        ctx.refuse(letter.data["date_hold"])
    year = ctx.today.year
    letter.series, letter.year = series, year
    letter.seq = next_number(ctx.session, ctx.agency.id, f"letter:{series}", year)
    letter.number = format_number(ctx.agency.code, series, year, letter.seq)
    letter.issued_on = ctx.today
    letter.issued_at = ctx.now
    letter.signer_id = ctx.actor.user_id
    letter.data = {**letter.data, "number": letter.number, "issue_date": ctx.today.isoformat(),
                   "signer": ctx.actor.name}
    findings = audit(ctx, letter)
    blocking = [f for f in findings if f.get("severity") == "blocking" and not f.get("ok")]
    if blocking:
        ctx.refuse("答复书未通过法制审核的必备项检查：" + "；".join(f["message"] for f in blocking))
    pdf, template_version = render(ctx, letter)
    letter.pdf = pdf
    letter.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    letter.template_version = template_version
    letter.status = "issued"
    bind_into_chain(ctx, letter)


def bind_into_chain(ctx: "Ctx", letter: "Letter") -> None:
    """The frozen letter records the chain head before its issuing event and the hash of its content;
    the issuing event records that hash and the 文号 (``_related.issued``), so the chain covers the
    letter and ``ogi check`` can prove it unchanged."""
    letter.chain_head = ctx.app.events_head or genesis(ctx.app.id)
    letter.content_sha256 = letter_content_hash(letter)
    ctx.notes["issued"] = {"id": letter.id, "number": letter.number, "content_sha256": letter.content_sha256}


# -- record-only events on letters -------------------------------------------------------------------


class LetterIn(Inputs):
    letter_id: int


def _letter(ctx: "Ctx", letter_id: int) -> "Letter":
    from ..models import Letter

    letter = ctx.session.get(Letter, letter_id)
    if letter is None or letter.application_id != ctx.app.id:
        raise InputError(f"本申请没有编号为 {letter_id} 的文书", field="letter_id")
    return letter


@handler("issue_letter", {"clerk", "head"}, LetterIn, record_only=True)
def issue_letter(ctx: "Ctx", data: LetterIn) -> None:
    """印发 a procedural notice (replies are issued only by ``sign_off``)."""
    letter = _letter(ctx, data.letter_id)
    if letter.status != "draft":
        ctx.refuse("只有草稿可以印发")
    series = ctx.opts.notice_series
    if letter.type == "extension_notice" and letter.data.get("date_hold"):
        promise_new_due(ctx, letter)  # certain by now? (the schedule imported, the pause over)
    if letter.type == "reply":
        # Only a re-issue of a voided reply comes here (a first reply is issued by sign_off), by a head.
        if ctx.app.status != "replied" or ctx.role != "head":
            ctx.refuse("答复书须经负责人签发")
        refuse_own_draft(ctx, letter, "签发")
        require_legal_approval(ctx)
        series = ctx.opts.reply_series
    freeze_letter(ctx, letter, series=series)
    ctx.notes["letter"] = {"id": letter.id, "number": letter.number}


class VoidIn(Inputs):
    letter_id: int
    reason: str = Field(min_length=1, max_length=2000)


@handler("void_letter", {"head"}, VoidIn, record_only=True)
def void_letter(ctx: "Ctx", data: VoidIn) -> None:
    """作废: the frozen letter stays as it was, marked void with the reason; its number is never reused."""
    letter = _letter(ctx, data.letter_id)
    if letter.status == "void":
        ctx.refuse("该文书已作废")
    letter.status, letter.void_reason, letter.voided_at = "void", data.reason, ctx.now
    ctx.reason = data.reason
    ctx.notes["letter"] = {"id": letter.id, "number": letter.number}


@handler("reissue_letter", {"clerk", "head"}, LetterIn, record_only=True)
def reissue_letter(ctx: "Ctx", data: LetterIn) -> None:
    """A voided letter's data as a new draft, to be issued with a new number."""
    from ..models import Letter

    old = _letter(ctx, data.letter_id)
    if old.status != "void":
        ctx.refuse("只有已作废的文书可以重新出具")
    keep = {k: v for k, v in old.data.items() if k not in ("number", "issue_date", "signer")}
    new = Letter(application_id=old.application_id, agency_id=old.agency_id, type=old.type, outcome=old.outcome,
                 addressee=old.addressee, data=keep, drafted_by_id=ctx.actor.user_id)
    ctx.add(new)
    if new.type == "reply":
        reply_redrafted(ctx)
    ctx.notes["letter"] = {"id": new.id, "replaces": old.id}


class EditLetterIn(Inputs):
    letter_id: int
    request_summary: str | None = Field(default=None, max_length=4000)
    details: dict | None = None


def _has_draft(ctx: "Ctx") -> None:
    if not any(x.status == "draft" for x in ctx.letters()):
        ctx.refuse("没有可修改的文书草稿")


@handler("edit_letter", {"clerk"}, EditLetterIn, record_only=True, offered=_has_draft, advice=send_back_advice)
def edit_letter(ctx: "Ctx", data: EditLetterIn) -> None:
    """The clerk edits only data fields of a draft (inserted escaped); the wording stays the template's.
    An edited reply needs its reviews again (``draft_edited``)."""
    from ..outcomes import OUTCOMES, validate_details

    letter = _letter(ctx, data.letter_id)
    if letter.status != "draft":
        ctx.refuse("已印发的文书不能修改；如有错误，请作废后重新出具")
    draft_edited(ctx, letter)
    new = dict(letter.data)
    if data.request_summary is not None:
        new["request_summary"] = data.request_summary.strip()
    if data.details is not None:
        if letter.type != "reply" or not letter.outcome:
            raise InputError("只有答复书可以修改答复内容", field="details")
        merged = {**(new.get("decision") or {}).get("details", {}), **data.details}
        merged.pop("correction_history", None)
        clean = validate_details(letter.outcome, {k: v for k, v in merged.items()
                                                  if k in {d.key for d in OUTCOMES[letter.outcome].details}})
        decision = dict(new.get("decision") or {})
        decision["details"] = {**decision.get("details", {}), **clean}
        new["decision"] = decision
    letter.data = new
    ctx.notes["letter"] = {"id": letter.id, "edited": sorted(k for k in ("request_summary", "details")
                                                              if getattr(data, k) is not None)}
