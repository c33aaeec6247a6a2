"""The applicants' portal API (no login): the agencies and their 申请指南, applying online, following
the case with the tracking number and query code, verifying a letter. And the agency administrator's
edit of the guide."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response
from pydantic import ConfigDict, Field, create_model
from sqlmodel import Session

from engine.portal import correction, guide, progress, service, submissions, verification
from engine.portal.guide import GuideIn
from engine.db import new_session
from engine.services.intake import RegisterIn
from engine.validation import CleanModel

from ..client import client_address
from ..responses import attachment
from ..deps import Principal, get_session, registry, request_origin, requires, today
from ..schemas.problems import COMMON, errors
from ..schemas.public import CorrectionSent, Guide, PlatformAgency, Progress, Submitted, Verification

router = APIRouter(tags=["申请人门户"], responses={**COMMON, **errors(404, 429)})

EXAMPLE = {
    "agency_code": "DEMO",
    "applicant": {"kind": "natural", "name": "张伟", "id_type": "resident_id", "id_number": "110101198805121234",
                  "phone": "13800138001", "email": "zhangwei@example.cn", "address": "示例市东城区和平路18号"},
    "request_text": "请公开2025年度道路运输行政许可办理情况统计", "form_wanted": "electronic", "delivery_wanted": "online",
}

# The online application is the registration's own data without the clerk's receipt facts: the fields
# (labels, bounds, checks) come from RegisterIn, never written twice.
OnlineApplicationBody = create_model(
    "OnlineApplicationBody", __base__=CleanModel,
    agency_code=(str, Field(min_length=1, max_length=32, title="机关代码")),
    **{name: (f.annotation, f) for name, f in RegisterIn.model_fields.items() if name in submissions.ONLINE_FIELDS},
)
OnlineApplicationBody.model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                                                json_schema_extra={"examples": [EXAMPLE]})
OnlineApplicationBody.model_rebuild(force=True)

Code = Annotated[str, Path(min_length=1, max_length=32, pattern="^[A-Za-z0-9_-]+$", description="机关代码")]


@router.get("/public/agencies", summary="本平台的机关", response_model=list[PlatformAgency],
            description="本平台受理政府信息公开申请的各机关，申请人据此选择向哪个机关申请。")
def agencies(session: Session = Depends(get_session)) -> list[dict]:
    return guide.platform_agencies(session)


@router.get("/public/agencies/{agency_code}/guide", summary="申请指南", response_model=Guide,
            description="机关的政府信息公开申请指南：申请方式、应包括的内容、受理渠道、收费、期限、咨询方式、行政复议机关和管辖法院。")
def read_guide(agency_code: Code, session: Session = Depends(get_session)) -> dict:
    return guide.guide_of(session, guide.agency_by_code(session, agency_code))


@router.put("/guides/{agency_code}", summary="修改申请指南", response_model=Guide,
            responses=errors(403),
            description="本机关的机关管理员（或平台管理员）修改申请指南，每一栏按所给内容保存（空栏显示默认内容），记入管理日志。")
def edit_guide(agency_code: Code, body: GuideIn, request: Request,
               p: Principal = Depends(requires("admin", "platform_admin")),
               session: Session = Depends(get_session)) -> dict:
    return guide.update_guide(session, p.actor, agency_code, body.model_dump(), request_origin(request))


@router.post("/public/applications", status_code=201, summary="在线提交政府信息公开申请", response_model=Submitted,
             responses=errors(409),
             description="无需登录。与经办人登记相同的内容和校验；须带请求头 Idempotency-Key（每份申请一个16–128位的随机值），"
                         "重试或重复点击时返回同一查询号和查询码，不会产生两份申请；同一键用于不同内容时 409。"
                         "提交后等待工作人员确认收到（条例第三十一条第（三）项：确认之日为收到申请之日）。"
                         "同一地址每小时最多提交10份（429 及 Retry-After）。")
def apply_online(body: Annotated[OnlineApplicationBody, Body()], request: Request, response: Response,
                 idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
                 session: Session = Depends(get_session), day: date = Depends(today)) -> dict:
    data = body.model_dump(mode="json", exclude_unset=True)
    code = data.pop("agency_code")
    done = submissions.submit(session, code, data, idempotency_key, client_address(request), day)
    if done.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return {"tracking_number": done.tracking_number, "query_code": done.query_code, "agency_code": done.agency_code,
            "agency_name": done.agency_name, "submitted_at": progress.local(done.submitted_at),
            "state_label": progress.SUBMISSION_PLAIN["pending"]}


@router.get("/public/applications/{tracking_number}", summary="查询办理进度", response_model=Progress,
            description="凭查询号和查询码查询：当前状态、答复期限（或暂停及原因）、已印发的文书。查询号不存在与查询码错误的答复完全相同（404）；"
                        "同一地址15分钟内失败20次后暂停查询（429 及 Retry-After）。不显示申请人身份信息。")
def follow(tracking_number: Annotated[str, Path(min_length=1, max_length=32)], request: Request, response: Response,
           code: Annotated[str, Query(min_length=1, max_length=64, description="查询码")]) -> dict:
    response.headers["Cache-Control"] = "no-store"
    # The session is opened and closed here, not by a dependency: the connection goes back to the pool
    # before the answer waits for a thread to be validated and sent (50 clients on 4 threads otherwise
    # hold more connections than the pool has).
    with new_session() as session:
        return progress.progress(session, tracking_number, code, client_address(request))


@router.get("/public/applications/{tracking_number}/letters/{letter_id}.pdf", summary="下载已印发的文书",
            response_class=Response, responses={200: {"description": "PDF", "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}}},
            description="凭查询号和查询码下载本申请已印发的文书。申请人选择网上获取或电子邮件的，首次下载即为送达："
                        "系统在案件上登记网上送达（日期、时间、地址），自送达之日起计算补正、缴费和救济期限。")
def download_letter(tracking_number: Annotated[str, Path(min_length=1, max_length=32)],
                    letter_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request,
                    code: Annotated[str, Query(min_length=1, max_length=64, description="查询码")],
                    session: Session = Depends(get_session), reg=Depends(registry), day: date = Depends(today)) -> Response:
    pdf, name = service.download(session, tracking_number, code, letter_id, client_address(request), today=day,
                                 registry=reg)
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store", **attachment(name)})


class CorrectionBody(CleanModel):
    code: str = Field(min_length=1, max_length=64, title="查询码")
    corrected_text: str = Field(min_length=1, max_length=20000, title="补正后的申请内容")


@router.post("/public/applications/{tracking_number}/correction", status_code=201, summary="在线提交补正",
             response_model=CorrectionSent, responses=errors(409),
             description="申请处于待补正时，凭查询号和查询码提交补正后的申请内容；须带 Idempotency-Key。"
                         "工作人员确认收到之日为收到补正之日（条例第三十一条第（三）项），答复期限自该日起重新计算（第三十条）。")
def correct_online(tracking_number: Annotated[str, Path(min_length=1, max_length=32)], body: CorrectionBody,
                   request: Request,
                   idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
                   session: Session = Depends(get_session), day: date = Depends(today)) -> dict:
    done = correction.submit_correction(session, tracking_number, body.code, {"corrected_text": body.corrected_text},
                                        idempotency_key, client_address(request), day)
    return {"tracking_number": done.tracking_number, "submitted_at": progress.local(done.submitted_at)}


class WithdrawalBody(CleanModel):
    code: str = Field(min_length=1, max_length=64, title="查询码")
    reason: str = Field(default="", max_length=2000, title="撤回理由")


@router.post("/public/applications/{tracking_number}/withdrawal", status_code=201, summary="在线撤回申请",
             response_model=CorrectionSent, responses=errors(409),
             description="已确认收到、尚未办结的申请，凭查询号和查询码申请撤回；须带 Idempotency-Key。"
                         "工作人员确认收到之日为撤回之日，申请即终止。")
def withdraw_online(tracking_number: Annotated[str, Path(min_length=1, max_length=32)], body: WithdrawalBody,
                    request: Request,
                    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
                    session: Session = Depends(get_session), day: date = Depends(today)) -> dict:
    done = correction.submit_withdrawal(session, tracking_number, body.code, {"reason": body.reason},
                                        idempotency_key, client_address(request), day)
    return {"tracking_number": done.tracking_number, "submitted_at": progress.local(done.submitted_at)}


@router.get("/public/letters/verify", summary="核验文书", response_model=Verification,
            description="凭文号和文书上的核验码核验：真实有效（genuine）、已作废（voided）或未查询到（unknown）；"
                        "给出文书类型、印发日期和 PDF 的 SHA-256，不显示申请人信息和文书内容。失败次数计入同一地址的查询限制。")
def verify(request: Request, number: Annotated[str, Query(min_length=1, max_length=64, description="文号")],
           code: Annotated[str, Query(min_length=1, max_length=32, description="核验码")]) -> dict:
    with new_session() as session:  # closed before the answer is sent (see ``follow``)
        return verification.verify(session, number, code, client_address(request))
