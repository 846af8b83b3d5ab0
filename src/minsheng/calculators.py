"""The speech's money rules turned into checks (DOMAIN.md section 4).

When a county reports the underlying amounts (retirees, amounts paid) rather than a ratio, the
calculator named by the indicator derives the ratio (in %) from them. Inputs are read from the
submission under ``"<indicator>/<input>"`` keys, for example ``"8.1/paid"``. Amounts of money are
in 元, head counts in 人.

What defines the policy rather than the county's performance (200元, 80元 for 6 months, 50/150元,
40%/60%) is a scheme parameter (:class:`PolicyParam`): it comes from the scheme's
``calculator_params`` (docs/scheme.md, 政策参数), defaulting to the speech's figures, and never from
the county. A county that states one (the form's 执行月数 row) is checked against the scheme.

The ratio is exact: :attr:`Calculation.exact_percent` is a :class:`~fractions.Fraction`, and
scoring rounds only the score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from attrs import frozen

ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: what an input is for: ``amount`` the ratio needs it; ``detail`` only the workings need it
#: (9.1's expenses: the county's own burden), so a blank leaves the ratio alone; ``policy`` a
#: scheme parameter the form lets the county state, checked against the scheme and never used.
InputKind = Literal["amount", "detail", "policy"]


@frozen
class CalculatorInput:
    """An amount a county reports for a calculator (``8.1/paid``).

    A blank one is never 0: a blank ``amount`` is a missing value; a blank ``detail`` leaves the
    workings out (a warning). An ``optional`` one takes the scheme's ``calculator_defaults`` value
    when blank, and the problem list says so; without a default it is needed like any other.
    """

    key: str
    name: str
    unit: str
    kind: InputKind = "amount"
    optional: bool = False


@frozen
class PolicyParam:
    """A scheme parameter of a calculator: its key in ``calculator_params``, Chinese name, unit,
    the speech's value (the default) and the range a scheme's value must lie in."""

    key: str
    name: str
    unit: str
    default: Decimal
    minimum: Decimal = ZERO
    maximum: Decimal | None = None
    integral: bool = False

    def problem(self, value: Decimal) -> str | None:
        """Why ``value`` cannot be this parameter (Chinese), or None when it can."""
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = "" if self.maximum is None else f"、不大于 {self.maximum}"
            return f"应不小于 {self.minimum}{upper}，实为 {value}"
        if self.integral and value != value.to_integral_value():
            return f"应为整数，实为 {value}"
        return None


@frozen
class Calculation:
    """The result of a calculator: what was due, what was paid, the ratio in %, and the workings."""

    required: Decimal
    paid: Decimal
    percent: Decimal | None  # None when nothing was due; exact when it terminates
    details: dict[str, Decimal]

    @property
    def exact_percent(self) -> Fraction | None:
        """paid / required × 100 as an exact fraction (None when nothing was due)."""
        if self.required == 0:
            return None
        return Fraction(self.paid) * 100 / Fraction(self.required)


@frozen
class Calculator:
    name: str
    title: str
    #: every amount the county may report, in the form's order
    items: tuple[CalculatorInput, ...]
    params: tuple[PolicyParam, ...]
    compute: Callable[[Mapping[str, Decimal], Mapping[str, Decimal]], Calculation]
    #: an input the calculation does not use while the named parameter is 0
    unused_when_off: tuple[tuple[str, str], ...] = ()

    def of_kind(self, *kinds: InputKind) -> tuple[CalculatorInput, ...]:
        return tuple(i for i in self.items if i.kind in kinds)

    @property
    def inputs(self) -> tuple[CalculatorInput, ...]:
        """The amounts the ratio needs and no scheme default stands in for."""
        return tuple(i for i in self.items if i.kind == "amount" and not i.optional)

    @property
    def optional(self) -> tuple[CalculatorInput, ...]:
        """The amounts a scheme may give a default for."""
        return tuple(i for i in self.items if i.optional)

    @property
    def amounts(self) -> tuple[CalculatorInput, ...]:
        """Every amount that is the county's performance (not a policy value)."""
        return self.of_kind("amount", "detail")

    def defaults(self) -> dict[str, Decimal]:
        """The speech's values of the policy parameters."""
        return {p.key: p.default for p in self.params}

    def resolve(self, params: Mapping[str, Decimal]) -> dict[str, Decimal]:
        """The parameters in force: the scheme's, else the speech's."""
        return self.defaults() | {k: v for k, v in params.items() if k in self.defaults()}

    def uses(self, key: str, params: Mapping[str, Decimal]) -> bool:
        """Whether input ``key`` enters the calculation under ``params``."""
        resolved = self.resolve(params)
        return all(not (k == key and resolved.get(switch) == 0) for k, switch in self.unused_when_off)


def _percent(paid: Decimal, required: Decimal) -> Decimal | None:
    """paid / required × 100: exact when it terminates, else to the context's precision."""
    if required == 0:
        return None
    exact = Fraction(paid) * 100 / Fraction(required)
    return Decimal(exact.numerator) / Decimal(exact.denominator)


def pension_relief(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """A 养老救助: required = eligible retirees × 200元 × months in force; 8.1 = paid / required."""
    p = CALCULATORS["pension-relief"].resolve(p)
    standard, months = p["standard"], p["months"]
    required = v["eligible"] * standard * months
    return Calculation(
        required, v["paid"], _percent(v["paid"], required), {"standard": standard, "months": months}
    )


def pension_adjustment(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """B 养老金调整: from 2007-07-01 +80元 per retiree per month; 2007 required = retirees × 80 × 6."""
    p = CALCULATORS["pension-adjustment"].resolve(p)
    increase, months = p["increase"], p["months"]
    required = v["retirees"] * increase * months
    return Calculation(
        required, v["paid"], _percent(v["paid"], required), {"increase": increase, "months": months}
    )


def resident_medical(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """C 城镇居民合作医疗: fiscal pays 40% of 50元/minor and 150元/adult, and all of it for 低保.

    ``minors`` and ``adults`` count enrollees who are not 低保; ``minors_dibao`` and ``adults_dibao``
    count 低保 enrollees, whose whole contribution fiscal pays. Both 低保 counts are needed (a
    blank one is never 0 here: scoring fills in the scheme's default first, and says so).
    """
    p = CALCULATORS["resident-medical"].resolve(p)
    minor_rate, adult_rate, share = p["minor_rate"], p["adult_rate"], p["fiscal_share"]
    ordinary = minor_rate * v["minors"] + adult_rate * v["adults"]
    dibao = minor_rate * v["minors_dibao"] + adult_rate * v["adults_dibao"]
    required = share * ordinary + dibao
    return Calculation(
        required,
        v["paid"],
        _percent(v["paid"], required),
        {"ordinary_share": share * ordinary, "dibao_share": dibao},
    )


def fund_budget(v: Mapping[str, Decimal], p: Mapping[str, Decimal]) -> Calculation:
    """D 省级基金预算管理: 9.1 = revenue actual / revenue plan, with the county's burden worked out.

    9.1 needs only the revenues. With both expenses, the workings follow: the province's fixed
    subsidy S is the budgeted gap max(0, E_plan − R_plan); the county's own burden is
    max(0, (E_actual − R_actual) − S); the gap from collecting less than budgeted,
    max(0, R_plan − R_actual), is never covered. With ``rebudget_policy_spending`` = 1,
    policy-driven spending (the +80元) reported as ``policy_expense`` is added to the planned
    expense (scoring fills in the scheme's default for a blank one first, and says so).
    """
    p = CALCULATORS["fund-budget"].resolve(p)
    r_plan, r_actual = v["revenue_plan"], v["revenue_actual"]
    details = {"uncovered_gap": max(ZERO, r_plan - r_actual)}
    rebudget = p["rebudget_policy_spending"] != 0
    if "expense_plan" in v and "expense_actual" in v and (not rebudget or "policy_expense" in v):
        e_plan, e_actual = v["expense_plan"], v["expense_actual"]
        if rebudget:
            e_plan = e_plan + v["policy_expense"]
        subsidy = max(ZERO, e_plan - r_plan)
        details |= {
            "subsidy": subsidy,
            "county_burden": max(ZERO, (e_actual - r_actual) - subsidy),
            "expense_plan": e_plan,
        }
    return Calculation(r_plan, r_actual, _percent(r_actual, r_plan), details)


def _inputs(*rows: tuple) -> tuple[CalculatorInput, ...]:  # type: ignore[type-arg]
    return tuple(CalculatorInput(*row) for row in rows)


D = Decimal

CALCULATORS: dict[str, Calculator] = {
    "pension-relief": Calculator(
        "pension-relief",
        "困难企业退休人员养老救助",
        _inputs(
            ("eligible", "应救助退休人员数", "人"),
            ("paid", "实际发放救助金", "元"),
            ("months", "救助月数", "月", "policy"),
        ),
        (
            PolicyParam("standard", "救助标准（月人均）", "元", D(200)),
            PolicyParam("months", "救助月数", "月", D(12), D(1), D(12), integral=True),
        ),
        pension_relief,
    ),
    "pension-adjustment": Calculator(
        "pension-adjustment",
        "企业退休人员基本养老金调整",
        _inputs(
            ("retirees", "企业退休人员数", "人"),
            ("paid", "实际发放调整金额", "元"),
            ("months", "执行月数", "月", "policy"),
        ),
        (
            PolicyParam("increase", "调整标准（月人均增加）", "元", D(80)),
            PolicyParam("months", "执行月数", "月", D(6), D(1), D(12), integral=True),
        ),
        pension_adjustment,
    ),
    "resident-medical": Calculator(
        "resident-medical",
        "城镇居民合作医疗财政补助",
        _inputs(
            ("minors", "参保未成年人数（非低保）", "人"),
            ("adults", "参保成年人数（非低保）", "人"),
            ("paid", "财政实际到位补助", "元"),
            ("minors_dibao", "低保未成年人数", "人", "amount", True),
            ("adults_dibao", "低保成年人数", "人", "amount", True),
        ),
        (
            PolicyParam("minor_rate", "未成年人筹资标准（每人每年）", "元", D(50)),
            PolicyParam("adult_rate", "成年人筹资标准（每人每年）", "元", D(150)),
            PolicyParam("fiscal_share", "财政补助比例", "", D("0.4"), ZERO, D(1)),
            PolicyParam("personal_share", "个人负担比例", "", D("0.6"), ZERO, D(1)),
        ),
        resident_medical,
    ),
    "fund-budget": Calculator(
        "fund-budget",
        "养老保险省级基金预算管理",
        _inputs(
            ("revenue_plan", "基金收入预算", "元"),
            ("revenue_actual", "基金实际收入", "元"),
            ("expense_plan", "基金支出预算", "元", "detail"),
            ("expense_actual", "基金实际支出", "元", "detail"),
            ("policy_expense", "政策性增支", "元", "detail", True),
        ),
        (
            PolicyParam(
                "rebudget_policy_spending", "政策性增支计入支出预算", "", D(1), ZERO, D(1), integral=True
            ),
        ),
        fund_budget,
        unused_when_off=(("policy_expense", "rebudget_policy_spending"),),
    ),
}
