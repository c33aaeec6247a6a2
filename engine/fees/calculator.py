"""The information processing fee (国办函〔2020〕109号; spec fees.md): excess-progressive bands.

Amounts are whole 元 in the rules and integer 分 in storage; never floats. The bands are configuration
with the national values as default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError


@dataclass(frozen=True)
class Band:
    first: int  # first unit of the band (1-based)
    last: int | None  # None: open-ended
    rate: int  # 元 per unit


@dataclass(frozen=True)
class PerItemRule:
    """Per item (按件): items 1..free_upto free; up to base_upto at base_fee; from base_upto+1 on,
    bands of ``step_size`` items, each band adding ``step_increase`` per item ([unconfirmed] 31–40 = 200)."""

    free_upto: int = 10
    base_upto: int = 30
    base_fee: int = 100
    step_size: int = 10
    step_increase: int = 100

    def fee_for(self, position: int) -> int:
        if position <= self.free_upto:
            return 0
        if position <= self.base_upto:
            return self.base_fee
        return self.base_fee + self.step_increase * ((position - self.base_upto - 1) // self.step_size + 1)

    def band_of(self, position: int) -> Band:
        if position <= self.free_upto:
            return Band(1, self.free_upto, 0)
        if position <= self.base_upto:
            return Band(self.free_upto + 1, self.base_upto, self.base_fee)
        k = (position - self.base_upto - 1) // self.step_size
        first = self.base_upto + 1 + k * self.step_size
        return Band(first, first + self.step_size - 1, self.fee_for(position))


@dataclass(frozen=True)
class PerVolumeRule:
    bands: tuple[Band, ...] = field(default_factory=lambda: (
        Band(1, 30, 0), Band(31, 100, 10), Band(101, 200, 20), Band(201, None, 40),
    ))


def item_rule_from(data: dict | None) -> PerItemRule:
    return PerItemRule(**data) if data else PerItemRule()


def volume_rule_from(bands: list | None) -> PerVolumeRule:
    if not bands:
        return PerVolumeRule()
    return PerVolumeRule(tuple(Band(int(b["first"]), None if b.get("last") is None else int(b["last"]), int(b["rate"]))
                               for b in bands))


def rule_as_data(rule: PerItemRule | PerVolumeRule) -> dict | list:
    if isinstance(rule, PerItemRule):
        return {"free_upto": rule.free_upto, "base_upto": rule.base_upto, "base_fee": rule.base_fee,
                "step_size": rule.step_size, "step_increase": rule.step_increase}
    return [{"first": b.first, "last": b.last, "rate": b.rate} for b in rule.bands]


@dataclass(frozen=True)
class Line:
    first: int
    last: int
    units: int
    rate: int  # 元
    subtotal: int  # 元
    band: str = ""  # per item: the band the item falls in, in words

    def as_dict(self) -> dict:
        out = {"from": self.first, "to": self.last, "units": self.units, "rate": self.rate, "subtotal": self.subtotal}
        if self.band:
            out["band"] = self.band
        return out

    def text(self, unit: str) -> str:
        span = f"第{self.first}{unit}" if self.first == self.last else f"第{self.first}—{self.last}{unit}"
        return f"{span}：{self.units}{unit} × {self.rate}元 = {self.subtotal}元"


@dataclass(frozen=True)
class Quote:
    method: str  # per_item | per_volume
    units: int
    amount: int  # 元
    lines: tuple[Line, ...]
    unit: str  # 件 | 页
    month_total: int | None = None  # per item: the applicant's month total after this item

    @property
    def amount_fen(self) -> int:
        return self.amount * 100

    def explain(self) -> list[str]:
        if self.method == "per_item":
            rows = [f"申请人本自然月第{x.first}件：适用{x.band}，{x.rate}元" for x in self.lines]  # type: ignore[attr-defined]
            if self.month_total is not None:
                rows.append(f"本月第1件至第{max(x.first for x in self.lines)}件累计：{self.month_total}元")
            return rows + [f"本申请合计：{self.amount}元"]
        return [line.text(self.unit) for line in self.lines] + [f"合计：{self.amount}元"]

    def as_dict(self) -> dict:
        out: dict = {"method": self.method, "units": self.units, "amount": self.amount, "amount_fen": self.amount_fen,
               "lines": [line.as_dict() for line in self.lines], "explain": self.explain()}
        if self.month_total is not None:
            out["month_total"] = self.month_total
        return out


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            text = str(value).strip()
            if not text.isdigit():
                raise ValueError
            value = int(text)
        except ValueError:
            raise InputError(f"{what}应为正整数，收到“{value}”", field=what) from None
    if value <= 0:
        raise InputError(f"{what}应为正整数，收到 {value}", field=what)
    return value


def _band_text(rule: PerItemRule, k: int) -> str:
    band = rule.band_of(k)
    if band.rate == 0:
        return f"第1—{rule.free_upto}件免费档"
    return f"第{band.first}—{band.last}件档（每件{band.rate}元）"


def month_total(rule: PerItemRule, n: int) -> int:
    """The fees of items 1..n in one month, band by band (no per-item loop needed)."""
    total = 0
    if n > rule.free_upto:
        total += (min(n, rule.base_upto) - rule.free_upto) * rule.base_fee
    k = 0
    while rule.base_upto + k * rule.step_size < n:
        first = rule.base_upto + 1 + k * rule.step_size
        last = min(n, first + rule.step_size - 1)
        total += (last - first + 1) * rule.fee_for(first)
        k += 1
    return total


def per_item(position: object, rule: PerItemRule | None = None) -> Quote:
    """The fee of the item at ``position`` in the applicant's calendar month (one item)."""
    rule = rule or PerItemRule()
    k = _positive_int(position, "position")
    fee = rule.fee_for(k)
    line = Line(k, k, 1, fee, fee, _band_text(rule, k))
    return Quote("per_item", k, fee, (line,), "件", month_total(rule, k))


def per_items(positions: list[int], rule: PerItemRule | None = None) -> Quote:
    """Several items of one application (a split application): the sum of their item fees."""
    rule = rule or PerItemRule()
    for k in positions:
        _positive_int(k, "position")
    lines = tuple(Line(k, k, 1, rule.fee_for(k), rule.fee_for(k), _band_text(rule, k)) for k in positions)
    return Quote("per_item", len(positions), sum(x.subtotal for x in lines), lines, "件",
                 month_total(rule, max(positions)))


def per_volume(pages: object, rule: PerVolumeRule | None = None) -> Quote:
    rule = rule or PerVolumeRule()
    n = _positive_int(pages, "pages")
    lines = []
    for band in rule.bands:
        if n < band.first:
            break
        last = n if band.last is None else min(n, band.last)
        units = last - band.first + 1
        lines.append(Line(band.first, last, units, band.rate, units * band.rate))
    return Quote("per_volume", n, sum(x.subtotal for x in lines), tuple(lines), "页")
