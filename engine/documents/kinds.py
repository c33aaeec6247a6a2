"""Document kinds of a case file (电子案卷) and which roles may see each.

The roles are the agency's own (a grant in the agency) plus the competent department's ``supervisor``.
Identity proofs carry personal data: only the roles that must check the applicant's identity see them,
and the front end logs each access (like the applicant reveal), everyone else sees that one exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

_CASE_ROLES = frozenset({"clerk", "head", "secrecy_reviewer", "legal", "supervisor"})


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    pii: bool  # personal data: masked from roles outside ``roles``, each access logged
    roles: frozenset[str]  # who may open the content
    released: bool = False  # goes out to the applicant, so passes the secrecy review (条例 art 17)


KINDS: dict[str, DocumentKind] = {
    k.key: k
    for k in (
        DocumentKind("application", "申请材料", False, _CASE_ROLES),
        DocumentKind("identity_proof", "身份证明", True, frozenset({"clerk", "head", "legal"})),
        DocumentKind("correction", "补正材料", False, _CASE_ROLES),
        DocumentKind("consultation", "征求意见函/回复", False, _CASE_ROLES),
        DocumentKind("to_disclose", "拟公开信息", False, _CASE_ROLES, released=True),
        DocumentKind("redacted", "区分处理后信息", False, _CASE_ROLES, released=True),
        DocumentKind("service_proof", "送达凭证", False, _CASE_ROLES),
        DocumentKind("other", "其他", False, _CASE_ROLES),
    )
}


def kind(key: str) -> DocumentKind:
    """The kind named ``key``; an unknown key is an input error listing the kinds."""
    try:
        return KINDS[key]
    except KeyError:
        choices = "、".join(f"{k.key}（{k.label}）" for k in KINDS.values())
        raise InputError(f"未知的文件类别“{key}”，可选：{choices}", field="kind") from None


def may_see(kind_key: str, roles: set[str] | frozenset[str]) -> bool:
    """Whether an actor holding ``roles`` in the case's agency may open a document of this kind
    (``system`` — the scheduler, ``ogi check`` — sees everything)."""
    return "system" in roles or bool(kind(kind_key).roles & roles)
