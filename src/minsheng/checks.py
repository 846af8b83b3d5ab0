"""Checks between reading and scoring (and one after): each finding is a Problem with a cell.

Pure functions over model values; the pipeline runs them in this order:
:func:`apply_deadline` (which may fill 6.2 from the report date), :func:`check_submission` per county,
:func:`check_outliers` across counties, then scoring, then :func:`check_self_scores`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from attrs import evolve

from .calculators import CALCULATORS
from .model import (
    Assessment,
    Indicator,
    Problem,
    Provenance,
    Rule,
    Scheme,
    Severity,
    Submission,
    Targets,
    Value,
    ValueStatus,
)

LATE_INDICATOR = "6.2"  # 报表按时报送（逾期天数）in the built-in scheme
IMPLAUSIBLE_RATIO = Decimal(3)  # an actual above 3× the county's own target is worth a look
PEER_FACTOR = Decimal(5)  # … or above 5× the median completion ratio of the other counties
SELF_SCORE_TOLERANCE = Decimal("0.01")


def report_date(sub: Submission) -> dt.date | None:
    """The date a county's report was submitted: its 报出日期, else its 填报日期."""
    return sub.submitted_on or sub.reporter.date


def no_values(scheme: Scheme, sub: Submission) -> Problem | None:
    """A file its plugin claimed but from which no indicator value came (every one blank or not
    found): the county is not scored from nothing but 出错, with this problem."""
    codes = {ind.code for ind in scheme.indicators}
    if any(
        v.status is not ValueStatus.MISSING for key, v in sub.values.items() if key.partition("/")[0] in codes
    ):
        return None
    src = sub.source
    name = Path(src.file).name if src.file else "报表"
    by = f"插件“{src.plugin}”认领了" if src.plugin else "读取了"
    return Problem.at(
        "no-indicator-values",
        f"{by}“{name}”，但没有从中读到任何一个指标的数值（本方案的指标都是空白或没有找到）；"
        "该县按出错处理，不予评分。请确认报送的是本县填好的报表，格式未被改动；"
        "若格式是对的，请把此信息转给读取它的插件的维护人员。",
        src,
        county=sub.county,
    )


def apply_deadline(
    scheme: Scheme, sub: Submission, deadline: dt.date | None
) -> tuple[Submission, list[Problem]]:
    """A report after the deadline is a warning; its days late feed indicator 6.2 when it is blank."""
    if deadline is None:
        return sub, []
    date = report_date(sub)
    problems: list[Problem] = []
    if date is None:
        return sub, _no_report_date(scheme, sub)
    late = (date - deadline).days
    if late > 0:
        problems.append(
            Problem.at(
                "late-submission",
                f"报出日期 {date.isoformat()} 晚于截止日期 {deadline.isoformat()}，逾期 {late} 天。",
                sub.source,
                severity=Severity.WARNING,
                county=sub.county,
                indicator=LATE_INDICATOR,
            )
        )
    try:
        scheme.indicator(LATE_INDICATOR)
    except KeyError:
        return sub, problems
    current = sub.values.get(LATE_INDICATOR)
    if current is None or current.status is ValueStatus.MISSING:
        days = Value(
            ValueStatus.REPORTED, Decimal(max(0, late)), sub.source, raw=f"按报出日期 {date.isoformat()} 计算"
        )
        sub = evolve(sub, values={**sub.values, LATE_INDICATOR: days})
    return sub, problems


def _no_report_date(scheme: Scheme, sub: Submission) -> list[Problem]:
    """No readable report date while a deadline is set: lateness (6.2) is not computed, and said."""
    try:
        ind = scheme.indicator(LATE_INDICATOR)
    except KeyError:
        return []
    current = sub.values.get(LATE_INDICATOR)
    if current is not None and current.status is not ValueStatus.MISSING:
        return []
    return [
        Problem.at(
            "no-report-date",
            f"报表中没有可识别的报出日期（或填报日期），无法计算该县的逾期天数：指标 {ind.code}“{ind.name}”"
            "未计算，按未填报处理；请核实该县的实际报送日期（见上面的日期问题），改正报表后重新报送。",
            sub.source,
            severity=Severity.WARNING,
            county=sub.county,
            indicator=LATE_INDICATOR,
        )
    ]


def check_submission(
    scheme: Scheme, sub: Submission, allocation: Mapping[str, Decimal | None]
) -> list[Problem]:
    """其中 parts above their total; negative actuals; an actual far above the county's own target."""
    problems: list[Problem] = []
    values = sub.values
    for ind in scheme.indicators:
        problems.extend(_negative_amounts(ind, sub))
        v = values.get(ind.code)
        if v is None or v.amount is None:
            continue
        if v.amount < 0:
            problems.append(
                Problem.at(
                    "negative-value",
                    f"指标 {ind.code}“{ind.name}”填报为负数 {v.amount}{ind.unit}；请核实后改正。",
                    v.provenance,
                    county=sub.county,
                    indicator=ind.code,
                )
            )
        target = allocation.get(ind.code)
        if ind.rule is Rule.RATIO and target and target > 0 and v.amount > IMPLAUSIBLE_RATIO * target:
            problems.append(
                Problem.at(
                    "implausible-value",
                    f"指标 {ind.code}“{ind.name}”完成 {v.amount}{ind.unit}，超过目标 {target}{ind.unit} 的 "
                    f"{IMPLAUSIBLE_RATIO} 倍；请核实是否填错单位（如万人/人、万元/元）。",
                    v.provenance,
                    severity=Severity.WARNING,
                    county=sub.county,
                    indicator=ind.code,
                )
            )
        if ind.parts:
            parts = [values.get(p) for p in ind.parts]
            amounts = [p.amount for p in parts if p is not None and p.amount is not None]
            if amounts and sum(amounts, Decimal(0)) > v.amount:
                problems.append(
                    Problem.at(
                        "parts-exceed-total",
                        f"指标 {ind.code}“{ind.name}”的“其中”项合计 {sum(amounts, Decimal(0))}{ind.unit} "
                        f"大于总数 {v.amount}{ind.unit}；其中项不能超过总数，请核对。",
                        v.provenance,
                        county=sub.county,
                        indicator=ind.code,
                    )
                )
    return problems


def _negative_amounts(ind: Indicator, sub: Submission) -> list[Problem]:
    """A negative amount reported for ``ind``'s policy calculator (``8.1/paid`` …)."""
    calc = CALCULATORS.get(ind.calculator or "")
    if calc is None:
        return []
    problems = []
    for item in calc.items:
        v = sub.values.get(f"{ind.code}/{item.key}")
        if v is not None and v.amount is not None and v.amount < 0:
            problems.append(
                Problem.at(
                    "negative-value",
                    f"指标 {ind.code}“{ind.name}”的测算项“{item.name}”填报为负数 {v.amount}{item.unit}；请核实后改正。",
                    v.provenance,
                    county=sub.county,
                    indicator=f"{ind.code}/{item.key}",
                )
            )
    return problems


def _median_without(ordered: Sequence[Decimal], k: int) -> Decimal:
    """The median of ``ordered`` (sorted) with its ``k``-th element left out."""
    m = len(ordered) - 1

    def at(j: int) -> Decimal:
        return ordered[j] if j < k else ordered[j + 1]

    if m % 2:
        return Decimal(at(m // 2))
    return Decimal((at(m // 2 - 1) + at(m // 2)) / 2)


def check_outliers(scheme: Scheme, subs: Sequence[Submission], targets: Targets) -> list[Problem]:
    """A completion ratio far above what the other counties report (5× their median, and above 2)."""
    problems: list[Problem] = []
    for ind in scheme.indicators:
        if ind.rule is not Rule.RATIO:
            continue
        ratios: list[tuple[Submission, Value, Decimal]] = []
        for sub in subs:
            v = sub.values.get(ind.code)
            t = targets.allocations.get(sub.county, {}).get(ind.code)
            if v is not None and v.amount is not None and t:
                ratios.append((sub, v, v.amount / t))
        if len(ratios) < 5:
            continue
        ordered = sorted(x[2] for x in ratios)  # once per indicator: the cost grows as n log n
        for sub, v, r in ratios:
            median = _median_without(ordered, bisect.bisect_left(ordered, r))
            if r > 2 and median > 0 and r > PEER_FACTOR * median:
                problems.append(
                    Problem.at(
                        "outlier-value",
                        f"指标 {ind.code}“{ind.name}”完成率 {r:.0%}，远高于其他县的中位数 {median:.0%}；请核实。",
                        v.provenance,
                        severity=Severity.WARNING,
                        county=sub.county,
                        indicator=ind.code,
                    )
                )
    return problems


def check_self_scores(assessment: Assessment) -> list[Problem]:
    """A 自评分 that differs from the computed score, per indicator and for the total."""
    problems: list[Problem] = []
    for result in assessment.counties:
        for s in result.indicators:
            if s.self_score is not None and abs(s.self_score - (s.score + s.bonus)) >= SELF_SCORE_TOLERANCE:
                problems.append(
                    Problem.at(
                        "self-score-mismatch",
                        f"指标 {s.code} 自评分 {s.self_score} 分，考评得分 {s.score + s.bonus} 分，相差 "
                        f"{s.self_score - s.score - s.bonus} 分。",
                        s.provenance,
                        severity=Severity.WARNING,
                        county=result.county.code,
                        indicator=s.code,
                    )
                )
        if result.self_total is not None and result.total is not None:
            diff = result.self_total - result.total
            if abs(diff) >= SELF_SCORE_TOLERANCE:
                problems.append(
                    Problem.at(
                        "self-score-mismatch",
                        f"自评总分 {result.self_total} 分，考评总分 {result.total} 分，相差 {diff} 分。",
                        result.submission or Provenance(),
                        severity=Severity.WARNING,
                        county=result.county.code,
                    )
                )
    return problems
