"""Responsibility-system scoring (DOMAIN.md section 3), in Decimal, as plain functions.

``score()`` turns a scheme, the targets and the counties' submissions into an :class:`Assessment`:
every county of the targets appears, with a status, and every problem found on the way is kept.
Indicator scores are rounded to 2 places half up; group scores and totals are sums of rounded
scores.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from typing import Any

from attrs import evolve, frozen

from .calculators import CALCULATORS
from .checks import OFFICE, is_office_finding, lateness
from .clock import assessment_date
from .model import (
    Assessment,
    CityResult,
    Condition,
    County,
    CountyResult,
    CountyStatus,
    Deduction,
    Finding,
    GroupScore,
    Indicator,
    IndicatorScore,
    IndicatorStatus,
    InputAmount,
    InputFile,
    Problem,
    Provenance,
    Receipt,
    Rule,
    Scheme,
    Settings,
    Severity,
    Submission,
    Targets,
    Value,
    ValueStatus,
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MISSING_POLICIES = ("zero", "hold")

_ABSENT: Any = object()  # no allocation entry at all (as opposed to an explicit "not assessed")


def half_up(x: Fraction, places: int = 2) -> Decimal:
    """An exact fraction rounded to ``places`` decimal places, half up (四舍五入), as a Decimal."""
    scaled = abs(x) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(-whole if x < 0 else whole).scaleb(-places)


def q2(x: Decimal | Fraction) -> Decimal:
    """Round to 2 places, half up (四舍五入); a Fraction is rounded exactly."""
    if isinstance(x, Fraction):
        return half_up(x)
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# One indicator


def rule_score(
    ind: Indicator, target: Decimal | None, actual: Decimal | Fraction
) -> tuple[Decimal, Decimal, Decimal | None]:
    """Score one applicable indicator: (score, bonus, completion ratio), score and bonus rounded.

    ``target`` may be ``None`` only for rules that do not need the county's target. The
    arithmetic is exact (``actual`` may be an exact Fraction, as a policy calculator gives it);
    only the score and the bonus are rounded.
    """
    s, bonus, ratio = _rule_score(ind, target, actual)
    return s, bonus, None if ratio is None else Decimal(ratio.numerator) / Decimal(ratio.denominator)


def _rule_score(
    ind: Indicator, target: Decimal | None, actual: Decimal | Fraction
) -> tuple[Decimal, Decimal, Fraction | None]:
    w = Fraction(ind.weight)
    a = Fraction(actual)
    t = None if target is None else Fraction(target)
    ratio = a / t if t else None
    if ind.rule is Rule.RATIO:
        assert ratio is not None
        s = w * max(Fraction(0), min(ratio, Fraction(1)))
        bonus = Fraction(0)
        if ind.bonus is not None and ratio > 1:
            full_steps = floor((ratio - 1) / Fraction(ind.bonus.step))
            bonus = min(Fraction(ind.bonus.cap), full_steps * Fraction(ind.bonus.per_step))
        return q2(s), q2(bonus), ratio
    if ind.rule is Rule.STEPS:
        assert ratio is not None
        fraction = next((Fraction(st.fraction) for st in ind.steps if ratio >= Fraction(st.at)), Fraction(0))
        return q2(w * fraction), ZERO, ratio
    if ind.rule is Rule.CEILING:
        assert t is not None
        if a <= t:
            s = w
        elif t == 0:
            s = Fraction(0)
        else:
            s = w * max(Fraction(0), 1 - (a - t) / t)
        return q2(s), ZERO, ratio
    if ind.rule is Rule.BINARY:
        threshold = ind.threshold if ind.threshold is not None else target
        assert threshold is not None
        th = Fraction(threshold)
        ok = {
            Condition.GE: a >= th,
            Condition.LE: a <= th,
            Condition.EQ: a == th,
        }[ind.condition or Condition.GE]
        return (q2(w) if ok else ZERO), ZERO, ratio
    if ind.rule is Rule.DEDUCT:
        per_unit = Fraction(ind.per_unit or ZERO)
        return q2(max(Fraction(0), min(w, w - per_unit * a))), ZERO, ratio
    return ZERO, ZERO, ratio  # veto and info carry no points


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
    base = {
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


# --------------------------------------------------------------------------------------------
# Policy calculators


def derive_actuals(scheme: Scheme, submission: Submission) -> tuple[Submission, list[Problem]]:
    """Fill in actuals of calculator indicators (8.1, 8.2, 8.3, 9.1) from the reported amounts.

    A reported ratio wins; otherwise, when the amounts the ratio needs are reported, the
    calculator's ratio (in %, unrounded) becomes the actual, located at the ``paid`` amount's
    cell; when nothing was due it is not applicable (不考核). Policy values come from the scheme,
    never from the county: a county-stated one that differs is a ``policy-value-ignored`` warning.
    A blank optional amount takes the scheme's default (``default-applied``, info) or is missing.
    """
    derived = _derive(scheme, submission)
    return derived.submission, derived.problems


@frozen
class _Derived:
    submission: Submission
    problems: list[Problem]
    exact: dict[str, Fraction]  # indicator code → the calculator's exact ratio in %
    nothing_due: frozenset[str]  # indicator codes a calculator found nothing due for


def _number(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")


def _derive(scheme: Scheme, submission: Submission) -> _Derived:
    values = dict(submission.values)
    problems: list[Problem] = []
    exact: dict[str, Fraction] = {}
    nothing_due: set[str] = set()
    county = submission.county

    def reported(key: str) -> bool:
        v = values.get(key)
        return v is not None and v.is_reported

    def where(key: str) -> Provenance:
        v = values.get(key)
        return v.provenance if v is not None else submission.source

    for ind in scheme.indicators:
        calc = CALCULATORS.get(ind.calculator or "")
        if calc is None:
            continue
        params = calc.resolve(ind.calculator_params)
        for param in calc.params:
            key = f"{ind.code}/{param.key}"
            stated = values.get(key)
            if stated is not None and stated.amount is not None and stated.amount != params[param.key]:
                problems.append(
                    Problem.at(
                        "policy-value-ignored",
                        f"指标 {ind.code}“{ind.name}”填报的{param.name}为 {_number(stated.amount)}{param.unit}，"
                        f"与考核方案规定的 {_number(params[param.key])}{param.unit} 不符；政策参数由考核方案"
                        f"统一规定，县里不能自定，按 {_number(params[param.key])}{param.unit} 测算，请核实。",
                        stated.provenance,
                        severity=Severity.WARNING,
                        county=county,
                        indicator=key,
                    )
                )
        existing = values.get(ind.code)
        if existing is not None and existing.status is not ValueStatus.MISSING:
            continue
        if not any(reported(f"{ind.code}/{i.key}") for i in calc.amounts):
            continue
        defaults = ind.calculator_defaults

        blanks = {
            i.key for i in calc.amounts if calc.uses(i.key, params) and not reported(f"{ind.code}/{i.key}")
        }
        absent = [
            i for i in calc.of_kind("amount") if i.key in blanks and not (i.optional and i.key in defaults)
        ]
        if absent:
            names = "、".join(f"{i.name}（{ind.code}/{i.key}）" for i in absent)
            first = next((values[k] for i in calc.amounts if (k := f"{ind.code}/{i.key}") in values), None)
            problems.append(
                Problem.at(
                    "missing-value",
                    f"指标 {ind.code}“{ind.name}”按“{calc.title}”测算，缺少：{names}（空白不等于 0）；请补报。",
                    first.provenance if first else submission.source,
                    county=county,
                    indicator=ind.code,
                )
            )
            continue
        no_detail = [
            i for i in calc.of_kind("detail") if i.key in blanks and not (i.optional and i.key in defaults)
        ]
        amounts = {
            i.key: values[f"{ind.code}/{i.key}"].amount
            for i in calc.amounts
            if reported(f"{ind.code}/{i.key}")
        }
        for i in calc.amounts:
            if not (i.key in blanks and i.optional and i.key in defaults) or (
                i.kind == "detail" and no_detail
            ):
                continue
            amounts[i.key] = defaults[i.key]
            problems.append(
                Problem.at(
                    "default-applied",
                    f"指标 {ind.code}“{ind.name}”的{i.name}（{ind.code}/{i.key}）未填报，按考核方案规定的默认值 "
                    f"{_number(defaults[i.key])}{i.unit} 测算；如与实际不符，请补报。",
                    where(f"{ind.code}/{i.key}"),
                    severity=Severity.INFO,
                    county=county,
                    indicator=f"{ind.code}/{i.key}",
                )
            )
        result = calc.compute(amounts, params)
        paid_key = next((k for k in ("paid", "revenue_actual") if f"{ind.code}/{k}" in values), None)
        prov = where(f"{ind.code}/{paid_key}") if paid_key else submission.source
        if no_detail:
            names = "、".join(f"{i.name}（{ind.code}/{i.key}）" for i in no_detail)
            problems.append(
                Problem.at(
                    "burden-input-missing",
                    f"指标 {ind.code}“{ind.name}”缺少：{names}（空白不等于 0），无法测算县级自负的基金缺口；"
                    f"{ind.code} 按基金收入计分，不受影响。请补报。",
                    where(f"{ind.code}/{no_detail[0].key}"),
                    severity=Severity.WARNING,
                    county=county,
                    indicator=ind.code,
                )
            )
        exact_percent = result.exact_percent
        if result.percent is None or exact_percent is None:
            paid = (
                f"，但填报的{calc.title}实际金额为 {_number(result.paid)} 元，请核实" if result.paid else ""
            )
            problems.append(
                Problem.at(
                    "nothing-due",
                    f"指标 {ind.code}“{ind.name}”按“{calc.title}”测算，应到位金额为 0{paid}；"
                    "本年无应考核事项，按不考核处理，其分值不计入参评分值。",
                    prov,
                    severity=Severity.INFO,
                    county=county,
                    indicator=ind.code,
                )
            )
            values[ind.code] = Value.not_applicable(prov, raw=f"{calc.title}：应发为 0")
            nothing_due.add(ind.code)
        else:
            values[ind.code] = Value(ValueStatus.REPORTED, result.percent, prov, raw=f"{calc.title}测算")
            exact[ind.code] = exact_percent
    return _Derived(evolve(submission, values=values), problems, exact, frozenset(nothing_due))


def _calculator_inputs(ind: Indicator, submission: Submission) -> tuple[InputAmount, ...]:
    """The amounts the county reported for ``ind``'s policy calculator (``8.1/paid`` …), in the
    calculator's order, for the assessment's 数据来源 (a policy value it stated is no source)."""
    calc = CALCULATORS.get(ind.calculator or "")
    if calc is None:
        return ()
    found = []
    for item in calc.amounts:
        value = submission.values.get(f"{ind.code}/{item.key}")
        if value is not None and value.status is not ValueStatus.MISSING:  # (blanks: not a source)
            found.append(
                InputAmount(
                    code=f"{ind.code}/{item.key}",
                    name=item.name,
                    unit=item.unit,
                    status=value.status,
                    amount=value.amount,
                    provenance=value.provenance,
                )
            )
    return tuple(found)


# --------------------------------------------------------------------------------------------
# One county


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


# --------------------------------------------------------------------------------------------
# Grades, ranks, 先进 and 末位


def band_grade(scheme: Scheme, total: Decimal) -> str:
    """The grade band a total falls in, ignoring quota and veto."""
    for grade in sorted(scheme.grades, key=lambda g: g.minimum, reverse=True):
        if total >= grade.minimum:
            return grade.name
    return min(scheme.grades, key=lambda g: g.minimum).name


def _grade_below(scheme: Scheme, name: str) -> str:
    bands = sorted(scheme.grades, key=lambda g: g.minimum, reverse=True)
    names = [g.name for g in bands]
    i = names.index(name)
    return names[min(i + 1, len(names) - 1)]


def competition_ranks(totals: Sequence[Decimal], start: int = 1) -> list[int]:
    """Ranks for totals sorted highest first: equal totals share a rank and the next skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, t in enumerate(totals):
        ranks.append(ranks[-1] if i and t == totals[i - 1] else start + i)
    return ranks


def rank_counties(scheme: Scheme, results: Iterable[CountyResult]) -> list[CountyResult]:
    """Grade and rank scored counties; return all counties in report order.

    Order: ranked counties by rank (vetoed ones after all others), then held, failed and
    not-submitted counties, each by county code.
    """
    results = list(results)
    scored = [r for r in results if r.status is CountyStatus.SCORED]

    def by_total(r: CountyResult) -> tuple[Decimal, str]:
        assert r.total is not None
        return (-r.total, r.county.code)

    clean = sorted((r for r in scored if not r.vetoed), key=by_total)
    vetoed = sorted((r for r in scored if r.vetoed), key=by_total)
    ranks = competition_ranks([r.total for r in clean]) + competition_ranks(
        [r.total for r in vetoed], start=len(clean) + 1
    )  # type: ignore[misc]
    grades = [band_grade(scheme, r.total) for r in clean] + [scheme.veto_grade] * len(vetoed)  # type: ignore[arg-type]

    if scheme.excellent_quota is not None:
        quota = int((scheme.excellent_quota * len(clean)).to_integral_value(rounding=ROUND_FLOOR))
        excellent = [i for i, g in enumerate(grades[: len(clean)]) if g == scheme.excellent_grade]
        if len(excellent) > quota:
            boundary = clean[excellent[quota - 1]].total if quota > 0 else None
            lower = _grade_below(scheme, scheme.excellent_grade)
            for i in excellent:
                if boundary is None or clean[i].total < boundary:  # type: ignore[operator]
                    grades[i] = lower

    ordered = clean + vetoed
    # 末位 (通报批评) is the last county ranked on its score: a vetoed county is listed as 一票否决
    last_rank = max(ranks[: len(clean)]) if clean else None
    out = []
    for r, rank, grade in zip(ordered, ranks, grades, strict=True):
        out.append(
            evolve(
                r,
                rank=rank,
                grade=grade,
                advanced=(not r.vetoed and grade == scheme.excellent_grade and rank <= scheme.advanced_count),
                last=not r.vetoed and rank == last_rank,
            )
        )
    order = {CountyStatus.HELD: 0, CountyStatus.FAILED: 1, CountyStatus.NOT_SUBMITTED: 2}
    rest = sorted(
        (r for r in results if r.status is not CountyStatus.SCORED),
        key=lambda r: (order[r.status], r.county.code),
    )
    return out + rest


def city_rollups(scheme: Scheme, targets: Targets, results: Sequence[CountyResult]) -> tuple[CityResult, ...]:
    """设区市汇总: county counts, average total, grades, and Σ target and Σ actual per indicator."""
    by_city: dict[tuple[str, str], list[CountyResult]] = defaultdict(list)
    for r in results:
        by_city[(r.county.city_code, r.county.city_name)].append(r)
    cities = []
    for (code, name), members in sorted(by_city.items()):
        scored = [r for r in members if r.status is CountyStatus.SCORED and r.total is not None]
        grades: dict[str, int] = {g.name: 0 for g in scheme.grades}
        for r in scored:
            if r.grade is not None:
                grades[r.grade] = grades.get(r.grade, 0) + 1
        totals: dict[str, Decimal | None] = {}
        target_sums: dict[str, Decimal | None] = {}
        for ind in scheme.indicators:
            actuals = [
                s.actual for r in scored for s in r.indicators if s.code == ind.code and s.actual is not None
            ]
            totals[ind.code] = sum(actuals, ZERO) if actuals else None
            tvals = [targets.allocations.get(r.county.code, {}).get(ind.code) for r in members]
            tnums = [t for t in tvals if t is not None]
            target_sums[ind.code] = sum(tnums, ZERO) if tnums else None
        cities.append(
            CityResult(
                code=code,
                name=name,
                counties=len(members),
                scored=len(scored),
                average_total=q2(sum((r.total for r in scored), ZERO) / len(scored)) if scored else None,  # type: ignore[misc]
                grades=grades,
                vetoed=sum(1 for r in scored if r.vetoed),
                totals=totals,
                targets=target_sums,
            )
        )
    return tuple(cities)


# --------------------------------------------------------------------------------------------
# A whole run


def _receipts(received: Mapping[str, dt.date | Receipt]) -> dict[str, Receipt]:
    """Receipt dates as a program gives them (dates, ISO strings or :class:`Receipt`) → receipts."""
    out = {}
    for code, when in received.items():
        if isinstance(when, Receipt):
            out[code] = when
        else:
            date = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when))
            out[code] = Receipt(date)
    return out


def score(
    scheme: Scheme,
    targets: Targets | Mapping[str, Any],
    submissions: Iterable[Submission | Mapping[str, Any]],
    *,
    findings: Iterable[Finding | Mapping[str, Any]] = (),
    missing: str = "zero",
    failed: Iterable[str] = (),
    problems: Iterable[Problem] = (),
    inputs: Iterable[InputFile] = (),
    assessed_on: dt.date | None = None,
    deadline: dt.date | None = None,
    received: Mapping[str, dt.date | Receipt] | None = None,
) -> Assessment:
    """Score every county of ``targets`` and return the assessment.

    ``targets``, ``submissions`` and ``findings`` may be attrs values or their plain-dict form.
    ``missing`` is ``"zero"`` (a missing actual scores 0, with a ``missing-value`` problem) or
    ``"hold"`` (the county is held back, unranked). ``failed`` names counties whose files could not
    be read (status 出错); ``problems`` are those found before scoring (reading, checks), kept in
    the assessment. The lateness indicator (6.2 逾期天数) is computed, never taken from the county:
    from ``received`` (county code → the day the office received its report; the targets' 收文登记
    when not given) and ``deadline`` (the targets' when not given), else from the county's report
    date (:func:`minsheng.checks.lateness`). ``assessed_on`` is the 考核日期 (default: today; see
    :func:`minsheng.clock.assessment_date`), never a county's report date.
    """

    def structure(value: Any, cls: type) -> Any:  # cattrs is loaded only for plain-dict input
        from .convert import structure as _structure

        return _structure(value, cls)

    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    if not isinstance(targets, Targets):
        targets = structure(targets, Targets)
    subs = [s if isinstance(s, Submission) else structure(s, Submission) for s in submissions]
    finds = [f if isinstance(f, Finding) else structure(f, Finding) for f in findings]
    settings = Settings(missing=missing)
    all_problems = list(problems)
    failed_codes = set(failed)

    known = {c.code for c in targets.counties}
    deadline = deadline or targets.deadline
    receipts = {**targets.receipts, **_receipts(received or {})}
    by_county: dict[str, list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.county not in known:
            all_problems.append(
                Problem.at(
                    "unknown-county",
                    f"县（市、区）代码“{sub.county}”不在目标任务表中，该报表未计分；请核对代码。",
                    sub.source,
                    county=sub.county,
                )
            )
            continue
        if sub.year != targets.year:
            all_problems.append(
                Problem.at(
                    "wrong-year",
                    f"报表年度为 {sub.year}，本次考核年度为 {targets.year}；请确认报送的是本年度报表。",
                    sub.source,
                    severity=Severity.WARNING,
                    county=sub.county,
                )
            )
        sub, late = lateness(scheme, sub, deadline, receipts.get(sub.county))
        all_problems.extend(late)
        by_county[sub.county].append(sub)
    findings_by_county: dict[str, list[Finding]] = defaultdict(list)
    for f in finds:
        if f.county not in known:
            all_problems.append(
                Problem.at(
                    "unknown-county",
                    f"督查发现所列县（市、区）代码“{f.county}”不在目标任务表中，未处理。",
                    f.source,
                    county=f.county,
                )
            )
            continue
        findings_by_county[f.county].append(f)

    results: list[CountyResult] = []
    for county in targets.counties:
        county_subs = by_county.get(county.code, [])
        if county.code in failed_codes:
            results.append(CountyResult(county=county, status=CountyStatus.FAILED))
            continue
        if not county_subs:
            all_problems.append(
                Problem(
                    "not-submitted",
                    f"{county.name}（{county.code}）未报送报表，按缺报处理。",
                    severity=Severity.WARNING,
                    county=county.code,
                )
            )
            results.append(CountyResult(county=county, status=CountyStatus.NOT_SUBMITTED))
            continue
        if len(county_subs) > 1:
            files = "、".join(s.source.file or "（未知文件）" for s in county_subs)
            all_problems.append(
                Problem(
                    "duplicate-submission",
                    f"{county.name}（{county.code}）同一期报送了多份报表：{files}；请只保留一份后重新考核。",
                    county=county.code,
                    file=county_subs[0].source.file,
                )
            )
            results.append(CountyResult(county=county, status=CountyStatus.FAILED))
            continue
        result, found = score_county(
            scheme,
            county,
            targets.allocations.get(county.code, {}),
            county_subs[0],
            findings_by_county.get(county.code, ()),
            settings,
        )
        all_problems.extend(found)
        results.append(result)

    ranked = rank_counties(scheme, results)
    return Assessment(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        year=targets.year,
        counties=tuple(ranked),
        cities=city_rollups(scheme, targets, ranked),
        problems=tuple(all_problems),
        inputs=tuple(inputs),
        settings=settings,
        assessed_on=assessment_date(assessed_on),
        month=max((s.month for s in subs), default=12),
    )
