"""The fee calculator (国办函〔2020〕109号)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from sqlmodel import Session, select

from engine.errors import InputError, NotFound
from engine.fees import per_item, per_volume
from engine.models import Agency, AgencySettings

from ..deps import Principal, current, get_session
from ..schemas.fees import Quote
from ..schemas.problems import COMMON, errors

router = APIRouter(prefix="/fees", tags=["收费"], responses={**COMMON, **errors(404)})


@router.get("/quote", summary="信息处理费试算", response_model=Quote, response_model_exclude_unset=True,
            description="按件：`method=per_item&position=45`（该件在申请人本自然月中的序号）；按量：`method=per_volume&pages=250`。"
                        "给出 `agency`（机关代码）时按该机关设定的收费档次计算，否则按国家标准。返回金额与分档计算。")
def quote(method: Annotated[str, Query(pattern="^(per_item|per_volume)$")],
          position: Annotated[int | None, Query(ge=1, le=100000)] = None,
          pages: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
          agency: Annotated[str | None, Query(max_length=32)] = None,
          p: Principal = Depends(current), session: Session = Depends(get_session)) -> dict:
    opts = AgencySettings()
    if agency:
        row = session.exec(select(Agency).where(Agency.code == agency)).first()
        if row is None or not p.actor.can_see(row):
            raise NotFound(f"机关“{agency}”不存在")
        opts = row.options
    if method == "per_item":
        if position is None or pages is not None:
            raise InputError("按件计收须提供 position，且不提供 pages", field="position")
        return per_item(position, opts.item_rule()).as_dict()
    if pages is None or position is not None:
        raise InputError("按量计收须提供 pages，且不提供 position", field="pages")
    return per_volume(pages, opts.volume_rule()).as_dict()
