"""The speech's money rules turned into checks (DOMAIN.md section 4).

When a county reports the underlying amounts (retirees, months, amounts paid) rather than a
ratio, the calculator named by the indicator derives the ratio (in %) from them. Inputs are read
from the submission under ``"<indicator>/<input>"`` keys, for example ``"8.1/paid"``. Amounts of
money are in 元, head counts in 人. Parameters (200元, 80元, 50/150元, 40%) come from the scheme's
``calculator_params`` and default to the speech's figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from attrs import frozen

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@frozen
class CalculatorInput:
    key: str
    name: str
    unit: str


@frozen
class Calculation:
    """The result of a calculator: what was due, what was paid, the ratio in %, and the workings."""

    required: Decimal
    paid: Decimal
    percent: Decimal | None  # None when nothing was due
    details: dict[str, Decimal]


@frozen
class Calculator:
    name: str
    title: str
    inputs: tuple[CalculatorInput, ...]
    optional: tuple[CalculatorInput, ...]
    compute: Callable[[Mapping[str, Decimal], Mapping[str, Decimal]], Calculation]


def _percent(paid: Decimal, required: Decimal) -> Decimal | None:
    return None if required == 0 else paid / required * HUNDRED


def pension_relief(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """A 养老救助: required = eligible retirees × 200元 × months in force; 8.1 = paid / required."""
    standard = p.get("standard", Decimal(200))
    months = v.get("months", p.get("months", Decimal(12)))
    required = v["eligible"] * standard * months
    return Calculation(
        required, v["paid"], _percent(v["paid"], required), {"standard": standard, "months": months}
    )


def pension_adjustment(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """B 养老金调整: from 2007-07-01 +80元 per retiree per month; 2007 required = retirees × 80 × 6."""
    increase = p.get("increase", Decimal(80))
    months = v.get("months", p.get("months", Decimal(6)))
    required = v["retirees"] * increase * months
    return Calculation(
        required, v["paid"], _percent(v["paid"], required), {"increase": increase, "months": months}
    )


def resident_medical(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """C 城镇居民合作医疗: fiscal pays 40% of 50元/minor and 150元/adult, and all of it for 低保.

    ``minors`` and ``adults`` count enrollees who are not 低保; ``minors_dibao`` and ``adults_dibao``
    count 低保 enrollees, whose whole contribution fiscal pays.
    """
    minor_rate = p.get("minor_rate", Decimal(50))
    adult_rate = p.get("adult_rate", Decimal(150))
    share = p.get("fiscal_share", Decimal("0.4"))
    ordinary = minor_rate * v["minors"] + adult_rate * v["adults"]
    dibao = minor_rate * v.get("minors_dibao", ZERO) + adult_rate * v.get("adults_dibao", ZERO)
    required = share * ordinary + dibao
    return Calculation(
        required,
        v["paid"],
        _percent(v["paid"], required),
        {"ordinary_share": share * ordinary, "dibao_share": dibao},
    )


def fund_budget(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """D 省级基金预算管理: 9.1 = revenue actual / revenue plan, with the county's burden worked out.

    The province's fixed subsidy S is the budgeted gap max(0, E_plan − R_plan); the county's own
    burden is max(0, (E_actual − R_actual) − S); the gap from collecting less than budgeted,
    max(0, R_plan − R_actual), is never covered. With ``rebudget_policy_spending`` = 1, policy-driven
    spending (the +80元) reported as ``policy_expense`` is added to the planned expense.
    """
    r_plan, r_actual = v["revenue_plan"], v["revenue_actual"]
    e_plan, e_actual = v["expense_plan"], v["expense_actual"]
    if p.get("rebudget_policy_spending", Decimal(1)) != 0:
        e_plan = e_plan + v.get("policy_expense", ZERO)
    subsidy = max(ZERO, e_plan - r_plan)
    burden = max(ZERO, (e_actual - r_actual) - subsidy)
    uncovered = max(ZERO, r_plan - r_actual)
    return Calculation(
        r_plan,
        r_actual,
        _percent(r_actual, r_plan),
        {"subsidy": subsidy, "county_burden": burden, "uncovered_gap": uncovered, "expense_plan": e_plan},
    )


def _inputs(*pairs: tuple[str, str, str]) -> tuple[CalculatorInput, ...]:
    return tuple(CalculatorInput(k, n, u) for k, n, u in pairs)


CALCULATORS: dict[str, Calculator] = {
    "pension-relief": Calculator(
        "pension-relief",
        "困难企业退休人员养老救助",
        _inputs(("eligible", "应救助退休人员数", "人"), ("paid", "实际发放救助金", "元")),
        _inputs(("months", "救助月数", "月")),
        pension_relief,
    ),
    "pension-adjustment": Calculator(
        "pension-adjustment",
        "企业退休人员基本养老金调整",
        _inputs(("retirees", "企业退休人员数", "人"), ("paid", "实际发放调整金额", "元")),
        _inputs(("months", "执行月数", "月")),
        pension_adjustment,
    ),
    "resident-medical": Calculator(
        "resident-medical",
        "城镇居民合作医疗财政补助",
        _inputs(
            ("minors", "参保未成年人数（非低保）", "人"),
            ("adults", "参保成年人数（非低保）", "人"),
            ("paid", "财政实际到位补助", "元"),
        ),
        _inputs(("minors_dibao", "低保未成年人数", "人"), ("adults_dibao", "低保成年人数", "人")),
        resident_medical,
    ),
    "fund-budget": Calculator(
        "fund-budget",
        "养老保险省级基金预算管理",
        _inputs(
            ("revenue_plan", "基金收入预算", "元"),
            ("revenue_actual", "基金实际收入", "元"),
            ("expense_plan", "基金支出预算", "元"),
            ("expense_actual", "基金实际支出", "元"),
        ),
        _inputs(("policy_expense", "政策性增支", "元")),
        fund_budget,
    ),
}
