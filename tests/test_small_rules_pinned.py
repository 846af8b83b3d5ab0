"""Small rules pinned at their edges: rounding half up (四舍五入) of negative and Decimal values, a
planned schedule after its last planned month, a policy parameter's range, and which inputs a
calculator uses when a switch is off. Fast: no files."""

from decimal import Decimal as D
from fractions import Fraction

from minsheng import CALCULATORS
from minsheng.progress_rules import Schedule
from minsheng.scoring.rules import half_up, q2


def test_half_up_rounds_negative_fractions_away_from_zero():
    assert half_up(Fraction(-1, 8)) == D("-0.13")
    assert half_up(Fraction(-1, 3)) == D("-0.33")
    assert half_up(Fraction(1, 8)) == D("0.13")
    assert q2(Fraction(-5, 1000)) == D("-0.01")


def test_q2_of_a_decimal_rounds_half_up_not_to_even():
    assert q2(D("0.125")) == D("0.13")
    assert q2(D("2.665")) == D("2.67")
    assert q2(D("-0.125")) == D("-0.13")


def test_a_schedule_after_its_last_planned_month_stays_at_that_share():
    s = Schedule({"1.1": {3: D("0.2"), 6: D("0.5")}})
    assert s.share("1.1", 9) == D("0.5")
    assert s.share("1.1", 12) == D("0.5")
    assert s.share("1.1", 4) == D("0.3")
    assert s.share("1.1", 6) == D("0.5")
    assert s.planned("1.1") and not s.planned("1.2")
    assert not Schedule({"1.1": {}}).planned("1.1")


def test_a_policy_parameter_outside_its_range_is_refused():
    (months,) = [p for p in CALCULATORS["pension-relief"].params if p.key == "months"]
    (standard,) = [p for p in CALCULATORS["pension-relief"].params if p.key == "standard"]
    assert months.problem(D(0)) is not None and months.problem(D(13)) is not None
    assert months.problem(D(1)) is None and months.problem(D(12)) is None
    assert standard.problem(D(-1)) is not None and standard.problem(D(10**6)) is None
    assert "不大于" not in standard.problem(D(-1))  # no upper bound to name
    assert "不大于 12" in months.problem(D(13))


def test_policy_expense_is_used_only_when_rebudgeted():
    calc = CALCULATORS["fund-budget"]
    off = {"rebudget_policy_spending": D(0)}
    on = {"rebudget_policy_spending": D(1)}
    assert not calc.uses("policy_expense", off)
    assert calc.uses("policy_expense", on) and calc.uses("policy_expense", {})
    assert calc.uses("expense_plan", off) and calc.uses("expense_plan", on)
    assert calc.uses("policy_expense", {"rebudget_policy_spending": D(2)})


def test_the_fund_burden_is_worked_out_only_from_every_detail_it_needs():
    calc = CALCULATORS["fund-budget"]
    revenue = {"revenue_plan": D(100), "revenue_actual": D(90)}
    off, on = {"rebudget_policy_spending": D(0)}, {"rebudget_policy_spending": D(1)}
    both = {**revenue, "expense_plan": D(80), "expense_actual": D(90)}
    assert calc.compute(both, off).details["county_burden"] == 0  # policy spending not needed
    assert calc.compute(both, off).details["expense_plan"] == 80
    assert "county_burden" not in calc.compute(both, on).details  # policy spending needed, not given
    assert "county_burden" not in calc.compute({**revenue, "expense_plan": D(80)}, on).details
    assert (
        "county_burden"
        not in calc.compute({**revenue, "expense_actual": D(80), "policy_expense": D(5)}, off).details
    )
    assert calc.compute(revenue, off).details == {"uncovered_gap": D(10)}
