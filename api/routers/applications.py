"""Applications: register, list, detail (with the clock and its explanation), actions, events, audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response
from pydantic import ConfigDict, Field
from sqlmodel import Session, select

from engine import queries, workflow
from engine.services.catalog import EVENTS
from engine.db import new_session
from engine.errors import Conflict, InputError, NotFound
from engine.models import Agency
from engine.services.applicants import reveal_applicant, reveal_on_application
from engine.services.intake import RegisterIn
from engine.validation import CleanModel

from ..deps import Principal, current, get_session, registry, today
from ..hooks import letter_desk
from ..responses import FastJSON
from ..schemas.applications import (Action, ApplicationDetail, ApplicationPage, EventAnswer, Registered, Revealed,
                                    Signals)
from ..schemas.letters import Finding
from ..schemas.problems import COMMON, errors

router = APIRouter(tags=["申请"], responses={**COMMON, **errors(403, 404, 409)})

REGISTER_EXAMPLE = {
    "agency_code": "DEMO",
    "applicant": {"kind": "natural", "name": "张伟", "id_type": "resident_id", "id_number": "110101198805121234",
                  "phone": "13800138001", "address": "示例市东城区和平路18号"},
    "channel": "email", "channel_facts": {"mail_received": "2026-11-20"},
    "request_text": "请公开2025年度道路运输行政许可办理情况统计", "form_wanted": "electronic", "delivery_wanted": "email",
}

# Every event's example body, from its declaration (EventDef.example).
EVENT_EXAMPLES = {name: e.example for name, e in EVENTS.items() if e.decide is not None}


class RegisterBody(RegisterIn):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [REGISTER_EXAMPLE]})
    agency_code: str | None = Field(default=None, description="机关代码；只在一个机关任经办人时可省略")


def etag(version: int, app_id: int) -> str:
    return f'"{app_id}-{version}"'


def expected_version(if_match: str | None, app_id: int) -> int | None:
    if not if_match:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    try:
        app_part, version = value.split("-", 1)
        if int(app_part) != app_id:
            raise ValueError
        return int(version)
    except ValueError:
        raise InputError("If-Match 应为本申请响应中的 ETag", field="If-Match") from None


def _agency_for(session: Session, p: Principal, code: str | None) -> int:
    if code:
        agency = session.exec(select(Agency).where(Agency.code == code)).first()
        if agency is None or not p.actor.can_see(agency):
            raise NotFound(f"机关“{code}”不存在")
        return agency.id
    clerk_of = sorted({aid for aid, role in p.actor.grants if role == "clerk"})
    if len(clerk_of) != 1:
        raise InputError("请指定机关代码（agency_code）", field="agency_code")
    return clerk_of[0]


@router.post("/applications", status_code=201, summary="登记申请", response_model=Registered,
             response_model_exclude_unset=True,
             description="依条例第二十九条登记：申请人、身份证件、联系方式、所需信息描述、获取形式和途径；按收件渠道确定收到日期，分配登记编号。"
                         "返回申请详情及提示信号（可能重复申请、本月件数）。")
def register(body: RegisterBody, response: Response, p: Principal = Depends(current),
             session: Session = Depends(get_session), reg=Depends(registry), day: date = Depends(today)) -> dict:
    agency_id = _agency_for(session, p, body.agency_code)
    app, signals = workflow.register(session, p.actor, agency_id, body.model_dump(exclude={"agency_code"}),
                                     today=day, registry=reg)
    detail = queries.application_detail(session, p.actor, app.id, reg, day)
    response.headers["ETag"] = etag(app.version, app.id)
    response.headers["Location"] = f"/api/v1/applications/{app.id}"
    return {**detail, "signals": signals}


@router.get("/applications", summary="申请列表", response_model=ApplicationPage, response_model_exclude_unset=True,
            description="可按状态、答复类型、承办人、申请人、文本、收到日期、N个工作日内到期、逾期、暂停、暂定期限筛选；默认按期限排序，分页。")
def list_applications(
    p: Principal = Depends(current), session: Session = Depends(get_session), reg=Depends(registry),
    day: date = Depends(today),
    status: Annotated[list[str] | None, Query(description="状态，可重复")] = None,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
    clerk_id: Annotated[int | None, Query(ge=1)] = None,
    applicant: Annotated[str | None, Query(max_length=100,
                                           description="申请人：姓名的一部分，或完整电话、完整证件号码")] = None,
    text: Annotated[str | None, Query(max_length=200, description="按编号、申请人（姓名的一部分，或完整电话、"
                                                                  "完整证件号码）或申请内容搜索")] = None,
    received_from: date | None = None, received_to: date | None = None,
    due_within: Annotated[int | None, Query(ge=0, le=60, description="N个工作日内到期")] = None,
    overdue: bool | None = None, paused: bool | None = None, provisional: bool | None = None,
    open_only: bool = False, agency_id: Annotated[int | None, Query(ge=1)] = None,
    sort: Annotated[str, Query(pattern="^(due|received|number|applicant|status|text)$",
                               description="排序：答复期限、收到日期、编号、申请人、状态、申请内容")] = "due",
    descending: Annotated[bool | None, Query(description="倒序；不填时收到日期由新到旧，其余由小到大")] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    closed_only: Annotated[bool, Query(description="只看已办结、已归档的申请")] = False,
    light: Annotated[list[str] | None, Query(description="交通灯 green/yellow/orange/red，可重复")] = None,
) -> dict:
    f = queries.ListFilters(status, outcome, clerk_id, applicant, text, received_from, received_to, due_within,
                            overdue, paused, provisional, open_only, agency_id, sort, page, page_size,
                            closed_only=closed_only, lights=light, descending=descending)
    return queries.list_applications(session, p.actor, f, reg, day)


AppId = Annotated[int, Path(ge=1, le=2**31 - 1, description="申请 ID")]


@router.get("/applications/{app_id}", summary="申请详情", response_model=ApplicationDetail,
            response_model_exclude_unset=True,
            description="含期限（到期日或暂停及剩余工作日、交通灯、是否暂定）、审计记录、征求意见、收费、文书、送达记录。"
                        "`explain=true` 时附逐日期限计算明细。响应头 ETag 为版本。")
def detail(app_id: AppId, response: Response, explain: bool = False, p: Principal = Depends(current),
           session: Session = Depends(get_session), reg=Depends(registry), day: date = Depends(today)) -> dict:
    data = queries.application_detail(session, p.actor, app_id, reg, day, with_explanation=explain)
    response.headers["ETag"] = etag(data["version"], app_id)
    return data


@router.get("/applications/{app_id}/actions", summary="当前可办理的操作", response_model=list[Action],
            response_model_exclude_unset=True,
            description="当前用户现在可以触发的事件，以及其余每个事件不可用的原因。")
def actions(app_id: AppId, p: Principal = Depends(current), session: Session = Depends(get_session),
            reg=Depends(registry), day: date = Depends(today)) -> list[dict]:
    return workflow.available_actions(session, p.actor, app_id, today=day, registry=reg)


@router.post("/applications/{app_id}/events/{event}", summary="触发事件", response_model=EventAnswer,
             description="以事件的输入推进申请（每个事件一个事务，附审计记录）。可带 If-Match（ETag）；版本已变化时返回 409 及当前状态。"
                         "返回申请摘要、期限、文书清单和本次审计记录；完整详情请 GET 申请。各事件的输入示例见 examples。",
             responses=errors(s409="状态不允许或版本冲突", s403="角色不符"))
def fire_event(
    app_id: AppId, event: Annotated[str, Path(max_length=40, pattern="^[a-z_]+$")],
    body: Annotated[dict[str, Any] | None, Body(openapi_examples={k: {"summary": k, "value": v} for k, v in EVENT_EXAMPLES.items()})] = None,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    p: Principal = Depends(current), reg=Depends(registry), day: date = Depends(today),
) -> FastJSON:
    # A plain ``def``: FastAPI runs it in the worker's thread pool like every other database route.
    # Running events on the event loop instead saved some CPU but starved the routes left in the pool:
    # with 4 of 32 clients reading details, reads fell from 16.8/s (p50 138 ms) to 5.3/s (p50 725 ms)
    # while the loop was busy (benchmarks/README.md, bench_api --readers).
    # The session is opened here rather than by ``Depends(get_session)``: a generator dependency costs
    # FastAPI an exit stack per request, ~3 % of this route's instructions (the busiest route there is).
    # The answer is a FastJSON response, which FastAPI sends as it is: ``response_model`` documents it
    # without the validation pass that would cost this route its speed (api/responses.py).
    version = expected_version(if_match, app_id)
    with new_session() as session:
        try:
            result = workflow.fire(session, p.actor, app_id, event, body or {}, expected_version=version,
                                   today=day, registry=reg, letters=letter_desk())
        except Conflict as exc:
            exc.current = queries.summary(*_app_and_applicant(session, app_id), None)
            raise
        answer = queries.event_result(result, reg, day)
    return FastJSON(answer, headers={"ETag": etag(result.application.version, app_id)})


def _app_and_applicant(session: Session, app_id: int):
    from engine.models import ApplicantDetails, Application

    app = session.get(Application, app_id)
    return app, session.get(ApplicantDetails, app_id)


@router.get("/applications/{app_id}/audit", summary="法制审核结果", response_model=list[Finding],
            description="本申请全部答复书和程序的审核项，每项含严重程度（blocking/warning）与结论。")
def audit(app_id: AppId, p: Principal = Depends(current), session: Session = Depends(get_session),
          reg=Depends(registry)) -> list[dict]:
    from engine.case_repository import case_of
    from letters.audit import audit_case

    app, _ = queries.get_visible(session, p.actor, app_id)
    return [f.as_dict() for f in audit_case(case_of(session, app), reg)]


class RevealBody(CleanModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, examples=["核对申请人身份"])


@router.post("/applications/{app_id}/applicant/reveal", summary="查看本申请申请人的完整证件号码和电话",
             response_model=Revealed,
             description="列表、详情和审计记录中证件号码、电话均脱敏；本机关经办人、负责人、保密审查员或法制审核人员"
                         "说明理由后可查看本申请登记的完整值，并记入访问日志（含机关和申请）。")
def reveal_on_app(app_id: AppId, body: RevealBody, p: Principal = Depends(current),
                  session: Session = Depends(get_session)) -> dict:
    return reveal_on_application(session, p.actor, app_id, body.reason)


@router.post("/applicants/{applicant_id}/reveal", summary="查看完整证件号码和电话（按申请人记录）", response_model=Revealed,
             deprecated=True,
             description="申请人记录属于一个机关；只对该机关的经办人、负责人、保密审查员或法制审核人员答复，"
                         "显示该申请人在本机关最近一件申请登记的电话。"
                         "请改用 POST /api/v1/applications/{app_id}/applicant/reveal。")
def reveal_by_applicant(applicant_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: RevealBody,
                        p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return reveal_applicant(session, p.actor, applicant_id, body.reason)


@router.get("/applications/{app_id}/signals", summary="同一申请人的提示信号", response_model=Signals,
            description="可能重复申请（条例第三十六条第（六）项）和本月件数：本机关范围内；"
                        "主管部门查看时为其主管的各机关范围内。")
def signals(app_id: AppId, p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    return queries.application_signals(session, p.actor, app_id)
