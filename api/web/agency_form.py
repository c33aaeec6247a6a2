"""The admin page's letter, fee and alert settings: form text to settings values, with Chinese messages
naming the field. The rules themselves (ranges, order, 机关代字) are engine.models.agency's."""

from __future__ import annotations

import re

from engine.errors import InputError

ITEM_FIELDS = {"free_upto": "按件：免费件数上限", "base_upto": "按件：基础收费件数上限", "base_fee": "按件：基础收费（元/件）",
               "step_size": "按件：超出后每档件数", "step_increase": "按件：每档每件加收（元）"}


def _int(form, name: str, label: str, low: int = 0, high: int = 100000) -> int:
    text = str(form.get(name, "")).strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not re.fullmatch(r"\d{1,6}", text):
        raise InputError(f"“{label}”应为整数", field=name)
    value = int(text)
    if not low <= value <= high:
        raise InputError(f"“{label}”应在{low}至{high}之间", field=name)
    return value


def parse_volume_bands(text: str) -> list[dict]:
    """One band a line, ``起始页-截止页:每页元`` — the last without an end: ``201-:40``."""
    bands = []
    for n, line in enumerate((x.strip() for x in text.replace("：", ":").replace("－", "-").splitlines()), 1):
        if not line:
            continue
        m = re.fullmatch(r"(\d{1,7})\s*-\s*(\d{1,7})?\s*:\s*(\d{1,5})", line)
        if not m:
            raise InputError(f"“按量收费档次”第{n}行格式不对，应为“起始页-截止页:每页元”，最后一档不写截止页，如“201-:40”",
                             field="fee_volume_bands")
        first, last, rate = int(m[1]), int(m[2]) if m[2] else None, int(m[3])
        bands.append({"first": first, "last": last, "rate": rate})
    if not bands:
        raise InputError("“按量收费档次”不能为空", field="fee_volume_bands")
    return bands


def volume_bands_text(bands) -> str:
    return "\n".join(f"{b.first}-{b.last or ''}:{b.rate}" for b in bands)


def letter_and_fee_settings(form) -> dict:
    """The settings this part of the form sends; a field left out of the form is not changed."""
    out: dict = {}
    for key, label, limit in (("doc_code", "机关代字", 20), ("letterhead", "发文机关标志", 60)):
        if key in form:
            out[key] = str(form.get(key, "")).strip()
            if len(out[key]) > limit:
                raise InputError(f"“{label}”过长：最多{limit}个字（现为{len(out[key])}个）", field=key)
    if "free_upto" in form:
        out["fee_item_rule"] = {k: _int(form, k, label) for k, label in ITEM_FIELDS.items()}
        if out["fee_item_rule"]["base_upto"] < out["fee_item_rule"]["free_upto"]:
            raise InputError("“按件：基础收费件数上限”不能小于“按件：免费件数上限”", field="base_upto")
    if "fee_volume_bands" in form:
        out["fee_volume_bands"] = parse_volume_bands(str(form.get("fee_volume_bands", "")))
    if "alert_thresholds" in form:
        parts = [x for x in re.split(r"[,，、\s]+", str(form.get("alert_thresholds", "")).strip()) if x]
        if not parts or not all(re.fullmatch(r"\d{1,2}", x) for x in parts):
            raise InputError("“提醒阈值”应为用逗号分隔的工作日数，如“5，2，1”", field="alert_thresholds")
        out["alert_thresholds"] = [int(x) for x in parts]
    for key, label in (("traffic_yellow", "黄灯阈值"), ("traffic_orange", "橙灯阈值")):
        if key in form:
            out[key] = _int(form, key, label, 1, 30)
    return out
