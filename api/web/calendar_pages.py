"""The calendar admin page: the years known, and a year's schedule imported from a file upload, from a
form (one holiday a line) or pasted — all through the one import (engine.calendar_import)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from engine.calendar_registry import get_registry
from engine.case import local_today
from engine.db import new_session
from engine.errors import DomainError, InputError

from ..deps import request_origin
from .pages import render, with_msg
from .session import CSRF_FIELD, csrf_ok, login_redirect, principal

router = APIRouter(include_in_schema=False)
MAX_SCHEDULE_BYTES = 256 * 1024  # a year's schedule is a few kilobytes


def _page(request: Request, p, status: int = 200, **ctx) -> Response:
    from engine.admin_rights import is_administrator

    if not is_administrator(p.actor):
        return render(request, "error.html", p, status=403, message="需要机关管理员或平台管理员角色")
    reg = get_registry()
    today = local_today()
    ctx.setdefault("values", {"year": str(today.year + 1), "region": "national"})
    return render(request, "calendar.html", p, status=status, years=reg.years(), regions=reg.region_codes(),
                  region_names=reg.region_names, platform=p.actor.platform_admin, **ctx)


@router.get("/admin/calendar")
def calendar_page(request: Request) -> Response:
    with new_session() as s:
        p = principal(request, s)
        if p is None:
            return login_redirect(request)
        return _page(request, p)


@router.post("/admin/calendar/{how}")
async def calendar_import(request: Request, how: str) -> Response:
    """``upload`` (a YAML file), ``form`` (year, region, source and one entry a line) or ``paste``."""
    form = await request.form()
    upload = form.get("file")
    raw = upload.file.read(MAX_SCHEDULE_BYTES + 1) if how == "upload" and hasattr(upload, "file") else b""
    name = getattr(upload, "filename", "") or "上传的日历文件"

    def work():
        from calendars import CalendarFileInvalid
        from engine import admin_ops
        from engine.calendar_import import import_schedule
        from engine.calendar_view import schedule_yaml

        with new_session() as s:
            p = principal(request, s)
            if p is None:
                return login_redirect(request)
            if not csrf_ok(p, form.get(CSRF_FIELD)):
                return render(request, "error.html", p, status=403, message="表单已过期，请刷新页面后重试")
            values = {k: str(form.get(k, "")) for k in ("year", "region", "source", "holidays", "workdays", "content")}
            try:
                admin_ops.check_calendar_import(p.actor)
                if how == "upload":
                    if not raw:
                        raise InputError("请选择要上传的日历文件（YAML）", field="file")
                    if len(raw) > MAX_SCHEDULE_BYTES:
                        raise InputError("日历文件过大：一年的放假安排不超过256KB", field="file")
                    content, origin = raw, name
                elif how == "form":
                    year = values["year"].strip()
                    if not (year.isdigit() and 2000 <= int(year) <= 2100):
                        raise InputError("“年度”应为2000至2100之间的年份", field="year")
                    content = schedule_yaml(int(year), values["region"].strip() or "national",
                                            values["source"].strip(), values["holidays"], values["workdays"])
                    origin = "表单"
                elif how == "paste":
                    content, origin = values["content"], "粘贴的文本"
                else:
                    return render(request, "error.html", p, status=404, message="未知操作")
                result = import_schedule(s, p.actor, content, today=local_today(), origin=origin,
                                         client=request_origin(request))
            except CalendarFileInvalid as exc:
                s.rollback()
                return _page(request, p, status=422, problems=exc.problems, how=how, values=values)
            except DomainError as exc:
                s.rollback()
                return _page(request, p, status=exc.status, problems=[exc.message],
                             how=how, values=values)
            sched = result.schedule
            done = "内容与已导入的相同，未作更改" if result.unchanged else f"{len(result.changes)}件申请的期限已重新计算"
            return with_msg("/admin/calendar", f"已导入{sched.year}年放假安排（{sched.region}）；{done}")

    return await run_in_threadpool(work)
