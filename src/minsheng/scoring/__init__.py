"""Responsibility-system scoring (DOMAIN.md section 3), in Decimal, as plain functions.

``score()`` turns a scheme, the targets and the counties' submissions into an :class:`Assessment`:
every county of the targets appears, with a status, and every problem found on the way is kept.
Indicator scores are rounded to 2 places half up; group scores and totals are sums of rounded
scores.
"""

from .assessment import score
from .county import score_county
from .derive import derive_actuals
from .indicator import score_indicator
from .ranking import band_grade, city_rollups, competition_ranks, rank_counties
from .rules import CENT, HUNDRED, MISSING_POLICIES, ONE, ZERO, half_up, q2, rule_score

__all__ = [
    "CENT",
    "HUNDRED",
    "MISSING_POLICIES",
    "ONE",
    "ZERO",
    "band_grade",
    "city_rollups",
    "competition_ranks",
    "derive_actuals",
    "half_up",
    "q2",
    "rank_counties",
    "rule_score",
    "score",
    "score_county",
    "score_indicator",
]
