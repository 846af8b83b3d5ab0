"""One indicator of one county: 不考核, missing values and the rule's points (DOMAIN.md 3)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, TypedDict

from ..checks import OFFICE, is_office_finding
from ..model import (
    Indicator,
    IndicatorScore,
    IndicatorStatus,
    Problem,
    Provenance,
    Rule,
    Value,
    ValueStatus,
)
from .rules import _ABSENT, _rule_score, half_up


def _not_applicable(ind: Indicator, target: Any) -> bool:
    """不考核: the county has no target for an indicator that needs one, or an explicit "—"."""
    if target is None:
        return True
    if target is _ABSENT:
        return ind.needs_target
    return ind.rule in (Rule.RATIO, Rule.STEPS) and target == 0


def _missing_message(ind: Indicator, value: Value | None) -> str:
    if is_office_finding(value):
        assert value is not None and value.raw is not None
        return (
            f"指标 {ind.code}“{ind.name}”{value.raw.removeprefix(OFFICE)}，按缺报处理；"
            "请指定报送截止日期（--deadline），并在目标任务表的“收文登记”中登记收到日期。"
        )
    return f"指标 {ind.code}“{ind.name}”应填报而未填报（空白不等于 0）；请补报实际完成数。"


def _not_applicable_refused(ind: Indicator, target: Any, value: Value, county: str) -> Problem:
    """A county's "—" on an indicator the province assesses it on: refused, scored as blank.

    Only the targets workbook makes an indicator 不考核 (no target, or "—" for that county); a
    county cannot drop a deduction, a veto or a fixed threshold by writing "—" (DOMAIN.md §3).
    """
    if ind.needs_target:
        owed = f"省里下达了目标 {target}{ind.unit}"
    elif ind.rule in (Rule.DEDUCT, Rule.VETO):
        owed = "该项为扣分或一票否决项目，各县都须如实填报（没有发生的填 0）"
    else:
        owed = f"该项按考核方案规定的标准 {ind.threshold}{ind.unit} 考核，各县都须填报"
    return Problem.at(
        "not-applicable-refused",
        f"指标 {ind.code}“{ind.name}”填报为“{value.raw or '不适用'}”，但{owed}；只有目标任务表中不考核的指标"
        "才可填“—”。按缺报（空白）处理，请填报实际数。",
        value.provenance,
        county=county,
        indicator=ind.code,
    )


class _Common(TypedDict):
    """The fields every IndicatorScore of one indicator shares, whatever its status."""

    code: str
    group: str
    weight: Decimal
    target: Decimal | None
    self_score: Decimal | None


def score_indicator(
    ind: Indicator,
    group: str,
    target: Any,
    value: Value | None,
    county: str,
    self_score: Decimal | None = None,
    *,
    exact: Fraction | None = None,
    nothing_due: bool = False,
) -> tuple[IndicatorScore, list[Problem]]:
    """Score one indicator of one county, with the problems it raises (a missing value, say).

    ``exact`` is the actual as an exact fraction where a policy calculator derived it (``value``
    then holds it as a Decimal); ``nothing_due`` says a calculator found nothing due (its
    ``value`` is not applicable): the indicator is not assessed, as for a target of 0.
    """
    base: _Common = {
        "code": ind.code,
        "group": group,
        "weight": ind.weight,
        "target": None if target is _ABSENT else target,
        "self_score": self_score,
    }
    prov = value.provenance if value is not None else Provenance()
    if ind.rule is Rule.INFO:
        actual = value.amount if value is not None and value.is_reported else None
        return IndicatorScore(status=IndicatorStatus.INFO, actual=actual, provenance=prov, **base), []
    if nothing_due or _not_applicable(ind, target):
        actual = value.amount if value is not None and value.is_reported else None
        return IndicatorScore(
            status=IndicatorStatus.NOT_APPLICABLE, actual=actual, provenance=prov, **base
        ), []
    problems: list[Problem] = []
    if value is not None and value.status is ValueStatus.NOT_APPLICABLE:
        problems.append(_not_applicable_refused(ind, target, value, county))
        return IndicatorScore(status=IndicatorStatus.MISSING, provenance=prov, **base), problems
    if value is None or not value.is_reported:
        problems.append(
            Problem.at(
                "missing-value",
                _missing_message(ind, value),
                prov,
                county=county,
                indicator=ind.code,
            )
        )
        return IndicatorScore(status=IndicatorStatus.MISSING, provenance=prov, **base), problems
    actual = value.amount
    assert actual is not None
    t = None if target is _ABSENT else target
    s, bonus, ratio = _rule_score(ind, t, actual if exact is None else exact)
    veto = ind.rule is Rule.VETO and actual > 0
    return (
        IndicatorScore(
            status=IndicatorStatus.SCORED,
            actual=actual,
            ratio=None if ratio is None else half_up(ratio, 4),
            score=s,
            bonus=bonus,
            veto=veto,
            provenance=prov,
            **base,
        ),
        problems,
    )
