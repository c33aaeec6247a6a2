"""The fee calculator (国办函〔2020〕109号)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from engine.errors import InputError
from engine.fees import per_item, per_volume

from ..deps import Principal, current

router = APIRouter(prefix="/fees", tags=["收费"])


@router.get("/quote", summary="信息处理费试算",
            description="按件：`method=per_item&position=45`（该件在申请人本自然月中的序号）；按量：`method=per_volume&pages=250`。"
                        "返回金额与分档计算。")
def quote(method: Annotated[str, Query(pattern="^(per_item|per_volume)$")],
          position: Annotated[int | None, Query(ge=1, le=100000)] = None,
          pages: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
          _: Principal = Depends(current)) -> dict:
    if method == "per_item":
        if position is None or pages is not None:
            raise InputError("按件计收须提供 position，且不提供 pages", field="position")
        return per_item(position).as_dict()
    if pages is None or position is not None:
        raise InputError("按量计收须提供 pages，且不提供 position", field="pages")
    return per_volume(pages).as_dict()
