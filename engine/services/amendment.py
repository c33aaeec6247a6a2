"""更正登记信息: the clerk corrects what was registered — the applicant as given on this application and
the request — with the reason, until the reply is signed. Each correction is an audit event recording
what was wrong and what it became. Issued letters keep what they said; drafts are brought up to date
(a reply draft so changed needs its reviews again). The applicant's details on other applications are
never touched: they are kept per application (``ApplicantDetails``)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Annotated

from pydantic import Field

from ..case import Act, Case
from ..change import Change
from ..errors import InputError, Refused
from ..eventdef import FormField, Inputs, declare, move
from ..models.applicant import APPLICANT_KINDS, LEGAL_SUBTYPES
from ..plausibility import check_email, check_phone, check_postcode
from ..receipt import CHANNEL_PHRASE, CHANNELS, confirm_old_receipt, derive_receipt_date
from ..states import OPEN_STATES, STATES
from .duties import draft_edited
from .intake import DELIVERIES, FORMS, check_applicant, one_of, text

APPLICANT_FIELDS = ("kind", "subtype", "name", "phone", "email", "address", "postcode")
REQUEST_FIELDS = ("request_text", "purpose", "form_wanted", "delivery_wanted")


class AmendRegistrationIn(Inputs):
    """Every field optional: what is left out (or blank) stays as registered."""

    kind: Annotated[str, one_of(APPLICANT_KINDS, "申请人类型")] | None = Field(default=None, title="申请人类型")
    subtype: Annotated[str, one_of(LEGAL_SUBTYPES, "组织类别")] | None = Field(default=None, title="组织类别")
    name: Annotated[str, text("姓名或名称", 200, required=True)] | None = Field(default=None, title="姓名或名称")
    phone: Annotated[str, text("联系电话", 64, check_phone)] | None = Field(
        default=None, title="联系电话", description="留空则不变（登记的号码不在此显示）")
    email: Annotated[str, text("电子邮箱", 200, check_email)] | None = Field(default=None, title="电子邮箱")
    address: Annotated[str, text("通信地址", 300)] | None = Field(default=None, title="通信地址")
    postcode: Annotated[str, text("邮政编码", 16, check_postcode)] | None = Field(default=None, title="邮政编码")
    request_text: Annotated[str, text("所需信息的描述", 20000, required=True)] | None = Field(
        default=None, title="所需信息的描述")
    purpose: Annotated[str, text("用途", 2000)] | None = Field(default=None, title="用途")
    form_wanted: Annotated[str, one_of(FORMS, "获取信息的形式")] | None = Field(default=None, title="获取信息的形式")
    delivery_wanted: Annotated[str, one_of(DELIVERIES, "获取信息的途径")] | None = Field(
        default=None, title="获取信息的途径")
    channel: Annotated[str, one_of({k: v[0] for k, v in CHANNELS.items()}, "收件渠道")] | None = Field(
        default=None, title="收件渠道")
    received_on: date | None = Field(default=None, title="确定收到日期的事实日期",
                                     description="更正后重新计算收到申请之日和答复期限")
    confirm: bool = Field(default=False, title="确认收到日期无误")  # a receipt more than a year back
    reason: Annotated[str, text("更正理由", 2000, required=True)] = Field(
        title="更正理由", description="写明登记时哪里有误、依据什么更正（如申请书原件、申请人来电）")


def until_signed(case: Case, act: Act) -> None:
    """Registration data is corrected until the reply is signed (or the case otherwise concluded): what
    was answered stays as it was answered."""
    if case.app.status not in OPEN_STATES:
        raise Refused(f"申请已{STATES[case.app.status]}，登记信息不能再更正（答复签发前方可更正）")


def _fact_day(channel: str, facts: dict) -> str | None:
    return (facts or {}).get(CHANNELS[channel][1]) if channel in CHANNELS else None


@declare("amend_registration", "更正登记信息", roles={"clerk"}, inputs=AmendRegistrationIn, record_only=True,
         guards=[until_signed],
         # A record event; a releasing reply draft it changes goes back to the secrecy review.
         moves=[move("reply_drafting", "secrecy_review", when="secrecy_review_voided"), move(OPEN_STATES, "=")],
         form=[FormField("name"), FormField("kind", "select", tuple(APPLICANT_KINDS.items())),
               FormField("subtype", "select", (("", "—"), *LEGAL_SUBTYPES.items())),
               FormField("phone"), FormField("email"), FormField("address"), FormField("postcode"),
               FormField("request_text", "textarea"), FormField("purpose", "textarea"),
               FormField("form_wanted", "select", tuple(FORMS.items())),
               FormField("delivery_wanted", "select", tuple(DELIVERIES.items())),
               FormField("channel", "select", tuple((k, v[0]) for k, v in CHANNELS.items())),
               FormField("received_on", "date"), FormField("confirm", "checkbox"), FormField("reason", "textarea")],
         example={"name": "王小明", "reason": "登记时姓名录入有误，依申请书原件更正"})
def amend_registration(case: Case, data: AmendRegistrationIn, act: Act) -> Change:
    app, given = case.app, case.applicant
    amended: dict[str, list] = {}  # field → [as registered, as corrected]
    change = Change(reason=data.reason)

    merged = {k: getattr(given, k) for k in APPLICANT_FIELDS}
    for key in APPLICANT_FIELDS:
        value = getattr(data, key)
        if value is not None and value != merged[key]:
            merged[key] = value
    if merged["kind"] == "natural":
        merged["subtype"] = None
    check_applicant(SimpleNamespace(**merged))
    applicant_changes = {k: v for k, v in merged.items() if v != getattr(given, k)}
    amended.update({k: [getattr(given, k), v] for k, v in applicant_changes.items()})
    if applicant_changes:
        change.set(given, **applicant_changes)

    for key in REQUEST_FIELDS:
        value = getattr(data, key)
        if value is not None and value != getattr(app, key):
            amended[key] = [getattr(app, key), value]
            change.set_app(**{key: value})

    if data.channel is not None or data.received_on is not None:
        channel = data.channel or app.channel
        day = data.received_on or _fact_day(app.channel, app.channel_facts) or app.received_date
        received, facts = derive_receipt_date(channel, {CHANNELS[channel][1]: day}, act.today)
        if channel != app.channel or received != app.received_date:
            confirm_old_receipt(received, act.today, data.confirm, field="received_on")
            _not_after_handling(case, received)
            amended.update({k: [old, new] for k, old, new in (
                ("channel", app.channel, channel), ("received_date", app.received_date.isoformat(), received.isoformat()))
                if old != new})
            # the unit of work recomputes the cached clock from the new receipt date
            change.set_app(channel=channel, channel_facts=facts, received_date=received)

    if not amended:
        raise InputError("所填内容与现有登记相同，没有需要更正的内容", field="reason")
    _refresh_drafts(case, change, merged, amended)
    change.note("amended", amended)
    return change


def _not_after_handling(case: Case, received: date) -> None:
    """The receipt cannot move after a step already taken on the application (a correction asked, a
    consultation begun…): those steps were counted from the receipt."""
    later = [e for e in case.history.events() if e.name not in ("register", "amend_registration")
             and e.effective_date and date.fromisoformat(str(e.effective_date)[:10]) < received]
    if later:
        raise InputError(f"收到申请之日 {received} 晚于已办理的环节（{later[0].effective_date}），请核对",
                         field="received_on")


def _refresh_drafts(case: Case, change: Change, applicant: dict, amended: dict) -> None:
    """Drafts say what the case says now; issued letters are frozen and keep what they said."""
    app_keys = {"request_text": "request_text", "channel": "channel", "received_date": "received_date"}
    for letter in case.letters():
        if letter.status != "draft":
            continue
        data = dict(letter.data or {})
        data["applicant"] = {**data.get("applicant", {}),
                             **{k: applicant[k] for k in ("name", "address", "postcode", "kind")}}
        application = dict(data.get("application", {}))
        for key, target in app_keys.items():
            if key in amended:
                application[target] = amended[key][1]
        if "channel" in amended:
            application["channel_phrase"] = CHANNEL_PHRASE.get(amended["channel"][1], amended["channel"][1])
        data["application"] = application
        fields: dict = {"data": data}
        if "name" in amended and letter.addressee == amended["name"][0]:
            fields["addressee"] = amended["name"][1]
        if data != letter.data or len(fields) > 1:
            change.set(letter, **fields)
            draft_edited(case, letter, change)


# How a correction reads in the audit trail: field titles and the codes' Chinese names.
_CODES = {"kind": APPLICANT_KINDS, "subtype": LEGAL_SUBTYPES, "form_wanted": FORMS, "delivery_wanted": DELIVERIES,
          "channel": {k: v[0] for k, v in CHANNELS.items()}}


def amended_words(amended: dict) -> str:
    """``{"name": ["张三", "张三丰"]}`` → 姓名或名称“张三”改为“张三丰”."""
    titles = {k: f.title for k, f in AmendRegistrationIn.model_fields.items()} | {"received_date": "收到申请之日"}
    parts = []
    for key, (old, new) in amended.items():
        names = _CODES.get(key, {})
        old, new = (names.get(old, old) or "（空）"), (names.get(new, new) or "（空）")
        parts.append(f"{titles.get(key, key)}“{old}”改为“{new}”")
    return "；".join(parts)
