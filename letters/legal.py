"""Legal wording that comes from code, never from typing: remedies under the 2023 行政复议法."""

from __future__ import annotations

from engine.remedy_periods import DECIDING_LETTERS as REMEDY_SUBJECT
from engine.remedy_periods import REVIEW_DAYS, SUIT_MONTHS

REVIEW_FIRST_BASIS = "《中华人民共和国行政复议法》第二十三条"


def remedy_paragraph(agency: dict, review_first: bool, subject: str = "本答复", partly: bool = False) -> str:
    """救济途径. For a withholding under arts 14–16 review comes first: no direct lawsuit is offered.
    ``partly``: only some withheld parts are withheld under arts 14–16 — review first for those, review
    or a lawsuit for the rest of the reply."""
    body = agency.get("review_body") or ""
    court = agency.get("court") or ""
    if review_first and partly:
        return (
            f"如对{subject}不服，可以在收到{subject}之日起{REVIEW_DAYS}日内向{body}申请行政复议。"
            f"根据{REVIEW_FIRST_BASIS}的规定，对{subject}中依照《中华人民共和国政府信息公开条例》"
            f"第十四条、第十五条、第十六条不予公开的决定不服的，应当先申请行政复议；"
            f"对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
            f"对{subject}其他内容不服的，也可以在收到{subject}之日起{SUIT_MONTHS}个月内直接向{court}提起行政诉讼。"
        )
    if review_first:
        return (
            f"如对{subject}不服，可以在收到{subject}之日起{REVIEW_DAYS}日内向{body}申请行政复议。"
            f"根据{REVIEW_FIRST_BASIS}的规定，对{subject}中依照《中华人民共和国政府信息公开条例》"
            f"第十四条、第十五条、第十六条不予公开的决定不服的，应当先申请行政复议；"
            f"对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
        )
    return (
        f"如对{subject}不服，可以在收到{subject}之日起{REVIEW_DAYS}日内向{body}申请行政复议，"
        f"或者在{SUIT_MONTHS}个月内向{court}提起行政诉讼。"
    )


def remedy_problems(agency: dict, review_first: bool, text: str, partly: bool = False) -> list[str]:
    problems = []
    if not agency.get("review_body"):
        problems.append("机关设置中缺少行政复议机关")
    if partly and review_first:
        if "应当先申请行政复议" not in text:
            problems.append("依第十四条至第十六条不予公开的部分，救济途径须写明复议前置")
        if f"{SUIT_MONTHS}个月" not in text or not agency.get("court"):
            problems.append("其余内容可以直接起诉的，须写明6个月起诉期限和管辖法院")
        if f"{REVIEW_DAYS}日" not in text:
            problems.append("救济途径未写明60日复议期限")
        return problems
    if not review_first and not agency.get("court"):
        problems.append("机关设置中缺少管辖法院")
    if f"{REVIEW_DAYS}日" not in text:
        problems.append("救济途径未写明60日复议期限")
    if review_first:
        if "应当先申请行政复议" not in text:
            problems.append("依第十四条至第十六条不予公开的，救济途径须写明复议前置")
        if "个月内向" in text:
            problems.append("复议前置的决定不得告知直接起诉")
    elif f"{SUIT_MONTHS}个月" not in text:
        problems.append("救济途径未写明6个月起诉期限")
    return problems
