"""Administration: agencies and their settings, users and their roles (admins of an agency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import ConfigDict, Field
from sqlmodel import Session, select

from engine.validation import CleanModel
from engine import admin
from engine.auth import revoke_all_tokens
from engine.db import begin_write
from engine.errors import Forbidden, InputError, NotFound
from engine.models import Agency, AgencySettings, RoleGrant, User
from engine.models.user import ROLE_ZH
from engine.passwords import hash_password

from ..deps import Principal, get_session, requires

router = APIRouter(prefix="/admin", tags=["管理"])
Admin = Depends(requires("admin"))
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _admin_agencies(p: Principal) -> set[int]:
    return {aid for aid, role in p.actor.grants if role == "admin"}


def _agency_view(a: Agency) -> dict:
    return {"id": a.id, "code": a.code, "name": a.name, "region": a.region,
            "competent_department_id": a.competent_department_id, "review_body": a.review_body, "court": a.court,
            "address": a.address, "contact": a.contact, "settings": a.options.model_dump()}


@router.get("/agencies", summary="机关列表")
def agencies(p: Principal = Admin, session: Session = Depends(get_session)) -> list[dict]:
    return [_agency_view(a) for a in session.exec(select(Agency).order_by(Agency.id)).all()]


class AgencyBody(CleanModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "code": "JTJ", "name": "示例市交通运输局", "competent_department": "SZF", "review_body": "示例市人民政府",
        "court": "示例市铁路运输法院"}]})
    code: str = Field(min_length=1, max_length=32, pattern=r"^[\w\u4e00-\u9fff-]+$")
    name: str = Field(min_length=1, max_length=200)
    region: str = Field(default="national", max_length=32)
    competent_department: str | None = Field(default=None, max_length=32)
    review_body: str = Field(default="", max_length=200)
    court: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=200)
    settings: AgencySettings | None = None


@router.post("/agencies", status_code=201, summary="新增机关")
def create_agency(body: AgencyBody, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    from engine.calendar_registry import get_registry

    get_registry().check_region(body.region)
    agency = admin.create_agency(session, code=body.code, name=body.name, competent_department=body.competent_department,
                                 settings=body.settings.model_dump() if body.settings else None, region=body.region,
                                 review_body=body.review_body, court=body.court, address=body.address, contact=body.contact)
    session.commit()
    return _agency_view(agency)


class AgencyPatch(CleanModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: str | None = Field(default=None, max_length=32)
    review_body: str | None = Field(default=None, max_length=200)
    court: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    contact: str | None = Field(default=None, max_length=200)
    settings: dict | None = Field(default=None, description="只需给出要修改的设置项")


@router.patch("/agencies/{agency_id}", summary="修改机关及其设置", description="只有该机关的系统管理员可以修改。")
def patch_agency(agency_id: Id, body: AgencyPatch, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("机关不存在")
    if agency_id not in _admin_agencies(p):
        raise Forbidden("只有该机关的系统管理员可以修改其设置")
    data = body.model_dump(exclude_none=True)
    if "region" in data:
        from engine.calendar_registry import get_registry

        try:
            get_registry().check_region(data["region"])
        except Exception as exc:  # noqa: BLE001 - UnknownRegion
            raise InputError(str(exc), field="region") from None
    if "settings" in data:
        from engine.validation import parse

        merged = parse(AgencySettings, {**agency.options.model_dump(), **data.pop("settings")})
        agency.settings = merged.model_dump(exclude_defaults=True)
    for key, value in data.items():
        setattr(agency, key, value)
    session.add(agency)
    session.commit()
    return _agency_view(agency)


def _user_view(session: Session, user: User) -> dict:
    grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()
    return {"id": user.id, "username": user.username, "name": user.display_name, "active": user.active,
            "roles": [{"id": g.id, "agency_id": g.agency_id, "role": g.role, "role_label": ROLE_ZH[g.role]} for g in grants]}


@router.get("/users", summary="用户列表", description="本人担任系统管理员的机关的用户。")
def users(p: Principal = Admin, session: Session = Depends(get_session)) -> list[dict]:
    ids = _admin_agencies(p)
    user_ids = set(session.exec(select(RoleGrant.user_id).where(RoleGrant.agency_id.in_(ids))).all())
    return [_user_view(session, u) for u in session.exec(select(User).where(User.id.in_(user_ids)).order_by(User.id)).all()]


class GrantBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    agency_id: int = Field(ge=1, le=2**31 - 1)
    role: str = Field(pattern="^(clerk|head|secrecy_reviewer|legal|supervisor|admin)$")


class UserBody(CleanModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "username": "clerk3", "name": "吴经办", "password": "a-long-password", "roles": [{"agency_id": 2, "role": "clerk"}]}]})
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=256)
    roles: list[GrantBody] = Field(default_factory=list, max_length=20)


def _check_admin_of(p: Principal, agency_id: int) -> None:
    if agency_id not in _admin_agencies(p):
        raise Forbidden("只能为本人担任系统管理员的机关授予角色")


@router.post("/users", status_code=201, summary="新增用户")
def create_user(body: UserBody, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    for g in body.roles:
        _check_admin_of(p, g.agency_id)
    user = admin.create_user(session, username=body.username, display_name=body.name, password=body.password)
    for g in body.roles:
        agency = session.get(Agency, g.agency_id)
        if agency is None:
            raise NotFound("机关不存在")
        admin.grant(session, user, agency, g.role)
    session.commit()
    return _user_view(session, user)


@router.post("/users/{user_id}/roles", status_code=201, summary="授予角色")
def add_role(user_id: Id, body: GrantBody, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    _check_admin_of(p, body.agency_id)
    user, agency = session.get(User, user_id), session.get(Agency, body.agency_id)
    if user is None or agency is None:
        raise NotFound("用户或机关不存在")
    admin.grant(session, user, agency, body.role)
    session.commit()
    return _user_view(session, user)


@router.delete("/users/{user_id}/roles/{grant_id}", summary="收回角色")
def remove_role(user_id: Id, grant_id: Id, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("授权不存在")
    _check_admin_of(p, grant.agency_id)
    session.delete(grant)
    session.commit()
    return _user_view(session, session.get(User, user_id))


class PasswordBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=8, max_length=256)


@router.post("/users/{user_id}/password", summary="重设密码", description="重设后该用户的全部登录失效。")
def set_password(user_id: Id, body: PasswordBody, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    digest = hash_password(body.password)  # argon2 (~0.3 s) before the write lock, not inside it
    with begin_write(session):
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在")
        agencies = set(session.exec(select(RoleGrant.agency_id).where(RoleGrant.user_id == user_id)).all())
        if not agencies & _admin_agencies(p):
            raise Forbidden("只能为本机关的用户重设密码")
        user.password_hash = digest
        revoke_all_tokens(session, user.id)
    return {"status": "ok"}
