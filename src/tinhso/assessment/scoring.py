"""Pure scoring rules. No database access: easy to test and to document.

Rounding rule (documented in docs/assessment.md): a leaf's score is computed exactly
with :class:`~decimal.Decimal` and rounded once, to the hundredth of a point, half
away from zero (``ROUND_HALF_UP``). Every higher level (indicator, pillar, total) is
the exact sum of the rounded leaf scores, so a total always equals the sum of its
parts as printed.

Tie rule: subjects are ranked by total, highest first. Equal totals share the same
rank and the next rank is skipped ("1, 2, 2, 4", standard competition ranking);
within a tie subjects are listed by name. Per-pillar ranks use the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


class ScoringError(ValueError):
    """A value that cannot be scored (above the maximum, negative, not a level…)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LeafRule(Protocol):
    code: str
    method: str
    max_points: Decimal
    target: Decimal | None
    scale_levels: int | None
    bands: Any


def quantize(value: Decimal) -> Decimal:
    """Round to the hundredth, half away from zero."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(raw: Any) -> Decimal:
    """Parse a number typed by a person: ``1.234,5`` and ``1234.5`` both work."""
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and (text.count(".") == 0 or text.rfind(",") > text.rfind(".")):
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ScoringError(_("“%(raw)s” không phải là một số.") % {"raw": raw}) from None
    if not value.is_finite():
        raise ScoringError(_("“%(raw)s” không phải là một số.") % {"raw": raw})
    return value


def normalised_bands(raw: Any) -> list[tuple[Decimal, Decimal]]:
    """Bands as sorted ``(min, points)`` pairs."""
    bands: list[tuple[Decimal, Decimal]] = []
    for item in raw or []:
        bands.append((to_decimal(item["min"]), to_decimal(item["points"])))
    return sorted(bands, key=lambda b: b[0])


def leaf_score(rule: LeafRule, value: Decimal | None) -> Decimal:
    """The score of one leaf for a declared (or adjusted) ``value``; 0 when unanswered.

    Raises :class:`ScoringError` for a value the method cannot accept, so nothing
    above the maximum is ever stored.
    """
    if value is None:
        return ZERO
    max_points = Decimal(rule.max_points)
    if value < 0:
        raise ScoringError(_("Giá trị không được âm."))
    method = rule.method
    if method == "yes_no":
        if value not in (0, 1):
            raise ScoringError(_("Chỉ chọn Có hoặc Không."))
        raw = max_points if value == 1 else ZERO
    elif method == "ratio":
        target = Decimal(rule.target or 0)
        if target <= 0:
            raise ScoringError(
                _("Tiêu chí %(code)s chưa có chỉ tiêu hợp lệ.") % {"code": rule.code}
            )
        raw = max_points * min(value / target, Decimal(1))
    elif method == "scale":
        levels = int(rule.scale_levels or 0)
        if levels <= 0:
            raise ScoringError(_("Tiêu chí %(code)s chưa có số mức thang.") % {"code": rule.code})
        if value != value.to_integral_value() or value > levels:
            raise ScoringError(_("Mức phải là số nguyên từ 0 đến %(levels)s.") % {"levels": levels})
        raw = max_points * value / Decimal(levels)
    elif method == "bands":
        raw = ZERO
        for minimum, points in normalised_bands(rule.bands):
            if value >= minimum:
                raw = points
        raw = min(raw, max_points)
    elif method == "manual":
        if value > max_points:
            raise ScoringError(
                _("Điểm %(value)s vượt quá điểm tối đa %(max)s của tiêu chí %(code)s.")
                % {"value": quantize(value), "max": max_points, "code": rule.code}
            )
        raw = value
    else:
        raise ScoringError(_("Cách chấm không hợp lệ: %(m)s") % {"m": method})
    return quantize(raw)


def sum_scores(scores: Iterable[Decimal]) -> Decimal:
    """Exact sum of already-rounded parts (no second rounding)."""
    total = ZERO
    for s in scores:
        total += s
    return total.quantize(CENT)


@dataclass(frozen=True)
class Ranked:
    key: Any
    value: Decimal
    rank: int


T = TypeVar("T")


def rank(
    items: Sequence[T], *, value: Callable[[T], Decimal], name: Callable[[T], str]
) -> list[tuple[T, int]]:
    """Standard competition ranking: highest first, equal values share a rank (1, 2, 2, 4);
    within a tie, ordered by ``name``."""
    ordered = sorted(items, key=lambda it: (-value(it), name(it)))
    out: list[tuple[T, int]] = []
    previous: Decimal | None = None
    current_rank = 0
    for position, item in enumerate(ordered, start=1):
        v = value(item)
        if previous is None or v != previous:
            current_rank = position
            previous = v
        out.append((item, current_rank))
    return out


def rank_map(values: Mapping[Any, Decimal], names: Mapping[Any, str]) -> dict[Any, int]:
    keys = list(values)
    return {k: r for k, r in rank(keys, value=lambda k: values[k], name=lambda k: names.get(k, ""))}
