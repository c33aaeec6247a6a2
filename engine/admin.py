"""Setting up agencies, users and role grants: the primitives, without authorisation (operators at the
command line, the demo, tests). The admin API and web page go through engine.admin_ops, which checks
engine.admin_rights and writes the admin audit log."""

from __future__ import annotations

from sqlmodel import Session, select

from .errors import InputError, NotFound
from .models import Agency, AgencySettings, Role, RoleGrant, User
from .passwords import check_password_policy, hash_password
from .webhook_policy import check_webhook_url

ROLES = {r.value for r in Role}
DERIVED_SETTINGS = {"webhook_secret_set"}  # shown by the API instead of the secret; ignored when sent back


def validated_settings(current: dict | None, changes: dict) -> AgencySettings:
    """The settings after ``changes`` (a partial dict), validated; a new webhook address must be public."""
    from .validation import parse

    changes = {k: v for k, v in changes.items() if k not in DERIVED_SETTINGS}
    before = AgencySettings.model_validate(current or {})
    merged = parse(AgencySettings, {**before.model_dump(), **changes})
    if merged.webhook_url != before.webhook_url:
        check_webhook_url(merged.webhook_url)
    try:
        return merged.check_alerts()
    except ValueError as exc:
        raise InputError(str(exc), field="alert_thresholds") from None


def create_agency(session: Session, *, code: str, name: str, competent_department: str | None = None,
                  settings: dict | None = None, **fields) -> Agency:
    if session.exec(select(Agency).where(Agency.code == code)).first():
        raise InputError(f"机关代码“{code}”已存在", field="code")
    parent_id = None
    if competent_department:
        parent = session.exec(select(Agency).where(Agency.code == competent_department)).first()
        if parent is None:
            raise NotFound(f"主管部门“{competent_department}”不存在")
        parent_id = parent.id
    opts = validated_settings(None, settings or {})
    agency = Agency(code=code, name=name, competent_department_id=parent_id,
                    settings=opts.model_dump(exclude_defaults=True), **fields)
    session.add(agency)
    session.flush()
    return agency


def create_user(session: Session, *, username: str, display_name: str, password: str | None,
                platform_admin: bool = False) -> User:
    """``password`` None creates an account that cannot log in until a password is set."""
    for label, value, limit in (("用户名", username, 64), ("姓名", display_name, 100)):
        if not value.strip():
            raise InputError(f"“{label}”不能为空", field="username" if label == "用户名" else "display_name")
        if len(value) > limit:  # the columns' sizes: refused here, not by the database
            raise InputError(f"“{label}”过长：最多{limit}个字符（现为{len(value)}个）",
                             field="username" if label == "用户名" else "display_name")
    if session.exec(select(User).where(User.username == username)).first():
        raise InputError(f"用户名“{username}”已存在", field="username")
    user = User(username=username, display_name=display_name, platform_admin=platform_admin,
                password_hash=password_digest(password, username) if password is not None else "")
    session.add(user)
    session.flush()
    return user


def password_digest(password: str, username: str) -> str:
    """The policy applied, then argon2 (~0.3 s): done before a write transaction, never inside one, so a
    concurrent SQLite writer is not kept waiting (and does not make this one fail)."""
    check_password_policy(password, username)
    return hash_password(password)


def set_password(session: Session, user: User, password: str) -> None:
    """A new password (the policy applies) and every login of the user ends."""
    set_password_digest(session, user, password_digest(password, user.username))


def set_password_digest(session: Session, user: User, digest: str) -> None:
    from .auth import revoke_all_tokens

    user.password_hash = digest
    session.add(user)
    revoke_all_tokens(session, user.id)


def grant(session: Session, user: User, agency: Agency, role: str) -> RoleGrant:
    if role not in ROLES:
        raise InputError(f"未知角色“{role}”，可选：{'、'.join(sorted(ROLES))}", field="role")
    existing = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.agency_id == agency.id,
                                                    RoleGrant.role == role)).first()
    if existing:
        return existing
    g = RoleGrant(user_id=user.id, agency_id=agency.id, role=role)
    session.add(g)
    session.flush()
    return g
