"""score_county pinned: a policy calculator's ratio is scored exactly, not from its rounded percent."""

from decimal import Decimal as D

import attrs
from builders import full_allocation, make_submission, make_targets

from minsheng import Value, score


def test_a_calculated_ratio_is_scored_exactly_not_from_its_28_digit_percent(scheme):
    """8.2 (4 points, 80 元 × 6 months a retiree): paid just under 99.875 % of the 1,440 元 due.
    Its percent to 28 digits is 99.875, which would score 3.995 → 4.00; exactly it is below, 3.99."""
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "8.2"}
    values |= {"8.2/retirees": Value.of(3), "8.2/paid": Value.of(D("1438.199999999999999999999999999999"))}
    a = score(scheme, make_targets(["1"], scheme), [attrs.evolve(sub, values=values)])
    (s,) = [s for s in a.counties[0].indicators if s.code == "8.2"]
    assert s.actual == D("99.875")
    assert s.score == D("3.99")
