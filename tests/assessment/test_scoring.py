"""Pure scoring rules: methods, rounding to the hundredth, sums and ties."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from tinhso.assessment.scoring import (
    ScoringError,
    leaf_score,
    quantize,
    rank,
    sum_scores,
    to_decimal,
)


@dataclass
class Rule:
    method: str
    max_points: Decimal
    code: str = "x"
    target: Decimal | None = None
    scale_levels: int | None = None
    bands: Any = field(default_factory=list)


def test_yes_no_gives_all_or_nothing() -> None:
    rule = Rule("yes_no", Decimal(20))
    assert leaf_score(rule, Decimal(1)) == Decimal("20.00")
    assert leaf_score(rule, Decimal(0)) == Decimal("0.00")
    with pytest.raises(ScoringError):
        leaf_score(rule, Decimal(2))


def test_ratio_is_proportional_and_capped_at_the_target() -> None:
    rule = Rule("ratio", Decimal(30), target=Decimal(80))
    assert leaf_score(rule, Decimal(60)) == Decimal("22.50")
    assert leaf_score(rule, Decimal(95)) == Decimal("30.00")


def test_ratio_rounds_to_the_hundredth_half_up() -> None:
    # 10 * 1/3 = 3.333… → 3.33 ; 35 * 97.61/100 = 34.1635 → 34.16 ; 0.125 → 0.13
    assert leaf_score(Rule("ratio", Decimal(10), target=Decimal(3)), Decimal(1)) == Decimal("3.33")
    assert leaf_score(Rule("ratio", Decimal(35), target=Decimal(100)), Decimal("97.61")) == Decimal(
        "34.16"
    )
    assert leaf_score(Rule("ratio", Decimal(1), target=Decimal(8)), Decimal(1)) == Decimal("0.13")
    assert quantize(Decimal("2.675")) == Decimal("2.68")  # Decimal, not binary float


def test_scale_needs_an_integer_level_within_the_scale() -> None:
    rule = Rule("scale", Decimal(35), scale_levels=5)
    assert leaf_score(rule, Decimal(3)) == Decimal("21.00")
    with pytest.raises(ScoringError):
        leaf_score(rule, Decimal(6))
    with pytest.raises(ScoringError):
        leaf_score(rule, Decimal("2.5"))


def test_bands_take_the_highest_band_reached_even_when_points_decrease() -> None:
    rule = Rule(
        "bands",
        Decimal(25),
        bands=[
            {"min": "0", "points": "25"},
            {"min": "1", "points": "15"},
            {"min": "3", "points": "0"},
        ],
    )
    assert leaf_score(rule, Decimal(0)) == Decimal("25.00")
    assert leaf_score(rule, Decimal(2)) == Decimal("15.00")
    assert leaf_score(rule, Decimal(7)) == Decimal("0.00")


def test_manual_score_above_the_maximum_is_refused() -> None:
    rule = Rule("manual", Decimal(25))
    assert leaf_score(rule, Decimal("24.999")) == Decimal("25.00")
    with pytest.raises(ScoringError, match="vượt quá điểm tối đa"):
        leaf_score(rule, Decimal("25.01"))


def test_negative_values_are_refused() -> None:
    with pytest.raises(ScoringError):
        leaf_score(Rule("ratio", Decimal(10), target=Decimal(100)), Decimal(-1))


def test_unanswered_scores_zero() -> None:
    assert leaf_score(Rule("manual", Decimal(5)), None) == Decimal(0)


def test_sum_is_exact_sum_of_rounded_parts() -> None:
    parts = [Decimal("3.33")] * 3
    assert sum_scores(parts) == Decimal("9.99")  # not 10.00 (no re-rounding of the total)


def test_vietnamese_decimal_comma_is_understood() -> None:
    assert to_decimal("97,61") == Decimal("97.61")
    assert to_decimal("1.234,5") == Decimal("1234.5")
    assert to_decimal("1234.5") == Decimal("1234.5")
    with pytest.raises(ScoringError):
        to_decimal("abc")
    with pytest.raises(ScoringError):
        to_decimal("NaN")


def test_ties_share_a_rank_and_the_next_rank_is_skipped() -> None:
    items = [
        ("Huyện B", Decimal("800.00")),
        ("Huyện A", Decimal("800.00")),
        ("Huyện C", Decimal("900.10")),
        ("Huyện D", Decimal("700")),
    ]
    ranked = rank(items, value=lambda it: it[1], name=lambda it: it[0])
    assert [(it[0], r) for it, r in ranked] == [
        ("Huyện C", 1),
        ("Huyện A", 2),
        ("Huyện B", 2),
        ("Huyện D", 4),
    ]
