"""Administrative changes made by a logged-in administrator (the admin API and the web admin page).

Each function checks engine.admin_rights, applies the change through the engine.admin primitives,
writes its admin audit record and commits — one transaction.
"""

from __future__ import annotations

import functools

from sqlmodel import Session, select

from . import admin
from .actors import Actor
from .admin_audit import Origin, record_admin_event
from .admin_rights import (check_admin_of, check_agency_access, check_agency_change, check_grant, check_manage_user,
                           check_revoke, require_platform_admin)
from .db import begin_write
from .errors import InputError, NotFound
from .models import Agency, RoleGrant, User
from .models.user import ROLE_ZH

AGENCY_FIELDS = ("name", "region", "review_body", "court", "address", "contact")


def _one_write(fn):
    """The whole operation in one writing transaction taken up front (``begin_write``): its checks read
    what the write will change, under the lock, and a concurrent SQLite writer cannot make it fail half
    way. The audit record commits with the change."""

    @functools.wraps(fn)
    def run(session: Session, *args, **kwargs):
        with begin_write(session):
            return fn(session, *args, **kwargs)

    return run


def _record(session: Session, actor: Actor, action: str, origin: Origin, *, agency_id: int | None, target: str,
            details: dict) -> None:
    record_admin_event(session, actor, action, agency_id=agency_id, target=target, details=details,
                       ip=origin.ip, user_agent=origin.user_agent)


def _user_label(user: User) -> str:
    return f"用户 {user.username}（{user.display_name}）"


def _agency_label(agency: Agency) -> str:
    return f"机关 {agency.code}（{agency.name}）"


def _check_region(region: str | None) -> None:
    from .calendar_registry import get_registry

    try:
        get_registry().check_region(region)
    except Exception as exc:  # noqa: BLE001 - calendars.UnknownRegion, its message is Chinese
        raise InputError(str(exc), field="region") from None


def _agency_record(agency: Agency) -> dict:
    return {**{k: getattr(agency, k) for k in AGENCY_FIELDS}, "competent_department_id": agency.competent_department_id,
            "settings": agency.options.model_dump()}


def _competent_department_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    parent = session.exec(select(Agency).where(Agency.code == code)).first()
    if parent is None:
        raise NotFound(f"主管部门“{code}”不存在")
    return parent.id


def _check_no_cycle(session: Session, agency_id: int, parent_id: int | None) -> None:
    """An agency cannot be its own competent department, directly or through others."""
    seen: set[int] = set()
    while parent_id is not None and parent_id not in seen:
        if parent_id == agency_id:
            raise InputError("主管部门不能是本机关或其下级机关", field="competent_department")
        seen.add(parent_id)
        parent_id = session.get(Agency, parent_id).competent_department_id


# -- agencies ---------------------------------------------------------------------------------------


@_one_write
def create_agency(session: Session, actor: Actor, origin: Origin, *, code: str, name: str,
                  competent_department: str | None = None, settings: dict | None = None, **fields) -> Agency:
    require_platform_admin(actor, "新增机关")
    _check_region(fields.get("region"))
    agency = admin.create_agency(session, code=code, name=name, competent_department=competent_department,
                                 settings=settings, **fields)
    _record(session, actor, "agency_create", origin, agency_id=agency.id, target=_agency_label(agency),
            details={"after": {"code": agency.code, **_agency_record(agency)}})
    return agency


@_one_write
def update_agency(session: Session, actor: Actor, origin: Origin, agency_id: int, changes: dict) -> Agency:
    """``changes``: any of AGENCY_FIELDS, ``competent_department`` (a code, or "" for none) and
    ``settings`` (only the keys to change). Values equal to the current ones are not changes."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("机关不存在")
    check_agency_access(actor, agency)
    before = _agency_record(agency)
    fields = {k: v for k, v in changes.items() if k in AGENCY_FIELDS and v != getattr(agency, k)}
    if "competent_department" in changes:
        parent_id = _competent_department_id(session, changes["competent_department"])
        _check_no_cycle(session, agency.id, parent_id)
        if parent_id != agency.competent_department_id:
            fields["competent_department_id"] = parent_id
    merged = admin.validated_settings(agency.settings, changes.get("settings") or {})
    new_settings, old_settings = merged.model_dump(), agency.options.model_dump()
    changed_settings = {k for k in new_settings if new_settings[k] != old_settings[k]}
    check_agency_change(actor, agency, set(fields), changed_settings)
    if "region" in fields:
        _check_region(fields["region"])
    if not fields and not changed_settings:
        return agency
    for key, value in fields.items():
        setattr(agency, key, value)
    agency.settings = merged.model_dump(exclude_defaults=True)
    session.add(agency)
    after = _agency_record(agency)
    diff_keys = set(fields) | ({"settings"} if changed_settings else set())
    details = {"before": {}, "after": {}}
    for key in sorted(diff_keys):
        if key == "settings":
            details["before"]["settings"] = {k: before["settings"][k] for k in sorted(changed_settings)}
            details["after"]["settings"] = {k: after["settings"][k] for k in sorted(changed_settings)}
        else:
            details["before"][key], details["after"][key] = before[key], after[key]
    _record(session, actor, "agency_update", origin, agency_id=agency.id, target=_agency_label(agency),
            details=details)
    return agency


# -- users ------------------------------------------------------------------------------------------


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def _agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("机关不存在")
    return agency


def create_user(session: Session, actor: Actor, origin: Origin, *, username: str, display_name: str,
                password: str, roles: list[tuple[int, str]], platform_admin: bool = False) -> User:
    """An agency admin names at least one role, all in agencies it administers (rule: it manages only
    users whose every grant lies there, so a user without a grant would be out of its reach)."""
    if platform_admin:
        require_platform_admin(actor, "设置平台管理员")
    if not roles and not actor.platform_admin:
        raise InputError("请至少为新用户授予一个本机关的角色", field="roles")
    for agency_id, _ in roles:
        check_admin_of(actor, agency_id)
    digest = admin.password_digest(password, username)
    with begin_write(session):
        agencies = [_agency(session, agency_id) for agency_id, _ in roles]
        user = admin.create_user(session, username=username, display_name=display_name, password=None,
                                 platform_admin=platform_admin)
        admin.set_password_digest(session, user, digest)
        for agency, (_, role) in zip(agencies, roles):
            admin.grant(session, user, agency, role)
        for agency_id in sorted({a for a, _ in roles}) or [None]:
            _record(session, actor, "user_create", origin, agency_id=agency_id, target=_user_label(user),
                    details={"after": {"username": user.username, "name": user.display_name,
                                       "platform_admin": platform_admin,
                                       "roles": [{"agency_id": a, "role": r} for a, r in roles]}})
    return user


@_one_write
def grant_role(session: Session, actor: Actor, origin: Origin, user_id: int, agency_id: int, role: str) -> User:
    user, agency = _user(session, user_id), _agency(session, agency_id)
    check_grant(session, actor, user, agency.id)
    exists = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.agency_id == agency.id,
                                                  RoleGrant.role == role)).first()
    admin.grant(session, user, agency, role)
    if exists is None:
        _record(session, actor, "role_grant", origin, agency_id=agency.id, target=_user_label(user),
                details={"after": {"agency_id": agency.id, "agency": agency.name, "role": role,
                                   "role_label": ROLE_ZH.get(role, role)}})
    return user


@_one_write
def revoke_role(session: Session, actor: Actor, origin: Origin, user_id: int, grant_id: int) -> User:
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("授权不存在")
    user = _user(session, user_id)
    check_revoke(session, actor, user, grant.agency_id)
    _record(session, actor, "role_revoke", origin, agency_id=grant.agency_id, target=_user_label(user),
            details={"before": {"agency_id": grant.agency_id, "role": grant.role,
                                "role_label": ROLE_ZH.get(grant.role, grant.role)}})
    session.delete(grant)
    return user


def _user_agency_ids(session: Session, user: User) -> list[int | None]:
    """The agencies an entry about this user is filed under (legal staff of each may read it)."""
    ids = sorted(set(session.exec(select(RoleGrant.agency_id).where(RoleGrant.user_id == user.id)).all()))
    return ids or [None]


def reset_password(session: Session, actor: Actor, origin: Origin, user_id: int, password: str) -> User:
    user = _user(session, user_id)
    check_manage_user(session, actor, user)
    digest = admin.password_digest(password, user.username)  # outside the write transaction below
    with begin_write(session):
        user = _user(session, user_id)
        check_manage_user(session, actor, user)  # again: the grants may have changed meanwhile
        admin.set_password_digest(session, user, digest)
        for agency_id in _user_agency_ids(session, user):
            _record(session, actor, "password_reset", origin, agency_id=agency_id, target=_user_label(user),
                    details={"logins_ended": True})
    return user


@_one_write
def set_active(session: Session, actor: Actor, origin: Origin, user_id: int, active: bool) -> User:
    """Deactivation ends every login of the user at once; reactivation lets them log in again."""
    from .auth import revoke_all_tokens

    user = _user(session, user_id)
    check_manage_user(session, actor, user)
    if user.active == active:
        return user
    user.active = active
    session.add(user)
    if not active:
        revoke_all_tokens(session, user.id)
    for agency_id in _user_agency_ids(session, user):
        _record(session, actor, "user_activate" if active else "user_deactivate", origin, agency_id=agency_id,
                target=_user_label(user), details={"before": {"active": not active}, "after": {"active": active}})
    return user


def user_by_name(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound("用户不存在")
    return user


# -- the calendar -----------------------------------------------------------------------------------


def check_calendar_import(actor: Actor) -> None:
    require_platform_admin(actor, "导入全国放假安排")
