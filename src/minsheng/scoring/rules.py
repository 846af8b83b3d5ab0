"""Scoring one indicator's rule: the completion ratio, the points and the bonus (DOMAIN.md 3)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from typing import Any

from ..model import (
    Condition,
    Indicator,
    Rule,
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MISSING_POLICIES = ("zero", "hold")

_ABSENT: Any = object()  # no allocation entry at all (as opposed to an explicit "not assessed")


def half_up(x: Fraction, places: int = 2) -> Decimal:
    """An exact fraction rounded to ``places`` decimal places, half up (四舍五入), as a Decimal."""
    scaled = abs(x) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(-whole if x < 0 else whole).scaleb(-places)


def q2(x: Decimal | Fraction) -> Decimal:
    """Round to 2 places, half up (四舍五入); a Fraction is rounded exactly."""
    if isinstance(x, Fraction):
        return half_up(x)
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# One indicator


def rule_score(
    ind: Indicator, target: Decimal | None, actual: Decimal | Fraction
) -> tuple[Decimal, Decimal, Decimal | None]:
    """Score one applicable indicator: (score, bonus, completion ratio), score and bonus rounded.

    ``target`` may be ``None`` only for rules that do not need the county's target. The
    arithmetic is exact (``actual`` may be an exact Fraction, as a policy calculator gives it);
    only the score and the bonus are rounded.
    """
    s, bonus, ratio = _rule_score(ind, target, actual)
    return s, bonus, None if ratio is None else Decimal(ratio.numerator) / Decimal(ratio.denominator)


def _rule_score(
    ind: Indicator, target: Decimal | None, actual: Decimal | Fraction
) -> tuple[Decimal, Decimal, Fraction | None]:
    w = Fraction(ind.weight)
    a = Fraction(actual)
    t = None if target is None else Fraction(target)
    ratio = a / t if t else None
    if ind.rule is Rule.RATIO:
        assert ratio is not None
        s = w * max(Fraction(0), min(ratio, Fraction(1)))
        bonus = Fraction(0)
        if ind.bonus is not None and ratio > 1:
            full_steps = floor((ratio - 1) / Fraction(ind.bonus.step))
            bonus = min(Fraction(ind.bonus.cap), full_steps * Fraction(ind.bonus.per_step))
        return q2(s), q2(bonus), ratio
    if ind.rule is Rule.STEPS:
        assert ratio is not None
        fraction = next((Fraction(st.fraction) for st in ind.steps if ratio >= Fraction(st.at)), Fraction(0))
        return q2(w * fraction), ZERO, ratio
    if ind.rule is Rule.CEILING:
        assert t is not None
        if a <= t:
            s = w
        elif t == 0:
            s = Fraction(0)
        else:
            s = w * max(Fraction(0), 1 - (a - t) / t)
        return q2(s), ZERO, ratio
    if ind.rule is Rule.BINARY:
        threshold = ind.threshold if ind.threshold is not None else target
        assert threshold is not None
        th = Fraction(threshold)
        ok = {
            Condition.GE: a >= th,
            Condition.LE: a <= th,
            Condition.EQ: a == th,
        }[ind.condition or Condition.GE]
        return (q2(w) if ok else ZERO), ZERO, ratio
    if ind.rule is Rule.DEDUCT:
        per_unit = Fraction(ind.per_unit or ZERO)
        return q2(max(Fraction(0), min(w, w - per_unit * a))), ZERO, ratio
    return ZERO, ZERO, ratio  # veto and info carry no points
