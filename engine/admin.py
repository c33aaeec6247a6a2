"""Setting up agencies, users and role grants (operators, the demo, the admin API)."""

from __future__ import annotations

from sqlmodel import Session, select

from .errors import InputError, NotFound
from .models import Agency, AgencySettings, Role, RoleGrant, User
from .passwords import hash_password

ROLES = {r.value for r in Role}


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
    opts = AgencySettings.model_validate(settings or {})
    agency = Agency(code=code, name=name, competent_department_id=parent_id,
                    settings=opts.model_dump(exclude_defaults=True), **fields)
    session.add(agency)
    session.flush()
    return agency


def create_user(session: Session, *, username: str, display_name: str, password: str | None) -> User:
    """``password`` None creates an account that cannot log in until a password is set."""
    if session.exec(select(User).where(User.username == username)).first():
        raise InputError(f"用户名“{username}”已存在", field="username")
    if password is not None and len(password) < 8:
        raise InputError("密码至少8位", field="password")
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password) if password is not None else "")
    session.add(user)
    session.flush()
    return user


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
