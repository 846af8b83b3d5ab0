"""序时进度: is a county on pace for the year, as of an interim month? (DOMAIN.md section 3).

A cumulative indicator (按完成比例、分档计分: 就业人数, 培训人数, 发放金额 …) is judged by its completion
ratio against the share of the year due by the period's end: N/12 by default (序时进度), or the
targets workbook's planned schedule for that indicator (:class:`Schedule`). Within ``band``
points of it is 按序时; ``band`` points or more above is 超序时; more than ``band`` below is 滞后,
and ``red`` points or more below 严重滞后; a ratio of 1 or more is 已完成. Lower-is-better and
pass/fail indicators are judged on their own terms, by the scheme's own rule against the annual
target, never prorated: a ceiling (失业率) is 按序时 within it and 滞后 above it (严重滞后 ``red``
per cent or more above); a deduction (扣分) is 按序时 at nothing deducted, 滞后 once points are
lost and 严重滞后 when all are; a pass/fail rule 按序时 or 滞后; a veto 严重滞后 at one case.

Nothing here imports openpyxl, click or pluggy.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal

from attrs import frozen

from .model import Indicator, ProgressSettings, Rule

TOLERANCE = Decimal("0.05")  # ±5 percentage points around the expected share
HUNDRED = Decimal(100)


class Progress(enum.StrEnum):
    DONE = "已完成"
    AHEAD = "超序时"
    ON_PACE = "按序时"
    BEHIND = "滞后"
    FAR_BEHIND = "严重滞后"

    @property
    def behind(self) -> bool:
        """滞后 or 严重滞后."""
        return self in (Progress.BEHIND, Progress.FAR_BEHIND)


def expected_share(month: int) -> Decimal:
    """The share of the year elapsed at the end of ``month`` (1..12): m / 12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    return Decimal(month) / Decimal(12)


def progress_status(
    ratio: Decimal,
    month: int,
    tolerance: Decimal = TOLERANCE,
    *,
    expected: Decimal | None = None,
    red: Decimal | None = None,
) -> Progress:
    """已完成 at r ≥ 1; 超序时 at r ≥ e + tolerance; 严重滞后 at r ≤ e − red (when ``red`` is given);
    滞后 below e − tolerance; else 按序时. ``e`` is ``expected`` (a planned share), else m/12."""
    e = expected_share(month) if expected is None else expected
    if ratio >= 1:
        return Progress.DONE
    if ratio >= e + tolerance:
        return Progress.AHEAD
    if red is not None and ratio <= e - red:
        return Progress.FAR_BEHIND
    if ratio < e - tolerance:
        return Progress.BEHIND
    return Progress.ON_PACE


@frozen
class Schedule:
    """A planned schedule: indicator code → {month: the share of the annual target due by its end}.

    An indicator without a plan is due N/12; between two planned months the share is interpolated
    linearly (0 before the year starts)."""

    plans: dict[str, dict[int, Decimal]]

    def share(self, code: str, month: int) -> Decimal:
        """The share of ``code``'s annual target due by the end of ``month``."""
        plan = self.plans.get(code)
        if not plan:
            return expected_share(month)
        if month in plan:
            return plan[month]
        before = max((m for m in plan if m < month), default=0)
        after = min((m for m in plan if m > month), default=None)
        low = plan.get(before, Decimal(0))
        if after is None:
            return low
        return low + (plan[after] - low) * Decimal(month - before) / Decimal(after - before)

    def planned(self, code: str) -> bool:
        return bool(self.plans.get(code))


NO_SCHEDULE = Schedule({})

#: rules whose target is a cumulative amount for the year, prorated to the period
PRORATED = (Rule.RATIO, Rule.STEPS)


@frozen
class Judgement:
    """One indicator of one county at a period: the status, the completion ratio of the annual
    target, the share due (None where not prorated) and the points ahead (+) or behind (−)."""

    status: Progress | None
    ratio: Decimal | None = None
    expected: Decimal | None = None
    gap: Decimal | None = None


def judge(
    ind: Indicator,
    target: Decimal | None,
    actual: Decimal | None,
    share: Decimal,
    settings: ProgressSettings,
) -> Judgement:
    """The status of ``actual`` against the annual ``target`` at ``share`` of the year due.

    ``status`` is None where there is nothing to judge: an info indicator, a blank value, or a
    cumulative indicator without a target."""
    from .scoring import rule_score

    band, red = settings.band / HUNDRED, settings.red / HUNDRED
    if actual is None or ind.rule is Rule.INFO:
        return Judgement(None)
    if ind.rule in PRORATED:
        if not target:
            return Judgement(None)
        ratio = actual / target
        gap = (ratio - share) * HUNDRED
        status = progress_status(ratio, 12, band, expected=share, red=red)
        return Judgement(status, ratio, share, gap)
    if ind.rule is Rule.CEILING:
        if target is None:
            return Judgement(None)
        if actual <= target:
            return Judgement(Progress.ON_PACE, None, None, None)
        over = (actual - target) / target * HUNDRED if target else HUNDRED
        return Judgement(Progress.FAR_BEHIND if over >= settings.red else Progress.BEHIND, None, None, -over)
    if ind.rule is Rule.BINARY and ind.threshold is None and target is None:
        return Judgement(None)
    if ind.rule is Rule.VETO:
        return Judgement(Progress.FAR_BEHIND if actual > 0 else Progress.ON_PACE)
    score, _bonus, _ratio = rule_score(ind, target, actual)
    if score >= ind.weight:
        return Judgement(Progress.ON_PACE)
    if ind.rule is Rule.DEDUCT and score > 0:
        return Judgement(Progress.BEHIND)
    return Judgement(Progress.FAR_BEHIND if ind.rule is Rule.DEDUCT else Progress.BEHIND)


def prorated_allocations(
    indicators: tuple[Indicator, ...],
    allocations: Mapping[str, Mapping[str, Decimal | None]],
    month: int,
    schedule: Schedule = NO_SCHEDULE,
) -> dict[str, dict[str, Decimal | None]]:
    """Each county's targets as due by the end of ``month``: cumulative (ratio, steps) targets ×
    the share due, every other target as it is (the scheme's rules then score against these)."""
    rules = {ind.code: ind.rule for ind in indicators}
    out: dict[str, dict[str, Decimal | None]] = {}
    for county, targets in allocations.items():
        out[county] = {
            code: (t * schedule.share(code, month) if t is not None and rules.get(code) in PRORATED else t)
            for code, t in targets.items()
        }
    return out
