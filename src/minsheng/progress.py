"""序时进度: is a county on pace for the year, as of an interim month? (DOMAIN.md section 3)."""

from __future__ import annotations

import enum
from decimal import Decimal

TOLERANCE = Decimal("0.05")  # ±5 percentage points around the expected share


class Progress(enum.StrEnum):
    DONE = "已完成"
    AHEAD = "超序时"
    ON_PACE = "按序时"
    BEHIND = "滞后"


def expected_share(month: int) -> Decimal:
    """The share of the year elapsed at the end of ``month`` (1..12): m / 12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    return Decimal(month) / Decimal(12)


def progress_status(ratio: Decimal, month: int, tolerance: Decimal = TOLERANCE) -> Progress:
    """已完成 at r ≥ 1; 超序时 at r ≥ m/12 + 5 points; 滞后 below m/12 − 5 points; else 按序时."""
    expected = expected_share(month)
    if ratio >= 1:
        return Progress.DONE
    if ratio >= expected + tolerance:
        return Progress.AHEAD
    if ratio < expected - tolerance:
        return Progress.BEHIND
    return Progress.ON_PACE
