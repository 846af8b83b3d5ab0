"""Policy calculators: actuals of indicators 8.1, 8.2, 8.3 and 9.1 derived from reported amounts."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from attrs import evolve, frozen

from ..calculators import CALCULATORS
from ..model import (
    Indicator,
    InputAmount,
    Problem,
    Provenance,
    Scheme,
    Severity,
    Submission,
    Value,
    ValueStatus,
)


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
            i.key: values[f"{ind.code}/{i.key}"].reported_amount
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
