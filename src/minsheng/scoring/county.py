"""One county: indicator scores, group scores, deductions, veto and the total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from attrs import evolve

from ..model import (
    County,
    CountyResult,
    CountyStatus,
    Deduction,
    Finding,
    GroupScore,
    IndicatorScore,
    IndicatorStatus,
    Problem,
    Scheme,
    Settings,
    Severity,
    Submission,
)
from .derive import _calculator_inputs, _derive
from .indicator import score_indicator
from .rules import _ABSENT, ZERO, q2


def score_county(
    scheme: Scheme,
    county: County,
    allocation: Mapping[str, Decimal | None],
    submission: Submission,
    findings: Sequence[Finding] = (),
    settings: Settings | None = None,
) -> tuple[CountyResult, list[Problem]]:
    """Score one county's submission: indicators, groups, rescaling, bonus, deductions and veto.

    Grade and rank are left for :func:`rank_counties`, which sees all counties.
    """
    derived = _derive(scheme, submission)
    submission, problems = derived.submission, derived.problems
    scores: list[IndicatorScore] = []
    groups: list[GroupScore] = []
    veto_reasons: list[str] = []
    for group in scheme.groups:
        group_scores = []
        for ind in group.indicators:
            s, found = score_indicator(
                ind,
                group.code,
                allocation.get(ind.code, _ABSENT),
                submission.values.get(ind.code),
                county.code,
                submission.self_scores.get(ind.code),
                exact=derived.exact.get(ind.code),
                nothing_due=ind.code in derived.nothing_due,
            )
            problems.extend(found)
            inputs = _calculator_inputs(ind, submission)
            if inputs:
                s = evolve(s, inputs=inputs)
            if ind.code in submission.self_score_sources:
                s = evolve(s, self_score_source=submission.self_score_sources[ind.code])
            group_scores.append(s)
            if s.veto:
                veto_reasons.append(f"{ind.code} {ind.name}：{s.actual}{ind.unit}")
        applicable = [
            s for s in group_scores if s.status in (IndicatorStatus.SCORED, IndicatorStatus.MISSING)
        ]
        groups.append(
            GroupScore(
                code=group.code,
                name=group.name,
                weight=group.weight,
                applicable_weight=sum((s.weight for s in applicable), ZERO),
                score=q2(sum((s.score for s in applicable), ZERO)),
            )
        )
        scores.extend(group_scores)

    known = {ind.code for ind in scheme.indicators}
    for key, value in sorted(submission.values.items()):
        code = key.split("/", 1)[0]
        if code not in known:
            problems.append(
                Problem.at(
                    "unknown-indicator",
                    f"填报了本考核方案中没有的指标“{key}”，未计分；请核对指标编号。",
                    value.provenance,
                    severity=Severity.WARNING,
                    county=county.code,
                    indicator=key,
                )
            )

    deductions: list[Deduction] = []
    for finding in findings:
        try:
            item = scheme.cross_item(finding.item)
        except KeyError:
            problems.append(
                Problem.at(
                    "unknown-finding",
                    f"督查发现“{finding.item}”不是本考核方案的共性扣分或否决项目，未处理。",
                    finding.source,
                    county=county.code,
                )
            )
            continue
        if item.veto:
            veto_reasons.append(f"{item.name}" + (f"：{finding.note}" if finding.note else ""))
        if item.points:
            deductions.append(Deduction(item.code, item.name, finding.count, item.points * finding.count))

    applicable_weight = sum((g.applicable_weight for g in groups), ZERO)
    raw_total = q2(sum((g.score for g in groups), ZERO))
    if applicable_weight == 0:
        indicator_total = q2(ZERO)
    elif applicable_weight == scheme.total:
        indicator_total = raw_total
    else:
        indicator_total = q2(Fraction(scheme.total) * Fraction(raw_total) / Fraction(applicable_weight))
    bonus = q2(min(scheme.bonus_cap, sum((s.bonus for s in scores), ZERO)))
    deducted = sum((d.points for d in deductions), ZERO)
    total = q2(max(ZERO, indicator_total + bonus - deducted))  # two decimals, a floored 0 too

    missing = any(s.status is IndicatorStatus.MISSING for s in scores)
    held = missing and settings is not None and settings.missing == "hold"
    return (
        CountyResult(
            county=county,
            status=CountyStatus.HELD if held else CountyStatus.SCORED,
            indicators=tuple(scores),
            groups=tuple(groups),
            raw_total=raw_total,
            applicable_weight=applicable_weight,
            indicator_total=indicator_total,
            bonus=bonus,
            deductions=tuple(deductions),
            total=None if held else total,
            veto_reasons=tuple(veto_reasons),
            self_total=submission.self_total,
            submission=submission.source,
            self_total_source=submission.self_total_source,
        ),
        problems,
    )
