"""Checks between reading and scoring (and one after): each finding is a Problem with a cell.

Pure functions over model values; the pipeline runs them in this order:
:func:`lateness` (the lateness indicator, from the deadline and the receipt register or report date), :func:`check_submission` per county,
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
    CountyResult,
    Indicator,
    IndicatorStatus,
    Problem,
    Provenance,
    Receipt,
    Rule,
    Scheme,
    Severity,
    Submission,
    Targets,
    Value,
    ValueStatus,
)

IMPLAUSIBLE_RATIO = Decimal(3)  # an actual above 3× the county's own target is worth a look
PEER_FACTOR = Decimal(5)  # … or above 5× the median completion ratio of the other counties
SELF_SCORE_TOLERANCE = Decimal("0.01")


def report_date(sub: Submission) -> dt.date | None:
    """The date a county's report was submitted: its 报出日期, else its 填报日期."""
    return sub.submitted_on or sub.reporter.date


#: how a value of the lateness indicator that minsheng computed (never the county) begins its ``raw``
OFFICE = "【考核办】"


def is_office_finding(value: Value | None) -> bool:
    """Whether ``value`` is the office's lateness finding (computed here), not something a county typed."""
    return value is not None and (value.raw or "").startswith(OFFICE)


def lateness(
    scheme: Scheme, sub: Submission, deadline: dt.date | None, receipt: Receipt | None = None
) -> tuple[Submission, list[Problem]]:
    """The lateness indicator (逾期天数) as the office finds it, never as the county claims it.

    Days late = the day received − ``deadline``, at least 0: received per the office's 收文登记
    (``receipt``), which wins over everything, else the county's own 报出日期 (or 填报日期). What the
    county typed into the indicator (0, "—", anything) is never used; where it disagrees it is a
    ``lateness-claim-ignored`` warning naming its cell and both numbers. Without a deadline or a
    date the indicator is missing, with the reason. A submission that already carries the office's
    finding keeps it when no deadline and no receipt are given (the pipeline may have computed it).
    """
    ind = scheme.lateness_indicator
    claimed = sub.values.get(ind.code) if ind is not None else None
    if deadline is None and receipt is None and is_office_finding(claimed):
        return sub, []
    date, where, basis = _received(sub, receipt)
    if (
        ind is not None
        and deadline is not None
        and date is not None
        and claimed == _days(deadline, date, where, basis)
    ):
        return sub, []  # found already, from the same facts (the pipeline, then scoring): said once
    problems: list[Problem] = []
    if deadline is not None and date is not None and (date - deadline).days > 0:
        problems.append(_late(sub, ind, date, deadline, basis, where))
    if ind is None:
        return sub, problems
    if deadline is None or date is None:
        why = "未指定报送截止日期" if deadline is None else "收文登记中没有该县，报表上也没有可识别的报出日期"
        found = Value.missing(
            claimed.provenance if claimed is not None else sub.source,
            raw=f"{OFFICE}{why}，无法计算逾期天数（县里填报的数不作依据）",
        )
        return evolve(sub, values={**sub.values, ind.code: found}), problems
    found = _days(deadline, date, where, basis)
    days = found.amount
    assert days is not None
    if claimed is not None and claimed.status is not ValueStatus.MISSING and not is_office_finding(claimed):
        if claimed.amount != days:
            problems.append(_claim_ignored(sub, ind, claimed, days, basis))
    return evolve(sub, values={**sub.values, ind.code: found}), problems


def _days(deadline: dt.date, date: dt.date, where: Provenance, basis: str) -> Value:
    """The office's finding: days late, at least 0, located where the date of receipt is written."""
    return Value(
        ValueStatus.REPORTED,
        Decimal(max(0, (date - deadline).days)),
        where,
        raw=f"{OFFICE}按{basis} {date.isoformat()} 与截止日期 {deadline.isoformat()} 计算",
    )


def apply_deadline(
    scheme: Scheme, sub: Submission, deadline: dt.date | None
) -> tuple[Submission, list[Problem]]:
    """:func:`lateness` from the county's report date alone (no receipt register)."""
    return lateness(scheme, sub, deadline)


def _received(sub: Submission, receipt: Receipt | None) -> tuple[dt.date | None, Provenance, str]:
    """When the report arrived, where that is written, and on what basis (收文登记 or 报出日期)."""
    if receipt is not None:
        return receipt.date, receipt.source, "收文登记的收到日期"
    basis = "报出日期" if sub.submitted_on is not None else "填报日期"
    return report_date(sub), sub.source, basis


def _late(
    sub: Submission, ind: Indicator | None, date: dt.date, deadline: dt.date, basis: str, where: Provenance
) -> Problem:
    late = (date - deadline).days
    return Problem.at(
        "late-submission",
        f"{basis} {date.isoformat()} 晚于截止日期 {deadline.isoformat()}，逾期 {late} 天。",
        where,
        severity=Severity.WARNING,
        county=sub.county,
        indicator=ind.code if ind is not None else None,
    )


def _claim_ignored(sub: Submission, ind: Indicator, claimed: Value, days: Decimal, basis: str) -> Problem:
    said = f"{claimed.amount}" if claimed.amount is not None else f"“{claimed.raw or '不适用'}”"
    return Problem.at(
        "lateness-claim-ignored",
        f"指标 {ind.code}“{ind.name}”县里填报为 {said}，考核办按{basis}计算为 {days} 天；逾期天数以考核办"
        f"计算的 {days} 天为准，县里填报的数不作依据（单元格 {claimed.provenance.cell or '未知'}）。",
        claimed.provenance,
        severity=Severity.WARNING,
        county=sub.county,
        indicator=ind.code,
    )


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


def self_scored(result: CountyResult) -> Decimal | None:
    """What a county's 自评总分 is compared with: its indicator total (rescaled where indicators are not
    assessed) plus its bonus, before the province's 督查 deductions, which a county cannot score itself."""
    if result.total is None:
        return None
    return result.indicator_total + result.bonus


def check_self_scores(assessment: Assessment) -> list[Problem]:
    """A 自评分 that differs by more than 0.01 from what minsheng scored, at the 自评分 cell.

    Per indicator, only where it is scored: 自评分 against 考评得分 (the score plus its 超额加分);
    the 自评总分 against :func:`self_scored`. A 不考核 or 缺报 indicator is not compared.
    """
    problems: list[Problem] = []
    for result in assessment.counties:
        for s in result.indicators:
            if s.self_score is None or s.status is not IndicatorStatus.SCORED:
                continue
            scored = s.score + s.bonus
            if abs(s.self_score - scored) > SELF_SCORE_TOLERANCE:
                problems.append(
                    Problem.at(
                        "self-score-mismatch",
                        f"指标 {s.code} 自评分 {s.self_score} 分，考评得分 {scored} 分（含超额加分），相差 "
                        f"{s.self_score - scored} 分。",
                        s.self_score_source or s.provenance,
                        severity=Severity.WARNING,
                        county=result.county.code,
                        indicator=s.code,
                    )
                )
        scored_total = self_scored(result)
        if result.self_total is not None and scored_total is not None:
            diff = result.self_total - scored_total
            if abs(diff) > SELF_SCORE_TOLERANCE:
                problems.append(
                    Problem.at(
                        "self-score-mismatch",
                        f"自评总分 {result.self_total} 分，考评的指标得分加加分为 {scored_total} 分"
                        f"（不含督查扣分），相差 {diff} 分。",
                        result.self_total_source or result.submission or Provenance(),
                        severity=Severity.WARNING,
                        county=result.county.code,
                    )
                )
    return problems


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
