"""check_outliers takes each indicator's ratios in order once; the median of the other counties it
uses is the leave-one-out median, exactly (#11 item 7: cost that grows as n log n, not n²)."""

from __future__ import annotations

import bisect
import statistics
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from minsheng.checks import _median_without

ratios = st.lists(
    st.decimals(min_value=0, max_value=50, places=3, allow_nan=False, allow_infinity=False),
    min_size=5,
    max_size=40,
)


@given(ratios)
def test_the_median_of_the_others_is_the_leave_one_out_median(values):
    ordered = sorted(values)
    for i, r in enumerate(values):
        others = values[:i] + values[i + 1 :]
        assert _median_without(ordered, bisect.bisect_left(ordered, r)) == Decimal(statistics.median(others))
