"""Calendar routes: the deadline calculator, known years, one year's schedule."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ..deps import requires
from ..schemas.calendar import Deadline, Imported, YearSource, YearView
from ..schemas.problems import COMMON, errors
from ..deps import today as today_dep
from engine.case import local_today

from engine.calendar_registry import get_registry
from engine.calendar_view import year_view
from engine.deadline import answer, parse_date, parse_request

# The calculator and the schedules need no login and no database; the import needs both.
router = APIRouter(prefix="/calendar", tags=["日历与期限"], responses=errors(400, 413, 422))


@router.get(
    "/deadline",
    summary="计算答复期限",
    description=(
        "按工作日计算期限（第0日为收到之日，非工作日收到顺延），返回期限届满日与逐日计算明细。"
        "所涉年份的官方放假安排未载入时返回 422，除非 `provisional=true`（按周一至周五暂定，结果标注暂定）。"
    ),
    response_model=Deadline,
    responses=errors(400, s422="输入有误或年份未载入"),
)
def deadline(
    received: Annotated[str, Query(description="收到申请之日", examples=["2026-02-13"])],
    working_days: Annotated[str, Query(description="期限（工作日）", examples=["20"])] = "20",
    pause: Annotated[list[str] | None, Query(description="暂停期间 FROM:TO，可重复", examples=["2026-02-26:2026-03-05"])] = None,
    restart: Annotated[str | None, Query(description="补正后收到之日")] = None,
    extend: Annotated[str, Query(description="延长的工作日数（≤20）")] = "0",
    region: Annotated[str | None, Query(description="地区代码，默认全国")] = None,
    provisional: Annotated[bool, Query(description="未载入年份按周一至周五暂定计算")] = False,
    roll: Annotated[bool, Query(description="非工作日收到时顺延第0日")] = True,
    today: Annotated[str | None, Query(description="计算剩余工作日的参照日，默认今天")] = None,
) -> dict:
    registry = get_registry()
    req = parse_request(
        registry, received=received, working_days=working_days, pauses=pause or (), restart=restart,
        extend=extend, region=region, provisional=provisional, roll=roll,
    )
    as_of = parse_date(today, "today") if today else local_today()  # Asia/Shanghai, not the server's zone
    return answer(registry, req, today=as_of, with_explanation=True)


@router.post("/import", summary="导入一年的放假安排（平台管理员）",
             description="请求体为 YAML 文本（格式见 README）。全部校验通过才存入数据库（同一地区、年份的旧版本保留备查），"
                         "并在同一事务中重新计算未办结申请的期限、记入管理日志；否则返回 422，`problems` 列出每处错误及行号，"
                         "不保存任何数据。",
             response_model=Imported, responses={**COMMON, **errors(403)},
             openapi_extra={"requestBody": {"content": {"application/yaml": {"schema": {"type": "string"}}}, "required": True}})
async def import_year(request: Request, p=Depends(requires("platform_admin")), day: date = Depends(today_dep)) -> dict:
    from fastapi.concurrency import run_in_threadpool

    from engine.calendar_import import import_schedule

    from ..deps import request_origin
    from engine.db import new_session
    from engine.errors import InputError

    body = await request.body()
    if not body.strip():
        raise InputError("请求体应为日历 YAML 文本")

    def work():
        with new_session() as session:
            return import_schedule(session, p.actor, body, today=day, client=request_origin(request))

    result = await run_in_threadpool(work)
    s = result.schedule
    return {"year": s.year, "region": s.region, "source": s.source, "replaced": result.replaced,
            "unchanged": result.unchanged, "schedule_id": result.schedule_id,
            "holidays": len(s.holidays), "workdays": len(s.workdays),
            "recomputed": [{"number": c["number"], "before": str(c["before"]), "after": str(c["after"])}
                           for c in result.changes]}


@router.get("/years", summary="已载入的年份", response_model=list[YearSource], description="每个地区已载入的年份、数据来源与依据文件。")
def years() -> list[dict]:
    return [r.__dict__ for r in get_registry().years()]


@router.get(
    "/{year}",
    summary="一年的工作日安排",
    description="节假日（含名称与依据）、调休上班日、全年工作日数。未载入的年份返回 404。",
    response_model=YearView,
    responses=errors(s404="该年份未载入"),
)
def show_year(year: int, region: Annotated[str | None, Query(description="地区代码")] = None) -> dict:
    from calendars import CalendarNotAvailable
    from engine.errors import NotFound

    try:
        return year_view(get_registry(), year, region)
    except CalendarNotAvailable as exc:
        raise NotFound(str(exc)) from None
