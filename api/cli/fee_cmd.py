"""``ogi fee``: the information processing fee calculator (国办函〔2020〕109号)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .output import fail, print_json


def fee(
    per_item: Annotated[bool, typer.Option("--per-item", help="按件计收")] = False,
    per_volume: Annotated[bool, typer.Option("--per-volume", help="按量计收")] = False,
    position: Annotated[Optional[str], typer.Option("--position", help="该件在申请人本自然月中的序号")] = None,
    pages: Annotated[Optional[str], typer.Option("--pages", help="提供的页数")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="打印分档计算")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """计算信息处理费（元）。"""
    from engine.errors import InputError
    from engine.fees import per_item as item_fee
    from engine.fees import per_volume as volume_fee

    if per_item == per_volume:
        fail("须且只能选择一种计收方式：--per-item 或 --per-volume")
    try:
        if per_item:
            if pages is not None:
                fail("按件计收不使用 --pages")
            if position is None:
                fail("按件计收须提供 --position")
            quote = item_fee(position)
        else:
            if position is not None:
                fail("按量计收不使用 --position")
            if pages is None:
                fail("按量计收须提供 --pages")
            quote = volume_fee(pages)
    except InputError as exc:
        fail(exc.message.replace("position", "--position").replace("pages", "--pages"))
    if as_json:
        print_json(quote.as_dict())
        return
    typer.echo(str(quote.amount))
    if explain:
        for line in quote.explain():
            typer.echo(line)
