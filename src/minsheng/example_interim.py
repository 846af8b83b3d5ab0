"""The mid-year example: the example province's 100 counties reporting 1—N月累计 (:mod:`minsheng.example`).

The targets are the year end's. Each county has a pace, fixed by a seed: most near 序时进度, the
year end's leaders ahead, its laggards behind, one county far behind (严重滞后), one that never
reports, one that reports late. Two indicators follow a planned schedule (进度计划: 小额贷款 and
城镇职业技能培训 are back-loaded) instead of N/12. The same counties keep their pace from one
month to the next, so two periods give 连续滞后. Everything is deterministic.

This module makes the data (plain model values); :mod:`minsheng.demo` writes it out as files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from attrs import frozen

from .example import (
    BLANK_CELL,
    DASH,
    LAGGARDS,
    LATE,
    LEADERS,
    YEAR,
    example_province,
)
from .model import County, Reporter, Scheme, Submission, Targets, Value
from .period import Period
from .progress_rules import PRORATED, Schedule

FAR_BEHIND = "360830"  # 永新县: a third of the way to where it should be
#: 进度计划 (cumulative % of the annual target due by each quarter's end)
PLANS: dict[str, tuple[int, int, int, int]] = {
    "5.1": (15, 40, 70, 100),  # 小额贷款: most loans go out in the second half
    "3.1": (20, 45, 75, 100),  # 城镇职业技能培训: classes start after the spring festival
}
QUANTUM = {"人": Decimal(1), "户": Decimal(1), "万元": Decimal("0.01"), "%": Decimal("0.1")}


@frozen
class InterimProvince:
    scheme_id: str
    period: Period
    targets: Targets
    submissions: tuple[Submission, ...]
    schedule: Schedule
    layouts: dict[str, str]
    deadline: dt.date
    assessed_on: dt.date


def schedule() -> Schedule:
    """The example's 进度计划 as a :class:`Schedule` (quarter ends)."""
    return Schedule(
        {code: {3 * (q + 1): Decimal(p) / 100 for q, p in enumerate(ps)} for code, ps in PLANS.items()}
    )


def pace(code: str, rng: random.Random) -> float:
    """How far along a county is, as a share of what is due (1.0: exactly on schedule)."""
    if code == FAR_BEHIND:
        return 0.3
    if code in LEADERS:
        return rng.uniform(1.2, 1.35)
    if code in LAGGARDS:
        return rng.uniform(0.7, 0.82)
    return min(1.12, max(0.9, rng.gauss(1.0, 0.05)))


def interim_province(scheme: Scheme, counties: Sequence[County], period: Period) -> InterimProvince:
    """The province at ``period`` (its year is the example's)."""
    from .progress_run import due_date

    base = example_province(scheme, counties)
    plan = schedule()
    deadline = due_date(period, scheme.progress.due_day)
    paces = random.Random(f"{YEAR}/pace")  # the same paces every month
    noise = random.Random(f"{YEAR}/{period.month}")
    by_code = {c.code: c for c in base.targets.counties}
    subs = []
    for year_end in base.submissions:
        county = by_code[year_end.county]
        p = pace(county.code, paces)
        allocation = base.targets.allocations[county.code]
        values: dict[str, Value] = {}
        for ind in scheme.indicators:
            t = allocation.get(ind.code)
            v = year_end.values.get(ind.code)
            if ind.rule in PRORATED:
                if t is None:
                    continue
                due = t * plan.share(ind.code, period.month)
                done = due * Decimal(str(round(p * noise.uniform(0.96, 1.04), 4)))
                values[ind.code] = Value.of(done.quantize(QUANTUM[ind.unit], ROUND_HALF_UP))
            elif v is not None and not ind.lateness and ind.code not in ("3.2.1", "3.2.2", "3.2.3"):
                values[ind.code] = v  # levels, counts and cases: as they stand
        if "3.2" in values and values["3.2"].amount is not None:
            total = int(values["3.2"].amount)
            parts = [int(total * 0.65), int(total * 0.28)]
            for code, n in zip(("3.2.1", "3.2.2", "3.2.3"), (*parts, total - sum(parts)), strict=True):
                values[code] = Value.of(n)
        if county.code == BLANK_CELL:
            values["4.4"] = Value.missing()
        if county.code == DASH:
            values["2.3"] = Value.of(100)  # told at the year end: only the province says 不考核
        late = county.code == LATE
        on = deadline + dt.timedelta(days=6) if late else deadline - dt.timedelta(days=noise.randint(0, 4))
        subs.append(
            Submission(
                county=county.code,
                year=YEAR,
                values=values,
                month=period.month,
                period=str(period),
                reporter=Reporter(
                    year_end.reporter.unit, year_end.reporter.person, year_end.reporter.phone, on
                ),
                submitted_on=on,
            )
        )
    layouts = {code: plugin for code, plugin in base.layouts.items() if plugin == "monthly-xlsx"}
    return InterimProvince(
        scheme_id=scheme.id,
        period=period,
        targets=base.targets,
        submissions=tuple(subs),
        schedule=plan,
        layouts=layouts,
        deadline=deadline,
        assessed_on=deadline + dt.timedelta(days=5),
    )


__all__ = ["FAR_BEHIND", "PLANS", "InterimProvince", "interim_province", "schedule"]
