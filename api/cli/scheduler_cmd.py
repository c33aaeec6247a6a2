"""``ogi scheduler`` (its own process) and ``ogi sweep --now`` (one sweep from the command line)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated, Optional

import typer


def scheduler() -> None:
    """运行调度进程：每15分钟扫描期限、每日8:30发送摘要、失败投递重试（同一数据库只有一个在运行）。"""
    import logging

    from engine.alerting.scheduler import SchedulerService
    from engine.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from letters.hooks import LetterDesk

    service = SchedulerService(letters=LetterDesk(get_settings().letter_template_dir))
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    service.start()
    typer.echo("调度进程已启动（若另一进程正在运行，本进程等待接替）。按 Ctrl+C 退出。")
    done.wait()
    service.stop()


def sweep(
    now: Annotated[bool, typer.Option("--now", help="立即执行一次")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="以该日为今天（用于补算）")] = None,
) -> None:
    """执行一次期限扫描：产生提醒、办理逾期补正/缴费/征求意见的法定后果。"""
    from engine.alerting.delivery import deliver_pending
    from engine.alerting.sweep import run_sweep
    from engine.calendar_registry import get_registry
    from engine.db import new_session
    from engine.deadline import parse_date
    from engine.errors import InputError
    from engine.case import local_today
    from engine.settings import get_settings
    from letters.hooks import LetterDesk

    from .output import fail

    if not now:
        fail("请加 --now 确认立即执行")
    try:
        day = parse_date(today, "today") if today else local_today()
    except InputError as exc:
        fail(exc.message)
    report = run_sweep(new_session, get_registry(), day, LetterDesk(get_settings().letter_template_dir))
    with new_session() as s:
        result = deliver_pending(s, get_settings())
    typer.echo(f"扫描完成：{report}；投递成功 {result['sent']}，待重试 {result['retry_later']}")
