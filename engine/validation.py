"""Turning pydantic validation errors into one Chinese message naming the fields."""

from __future__ import annotations

import re
from typing import Any, TypeVar, get_args

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


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (itself, in a list, or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def field_label(model: type[BaseModel] | None, loc: tuple) -> str:
    """The Chinese name of the field at ``loc``: its title, nested ones joined (申请人·姓名或名称), list
    items counted (第2项). A part with no title (a key the user made up) is shown as given."""
    names: list[str] = []
    for part in loc:
        if isinstance(part, int):
            names.append(f"第{part + 1}项")
            continue
        info = model.model_fields.get(str(part)) if model is not None else None
        if info is None:
            names.append(FACT_TITLES.get(str(part), str(part)))
            model = None
            continue
        names.append(info.title or str(part))
        model = _inner_model(info.annotation)
    return "·".join(names) or "输入"


# The keys of ``channel_facts`` (engine.receipt.CHANNELS: the fact that fixes the receipt date).
FACT_TITLES = {"handed_in": "提交之日", "signed_for": "签收之日", "confirmed": "确认收到之日",
               "mail_received": "邮件系统收到之日", "date": "收到日期"}


def describe(exc: ValidationError, model: type[BaseModel] | None = None) -> tuple[str, str | None]:
    """One Chinese message naming each field by its title; and the first field's path (for forms)."""
    parts = []
    first = None
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        first = first or (".".join(str(p) for p in loc) or None)
        field = field_label(model, loc) if loc else "输入"
        msg = MESSAGES.get(err.get("type", ""), "取值无效")
        if err.get("type") == "value_error":
            ctx = err.get("ctx") or {}
            msg = str(ctx.get("error") or msg)
            if field == "输入" or not loc or msg.startswith("“"):  # the message names its field
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
        message, field = describe(exc, model)
        raise InputError(message, field=field) from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


def _find_control(value: Any, path: tuple = ()) -> tuple | None:
    """The path of the first text holding a control character (``()``: the value itself)."""
    if isinstance(value, str):
        return path if _CONTROL.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            hit = _find_control(k, path)
            if hit is None:
                hit = _find_control(v, (*path, k))
            if hit is not None:
                return hit
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            hit = _find_control(v, (*path, i))
            if hit is not None:
                return hit
    return None


class CleanModel(BaseModel):
    """Input model that refuses unknown fields and text with control or invisible format characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        path = _find_control(data)
        if path is not None:
            raise ValueError(f"“{field_label(cls, path)}”含有控制字符或不可见字符")
        return data
