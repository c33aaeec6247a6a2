"""Administration: agencies and their settings, users and their roles, the admin audit log.

Who may do what is decided in engine.admin_rights (agency admins: their own agencies and users whose
every grant lies there; the platform admin: agencies, the calendar and every user)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ConfigDict, Field
from sqlmodel import Session, select

from engine import admin_ops
from engine.admin_audit import ACTIONS, list_admin_events
from engine.admin_rights import may_manage_user, visible_settings
from engine.deadline import parse_date
from engine.models import Agency, RoleGrant, User
from engine.models.user import ROLE_ZH
from engine.validation import CleanModel

from ..deps import Principal, get_session, requires
from ..deps import request_origin as origin
from ..schemas.admin import AdminEventPage, AgencyView, UserView
from ..schemas.base import Done
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/admin", tags=["管理"], responses={**COMMON, **errors(403, 404, 409)})
Admin = Depends(requires("admin", "platform_admin"))
Platform = Depends(requires("platform_admin"))
AuditReader = Depends(requires("legal", "platform_admin"))
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def public_settings(agency: Agency) -> dict:
    """The settings as shown: the webhook secret is write-only (only whether one is set)."""
    settings = agency.options.model_dump()
    settings["webhook_secret_set"] = bool(settings.pop("webhook_secret"))
    return settings


def _agency_view(a: Agency, with_settings: bool = True) -> dict:
    view = {"id": a.id, "code": a.code, "name": a.name, "region": a.region,
            "competent_department_id": a.competent_department_id, "review_body": a.review_body, "court": a.court,
            "address": a.address, "contact": a.contact}
    if with_settings:
        view["settings"] = public_settings(a)
    return view


@router.get("/agencies", summary="机关列表", response_model=list[AgencyView],
            description="机关管理员：本人管理的机关及其设置；平台管理员：全部机关。推送密钥从不返回，"
                        "只说明是否已设置（`webhook_secret_set`）。")
def agencies(p: Principal = Admin, session: Session = Depends(get_session)) -> list[dict]:
    rows = session.exec(select(Agency).order_by(Agency.id)).all()
    return [_agency_view(a) for a in rows if visible_settings(p.actor, a)]


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
    settings: dict | None = Field(default=None, description="机关设置（AgencySettings），未给出的取默认值")


@router.post("/agencies", status_code=201, summary="新增机关（平台管理员）", response_model=AgencyView)
def create_agency(body: AgencyBody, request: Request, p: Principal = Platform,
                  session: Session = Depends(get_session)) -> dict:
    agency = admin_ops.create_agency(session, p.actor, origin(request), code=body.code, name=body.name,
                                     competent_department=body.competent_department, settings=body.settings,
                                     region=body.region, review_body=body.review_body, court=body.court,
                                     address=body.address, contact=body.contact)
    return _agency_view(agency)


class AgencyPatch(CleanModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: str | None = Field(default=None, max_length=32)
    competent_department: str | None = Field(default=None, max_length=32,
                                             description="主管部门的机关代码，空字符串表示无（平台管理员）")
    review_body: str | None = Field(default=None, max_length=200)
    court: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    contact: str | None = Field(default=None, max_length=200)
    settings: dict | None = Field(default=None, description="只需给出要修改的设置项")


@router.patch("/agencies/{agency_id}", summary="修改机关及其设置", response_model=AgencyView,
              response_model_exclude_unset=True,
              description="该机关的机关管理员修改其设置；机关名称和主管部门由平台管理员修改；"
                          "“收费报主管部门核准”由主管部门的机关管理员或平台管理员修改。")
def patch_agency(agency_id: Id, body: AgencyPatch, request: Request, p: Principal = Admin,
                 session: Session = Depends(get_session)) -> dict:
    agency = admin_ops.update_agency(session, p.actor, origin(request), agency_id, body.model_dump(exclude_none=True))
    return _agency_view(agency, with_settings=visible_settings(p.actor, agency))


def _user_view(session: Session, user: User, p: Principal | None = None) -> dict:
    grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()
    view = {"id": user.id, "username": user.username, "name": user.display_name, "active": user.active,
            "platform_admin": user.platform_admin,
            "roles": [{"id": g.id, "agency_id": g.agency_id, "role": g.role, "role_label": ROLE_ZH[g.role]} for g in grants]}
    if p is not None:
        view["manageable"] = may_manage_user(p.actor, user, {g.agency_id for g in grants})
    return view


@router.get("/users", summary="用户列表", response_model=list[UserView],
            description="本人担任机关管理员的机关的用户（平台管理员：全部用户）；`manageable` 表示本人能否管理该用户。")
def users(p: Principal = Admin, session: Session = Depends(get_session)) -> list[dict]:
    q = select(User).order_by(User.id)
    if not p.actor.platform_admin:
        ids = p.actor.admin_of()
        q = q.where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.agency_id.in_(ids))))
    return [_user_view(session, u, p) for u in session.exec(q).all()]


class GrantBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    agency_id: int = Field(ge=1, le=2**31 - 1)
    role: str = Field(pattern="^(clerk|head|secrecy_reviewer|legal|supervisor|admin)$")


class UserBody(CleanModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "username": "clerk3", "name": "吴经办", "password": "a-long-password", "roles": [{"agency_id": 2, "role": "clerk"}]}]})
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=256, description="至少10位，不能包含用户名，不能全为同一字符")
    roles: list[GrantBody] = Field(default_factory=list, max_length=20)
    platform_admin: bool = Field(default=False, description="设为平台管理员（仅平台管理员可设）")


@router.post("/users", status_code=201, summary="新增用户", response_model=UserView,
             description="机关管理员须为新用户授予至少一个本人所管理机关的角色。")
def create_user(body: UserBody, request: Request, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    user = admin_ops.create_user(session, p.actor, origin(request), username=body.username, display_name=body.name,
                                 password=body.password, roles=[(g.agency_id, g.role) for g in body.roles],
                                 platform_admin=body.platform_admin)
    return _user_view(session, user, p)


@router.post("/users/{user_id}/roles", status_code=201, summary="授予角色", response_model=UserView,
             description="须担任该机关的机关管理员，且该用户的全部角色都在本人管理的机关；不能为本人授予角色。")
def add_role(user_id: Id, body: GrantBody, request: Request, p: Principal = Admin,
             session: Session = Depends(get_session)) -> dict:
    user = admin_ops.grant_role(session, p.actor, origin(request), user_id, body.agency_id, body.role)
    return _user_view(session, user, p)


@router.delete("/users/{user_id}/roles/{grant_id}", summary="收回角色", response_model=UserView)
def remove_role(user_id: Id, grant_id: Id, request: Request, p: Principal = Admin,
                session: Session = Depends(get_session)) -> dict:
    user = admin_ops.revoke_role(session, p.actor, origin(request), user_id, grant_id)
    return _user_view(session, user, p)


class PasswordBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=256, description="至少10位，不能包含用户名，不能全为同一字符")


@router.post("/users/{user_id}/password", summary="重设密码", response_model=Done, description="重设后该用户的全部登录失效。")
def set_password(user_id: Id, body: PasswordBody, request: Request, p: Principal = Admin,
                 session: Session = Depends(get_session)) -> dict:
    admin_ops.reset_password(session, p.actor, origin(request), user_id, body.password)
    return {"status": "ok"}


@router.post("/users/{user_id}/deactivate", summary="停用账号", response_model=UserView, description="停用后该用户的全部登录立即失效，不能再登录。")
def deactivate(user_id: Id, request: Request, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    return _user_view(session, admin_ops.set_active(session, p.actor, origin(request), user_id, False), p)


@router.post("/users/{user_id}/activate", summary="启用账号", response_model=UserView)
def activate(user_id: Id, request: Request, p: Principal = Admin, session: Session = Depends(get_session)) -> dict:
    return _user_view(session, admin_ops.set_active(session, p.actor, origin(request), user_id, True), p)


@router.get("/audit", summary="管理日志", response_model=AdminEventPage,
            description="用户、角色、机关设置和放假安排的变更记录（只增不改）。法制审核人员看本机关的记录，平台管理员看全部。"
                        f"操作类型：{'、'.join(f'{k}（{v}）' for k, v in ACTIONS.items())}。")
def audit(p: Principal = AuditReader, session: Session = Depends(get_session),
          agency_id: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="机关")] = None,
          start: Annotated[str | None, Query(alias="from", description="开始日期（含）")] = None,
          end: Annotated[str | None, Query(alias="to", description="结束日期（含）")] = None,
          action: Annotated[str | None, Query(max_length=32, description="操作类型")] = None,
          page: Annotated[int, Query(ge=1, le=10000)] = 1,
          page_size: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    first: date | None = parse_date(start, "开始日期") if start else None
    last: date | None = parse_date(end, "结束日期") if end else None
    return list_admin_events(session, p.actor, agency_id=agency_id, start=first, end=last, action=action or None,
                             page=page, page_size=page_size)

