"""Fees under 国办函〔2020〕109号: the calculator and the annual figures."""

from .calculator import (
    Band,
    PerItemRule,
    PerVolumeRule,
    Quote,
    item_rule_from,
    month_total,
    per_item,
    per_items,
    per_volume,
    rule_as_data,
    volume_rule_from,
)

__all__ = ["Band", "PerItemRule", "PerVolumeRule", "Quote", "item_rule_from", "month_total", "per_item", "per_items",
           "per_volume", "rule_as_data", "volume_rule_from"]
