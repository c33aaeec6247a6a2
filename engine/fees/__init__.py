"""Fees under 国办函〔2020〕109号: the calculator and the annual figures."""

from .calculator import Band, PerItemRule, PerVolumeRule, Quote, month_total, per_item, per_items, per_volume

__all__ = ["Band", "PerItemRule", "PerVolumeRule", "Quote", "month_total", "per_item", "per_items", "per_volume"]
