"""Who may administer whom and what (spec README: roles ``admin`` and ``platform_admin``).

The one place these rules are written; the admin API, the web admin page and the audit log call them.

- The platform administrator (``users.platform_admin``) manages agencies, the national calendar and
  every user — except itself through the API (separation: its own grants come from the CLI bootstrap).
- An agency admin manages a user only when every grant of that user lies in agencies it administers,
  and never a platform administrator. A user without any grant is managed by the platform admin only:
  an agency admin creates users with at least one grant in its agencies, so it never loses them.
  For the same reason an agency admin cannot revoke a user's last grant (it deactivates the account).
- Nobody manages their own account here: no self-grant, self-revoke, self-deactivation or password
  reset through the admin routes.
- Granting or revoking a role in agency X needs an admin of X (or the platform admin).
- An agency's fee 核准 switch belongs to its competent department: only the platform admin or an admin
  of that department changes it; its name and competent department belong to the platform admin.
"""

from __future__ import annotations

from sqlmodel import Session, select

from .actors import Actor
from .errors import Forbidden, Refused
from .models import Agency, RoleGrant, User

PLATFORM_FIELDS = {"name": "机关名称", "competent_department_id": "主管部门", "code": "机关代码"}
# Settings that reach into other agencies' records: counting an applicant's applications at every agency
# of the deployment (the fee position) is a deployment decision, or an agency admin could probe which
# identity numbers other agencies know.
PLATFORM_SETTINGS = {"fee_count_scope": "按件收费的计数范围"}
SUPERVISOR_SETTINGS = {"fee_approval_by_supervisor": "收费报主管部门核准"}


def is_administrator(actor: Actor) -> bool:
    return actor.platform_admin or bool(actor.admin_of())


def require_platform_admin(actor: Actor, what: str) -> None:
    if not actor.platform_admin:
        raise Forbidden(f"只有平台管理员可以{what}")


def user_agencies(session: Session, user_id: int) -> set[int]:
    return set(session.exec(select(RoleGrant.agency_id).where(RoleGrant.user_id == user_id)).all())


def may_manage_user(actor: Actor, user: User, agencies: set[int]) -> bool:
    """``agencies``: the agencies of all the user's grants (user_agencies)."""
    if actor.user_id is not None and actor.user_id == user.id:
        return False
    if actor.platform_admin:
        return True
    return not user.platform_admin and bool(agencies) and agencies <= actor.admin_of()


def check_manage_user(session: Session, actor: Actor, user: User) -> None:
    if actor.user_id is not None and actor.user_id == user.id:
        raise Forbidden("不能通过管理功能变更本人的账号或角色，请由其他管理员办理")
    if not may_manage_user(actor, user, user_agencies(session, user.id)):
        raise Forbidden("只能管理全部角色都在本人担任机关管理员的机关的用户")


def check_admin_of(actor: Actor, agency_id: int) -> None:
    """Granting or revoking a role in an agency, or creating a user there."""
    if not actor.platform_admin and agency_id not in actor.admin_of():
        raise Forbidden("只能在本人担任机关管理员的机关授予或收回角色")


def check_grant(session: Session, actor: Actor, user: User, agency_id: int) -> None:
    check_manage_user(session, actor, user)
    check_admin_of(actor, agency_id)


def check_revoke(session: Session, actor: Actor, user: User, agency_id: int) -> None:
    check_grant(session, actor, user, agency_id)
    if not actor.platform_admin and len(session.exec(select(RoleGrant.id).where(RoleGrant.user_id == user.id)).all()) <= 1:
        raise Refused("不能收回该用户的最后一个角色；如需停止其使用，请停用账号")


def may_set_fee_approval(actor: Actor, agency: Agency) -> bool:
    return actor.platform_admin or (agency.competent_department_id is not None
                                    and agency.competent_department_id in actor.admin_of())


def visible_settings(actor: Actor, agency: Agency) -> bool:
    """An agency's settings are shown to its own admins and the platform admin (secrets to nobody)."""
    return actor.platform_admin or agency.id in actor.admin_of()


def check_agency_access(actor: Actor, agency: Agency) -> None:
    """May change anything of this agency at all (checked before its input is even read)."""
    if not actor.platform_admin and agency.id not in actor.admin_of() and not may_set_fee_approval(actor, agency):
        raise Forbidden("只有该机关的机关管理员可以修改其设置")


def check_agency_change(actor: Actor, agency: Agency, fields: set[str], settings: set[str]) -> None:
    """``fields``: changed columns; ``settings``: changed setting keys (unchanged values sent are fine)."""
    check_agency_access(actor, agency)
    if actor.platform_admin:
        return
    platform = [PLATFORM_FIELDS[f] for f in sorted(fields) if f in PLATFORM_FIELDS]
    platform += [PLATFORM_SETTINGS[k] for k in sorted(settings) if k in PLATFORM_SETTINGS]
    if platform:
        raise Forbidden(f"只有平台管理员可以修改{'、'.join(platform)}")
    supervised = settings & set(SUPERVISOR_SETTINGS)
    if supervised and not may_set_fee_approval(actor, agency):
        raise Forbidden("“收费报主管部门核准”只能由主管部门的机关管理员或平台管理员修改")
    rest = (fields | settings) - supervised
    if rest and agency.id not in actor.admin_of():
        raise Forbidden("只有该机关的机关管理员可以修改其设置")
