"""Login, logout, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import ConfigDict, Field
from sqlmodel import Session, select

from engine.validation import CleanModel
from engine import auth
from engine.models import Agency, RoleGrant
from engine.models.user import ROLE_ZH

from ..client import client_address, user_agent
from ..deps import Principal, current, get_session
from ..schemas.auth import LoggedIn, Me, RecentLogins
from ..schemas.base import Done
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/auth", tags=["登录"], responses=COMMON)


class LoginBody(CleanModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"username": "clerk1", "password": "••••••••"}]})
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


@router.post("/login", summary="登录", response_model=LoggedIn,
             description="用户名和密码换取令牌（有效期12小时）。同一用户名在同一地址连续失败3次后，每次须等待的时间"
                         "逐次加倍，失败10次后该用户名在该地址15分钟内不能登录（响应 429 及 Retry-After）；"
                         "不影响该用户从其他地址登录。",
             responses=errors(429))
def login(body: LoginBody, request: Request, session: Session = Depends(get_session)) -> dict:
    token, user, expires = auth.login(session, body.username, body.password, client_address(request),
                                      user_agent(request))
    return {"token": token, "token_type": "bearer", "expires_at": expires.isoformat(), "user": user.username}


@router.post("/logout", summary="退出登录", response_model=Done, description="使当前令牌立即失效。")
def logout(p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    auth.logout(session, p.token)
    return {"status": "ok"}


def me_payload(session: Session, p: Principal) -> dict:
    grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == p.user.id)).all()
    agencies = {a.id: a for a in session.exec(select(Agency).where(Agency.id.in_({g.agency_id for g in grants}))).all()}
    return {
        "id": p.user.id, "username": p.user.username, "name": p.user.display_name,
        "platform_admin": p.actor.platform_admin,
        "roles": [{"agency_id": g.agency_id, "agency_code": agencies[g.agency_id].code,
                   "agency_name": agencies[g.agency_id].name, "role": g.role, "role_label": ROLE_ZH[g.role]}
                  for g in grants],
    }


@router.get("/me", summary="当前用户", response_model=Me, description="当前用户及其在各机关的角色。")
def me(p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return me_payload(session, p)


@router.get("/logins", summary="最近登录记录", response_model=RecentLogins,
            description="当前用户最近10次登录（时间、地址、浏览器或客户端、最后使用时间、是否仍有效）和以其用户名"
                        "失败的最近10次登录尝试。")
def logins(p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return auth.recent_logins(session, p.user)
