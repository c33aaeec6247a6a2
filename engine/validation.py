"""Turning pydantic validation errors into one Chinese message naming the fields."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .errors import InputError

M = TypeVar("M", bound=BaseModel)

MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为是/否",
    "bool_type": "应为是/否",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "string_type": "应为文本",
    "string_too_long": "文本过长",
    "string_too_short": "不能为空",
    "too_short": "不能为空（项数不足）",
    "too_long": "项数过多",
    "string_pattern_mismatch": "格式不对",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "value_error": "取值无效",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bytes_type": "应为文本",
    "url_parsing": "格式不对",
}


def describe(exc: ValidationError) -> tuple[str, str | None]:
    parts = []
    first = None
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ())) or "输入"
        first = first or field
        msg = MESSAGES.get(err.get("type", ""), "取值无效")
        if err.get("type") == "value_error":
            ctx = err.get("ctx") or {}
            msg = str(ctx.get("error") or msg)
            if field == "输入" or not err.get("loc") or msg.startswith("“"):  # the message names its field
                parts.append(msg)
                continue
        parts.append(f"“{field}”{msg}")
    return "；".join(parts[:8]), first


def parse(model: type[M], data: object, context: dict | None = None) -> M:
    """``context`` reaches the validators (``ValidationInfo.context``), e.g. the day that is "today"."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("输入应为 JSON 对象")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        message, field = describe(exc)
        raise InputError(message, field=field) from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


def _find_control(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return path or "输入" if _CONTROL.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            hit = _find_control(k, path) or _find_control(v, f"{path}.{k}" if path else str(k))
            if hit:
                return hit
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            hit = _find_control(v, f"{path}[{i}]")
            if hit:
                return hit
    return None


class CleanModel(BaseModel):
    """Input model that refuses unknown fields and text with control or invisible format characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        field = _find_control(data)
        if field:
            raise ValueError(f"“{field}”含有控制字符或不可见字符")
        return data
