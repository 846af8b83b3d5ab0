"""The checks around scoring, the policy calculators and 序时进度, pinned at their edges.

Checks: the module's own promises (minsheng.checks docstrings: a report after the deadline is a
warning, an actual *above* 3× its target is implausible, a 自评分 that differs by 0.01 or more is a
mismatch). Calculators: DOMAIN.md section 4, with every input given and the parameters passed
explicitly (how blanks, county-typed months and an amount due of 0 are treated is being settled
elsewhere and is not asserted here). Progress: DOMAIN.md section 3, 序时进度.
"""

import datetime as dt
from decimal import Decimal as D

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets

from minsheng import (
    CALCULATORS,
    Progress,
    Provenance,
    Reporter,
    Severity,
    Value,
    expected_share,
    progress_status,
    score,
)
from minsheng.checks import apply_deadline, check_outliers, check_self_scores, check_submission

CELL = Provenance(file="县.xlsx", sheet="表1", cell="F12")
DEADLINE = dt.date(2008, 1, 10)


def without_62(scheme, reported_on=None, submitted_on=None):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "6.2"}
    return attrs.evolve(
        sub,
        values=values,
        reporter=Reporter(date=reported_on),
        submitted_on=submitted_on,
        source=Provenance(file="县.xlsx"),
    )


# --- the deadline ------------------------------------------------------------------------------


def test_one_day_late_is_warned_and_counts_one_day(scheme):
    """late_by_one_day: a report dated the day after the deadline is late, by one day."""
    out, problems = apply_deadline(scheme, without_62(scheme, DEADLINE + dt.timedelta(days=1)), DEADLINE)
    assert [(p.code, p.severity, p.county, p.indicator, p.file) for p in problems] == [
        ("late-submission", Severity.WARNING, "1", "6.2", "县.xlsx")
    ]
    assert "1 天" in problems[0].message
    assert out.values["6.2"].amount == D(1) and out.values["6.2"].is_reported
    assert out.values["6.2"].provenance == Provenance(file="县.xlsx")


def test_on_the_deadline_or_early_is_zero_days(scheme):
    for day in (DEADLINE, DEADLINE - dt.timedelta(days=3)):
        out, problems = apply_deadline(scheme, without_62(scheme, day), DEADLINE)
        assert problems == [] and out.values["6.2"].amount == 0


def test_the_report_date_is_the_submission_date_before_the_reporters_date(scheme):
    sub = without_62(scheme, reported_on=DEADLINE, submitted_on=DEADLINE + dt.timedelta(days=2))
    out, problems = apply_deadline(scheme, sub, DEADLINE)
    assert out.values["6.2"].amount == D(2) and [p.code for p in problems] == ["late-submission"]


def test_no_report_date_leaves_the_days_late_missing_with_the_reason(scheme):
    """Lateness is the office's finding (#12): with no date to count from, 6.2 is a missing value
    that says why, never a number the county typed, never 0."""
    sub = without_62(scheme)
    out, problems = apply_deadline(scheme, sub, DEADLINE)
    assert problems == []
    assert out.values["6.2"].status.value == "missing" and "无法计算逾期天数" in out.values["6.2"].raw


def test_a_blank_62_is_filled_and_a_typed_one_never_lowers_the_days(scheme):
    sub = without_62(scheme, DEADLINE + dt.timedelta(days=3))
    blank = attrs.evolve(sub, values={**sub.values, "6.2": Value.missing()})
    assert apply_deadline(scheme, blank, DEADLINE)[0].values["6.2"].amount == D(3)
    typed = attrs.evolve(sub, values={**sub.values, "6.2": Value.of(1)})
    out, problems = apply_deadline(scheme, typed, DEADLINE)  # the county's 1 never lowers the 3 days
    assert out.values["6.2"].amount == D(3)
    assert sorted(p.code for p in problems) == ["late-submission", "lateness-claim-ignored"]


def test_a_scheme_without_62_still_warns_but_fills_nothing(scheme):
    groups = tuple(
        attrs.evolve(g, indicators=tuple(i for i in g.indicators if i.code != "6.2")) for g in scheme.groups
    )
    other = attrs.evolve(scheme, groups=groups)
    sub = without_62(scheme, DEADLINE + dt.timedelta(days=2))
    out, problems = apply_deadline(other, sub, DEADLINE)
    assert out == sub and [p.code for p in problems] == ["late-submission"]


# --- one county's values -----------------------------------------------------------------------


def test_implausible_only_above_three_times_the_target(scheme):
    """implausible_at_3x: exactly 3× its target is plausible; anything above is worth a look."""
    alloc = full_allocation(scheme)
    at = make_submission(scheme, "1", alloc, **{"1.1": "300"})
    above = make_submission(scheme, "1", alloc, **{"1.1": Value.of("300.01", CELL)})
    assert check_submission(scheme, at, alloc) == []
    assert [
        (p.code, p.severity, p.indicator, p.cell, p.county) for p in check_submission(scheme, above, alloc)
    ] == [("implausible-value", Severity.WARNING, "1.1", "F12", "1")]


def test_implausible_needs_a_ratio_rule_and_a_positive_target(scheme):
    alloc = full_allocation(scheme) | {"1.2": D(0), "1.3": None}
    sub = make_submission(
        scheme, "1", full_allocation(scheme), **{"1.2": "50", "1.3": "50", "2.1": "20", "2.2": "400"}
    )
    assert check_submission(scheme, sub, alloc) == []


def test_check_submission_looks_past_a_blank_indicator(scheme):
    """check_submission_continues: a blank early indicator does not stop the checks of later ones."""
    sub = make_submission(
        scheme,
        "1",
        full_allocation(scheme),
        **{"1.1": Value.missing(), "1.2": Value.not_applicable(), "9.2": "-1"},
    )
    problems = check_submission(scheme, sub, full_allocation(scheme))
    assert [(p.code, p.indicator) for p in problems] == [("negative-value", "9.2")]


def test_negative_value_is_an_error_at_its_cell(scheme):
    sub = make_submission(scheme, "2", full_allocation(scheme), **{"2.2": Value.of(-1, CELL)})
    problems = check_submission(scheme, sub, full_allocation(scheme))
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        ("negative-value", Severity.ERROR, "2", "2.2", "F12")
    ]
    zero = make_submission(scheme, "2", full_allocation(scheme), **{"2.2": "0"})
    assert check_submission(scheme, zero, full_allocation(scheme)) == []


def test_parts_equal_to_their_total_are_fine_and_blank_parts_count_nothing(scheme):
    alloc = full_allocation(scheme)
    equal = make_submission(scheme, "1", alloc, **{"3.2": "100", "3.2.1": "60", "3.2.2": "40", "3.2.3": "0"})
    assert check_submission(scheme, equal, alloc) == []
    blank = make_submission(scheme, "1", alloc, **{"3.2": "100", "3.2.1": "101", "3.2.2": Value.missing()})
    problems = check_submission(scheme, blank, alloc)
    assert [(p.code, p.county, p.indicator) for p in problems] == [("parts-exceed-total", "1", "3.2")]
    assert "101" in problems[0].message


def test_parts_are_checked_only_when_one_is_reported(scheme):
    alloc = full_allocation(scheme)
    sub = make_submission(scheme, "1", alloc, **{"3.2": "0"})  # no part reported at all
    assert check_submission(scheme, sub, alloc) == []


# --- across counties ---------------------------------------------------------------------------


def _peers(scheme, n, special):
    codes = [str(i) for i in range(1, n + 1)]
    subs = [make_submission(scheme, c, full_allocation(scheme), **special.get(c, {})) for c in codes]
    return subs, make_targets(codes, scheme)


def test_outlier_is_above_five_times_the_median_of_the_others(scheme):
    # the others complete 100%: 500% is not above 5×, 501% is
    subs, t = _peers(scheme, 5, {"5": {"4.3": "500"}})
    assert check_outliers(scheme, subs, t) == []
    subs, t = _peers(scheme, 5, {"5": {"4.3": Value.of(501, CELL)}})
    problems = check_outliers(scheme, subs, t)
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        ("outlier-value", Severity.WARNING, "5", "4.3", "F12")
    ]


def test_outlier_needs_five_counties_and_a_ratio_above_two(scheme):
    subs, t = _peers(scheme, 4, {"4": {"4.3": "600"}})
    assert check_outliers(scheme, subs, t) == []
    # the others at 30%: 150% is 5× their median, but not above 200%
    low = {c: {"4.3": "30"} for c in "1234"}
    subs, t = _peers(scheme, 5, low | {"5": {"4.3": "199"}})
    assert check_outliers(scheme, subs, t) == []
    subs, t = _peers(scheme, 5, low | {"5": {"4.3": "201"}})
    assert [p.county for p in check_outliers(scheme, subs, t)] == ["5"]


def test_outlier_leaves_out_counties_without_a_target_or_value(scheme):
    subs, t = _peers(scheme, 6, {"6": {"4.3": "600"}, "1": {"4.3": Value.missing()}})
    assert [p.county for p in check_outliers(scheme, subs, t)] == ["6"]
    alloc = dict(t.allocations["2"]) | {"4.3": None}
    t2 = attrs.evolve(t, allocations={**t.allocations, "2": alloc})
    # with 1 blank and 2 without a target, only 4 counties remain: too few to compare
    assert check_outliers(scheme, subs, t2) == []


def test_outlier_only_for_ratio_rules_and_not_against_a_zero_median(scheme):
    subs, t = _peers(scheme, 5, {"5": {"2.2": "50"}})  # a deduct count is no completion ratio
    assert check_outliers(scheme, subs, t) == []
    zero = {c: {"4.3": "0"} for c in "1234"}
    subs, t = _peers(scheme, 5, zero | {"5": {"4.3": "300"}})
    assert check_outliers(scheme, subs, t) == []


# --- 自评分 -------------------------------------------------------------------------------------


def _assess(scheme, self_scores=None, self_total=None, **values):
    sub = make_submission(scheme, "1", full_allocation(scheme), **values)
    sub = attrs.evolve(sub, self_scores=self_scores or {}, self_total=self_total, source=CELL)
    return score(scheme, make_targets(["1"], scheme), [sub])


def test_self_score_within_one_cent_passes_and_beyond_it_is_flagged(scheme):
    """#12 item 5: a tolerance of 0.01 on the indicator (score + bonus); 0.02 off is a mismatch."""
    a = _assess(scheme, {"1.1": D("5.99"), "5.1": D("5.50")}, None, **{"5.1": "110"})
    assert check_self_scores(a) == []  # 0.01 off: within the tolerance
    a = _assess(scheme, {"1.1": D("5.98"), "5.1": D("5.50")}, None, **{"5.1": "110"})
    problems = check_self_scores(a)
    assert [(p.code, p.severity, p.county, p.indicator) for p in problems] == [
        ("self-score-mismatch", Severity.WARNING, "1", "1.1")
    ]
    assert "0.02" in problems[0].message
    a = _assess(scheme, {"5.1": D("5.48")}, None, **{"5.1": "110"})  # 5.00 + 0.50 bonus, 0.02 off
    assert [p.indicator for p in check_self_scores(a)] == ["5.1"]


def test_self_total_within_one_cent_passes_and_beyond_it_is_flagged(scheme):
    for total in ("100", "100.01", "99.99"):
        assert check_self_scores(_assess(scheme, None, D(total))) == [], total
    for total in ("100.02", "99.98"):
        problems = check_self_scores(_assess(scheme, None, D(total)))
        assert [(p.code, p.indicator) for p in problems] == [("self-score-mismatch", None)], total


def test_self_total_of_a_held_county_is_not_compared(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": Value.missing()})
    sub = attrs.evolve(sub, self_total=D(50))
    a = score(scheme, make_targets(["1"], scheme), [sub], missing="hold")
    assert check_self_scores(a) == []


# --- policy calculators (DOMAIN.md section 4) --------------------------------------------------


def compute(name, values, params):
    return CALCULATORS[name].compute(
        {k: D(v) for k, v in values.items()}, {k: D(v) for k, v in params.items()}
    )


def test_pension_relief_is_eligible_times_standard_times_months():
    c = compute("pension-relief", {"eligible": 10, "paid": 9000}, {"standard": 150, "months": 8})
    assert (c.required, c.paid, c.percent) == (D(12000), D(9000), D(75))
    assert (c.details["standard"], c.details["months"]) == (D(150), D(8))
    c = compute("pension-relief", {"eligible": 10, "paid": 12000}, {"months": 6})
    assert c.required == D(12000)  # 200元 a month by default (speech)


def test_pension_adjustment_is_retirees_times_80_times_6_by_default():
    c = compute("pension-adjustment", {"retirees": 100, "paid": 24000}, {})
    assert (c.required, c.percent) == (D(48000), D(50))
    c = compute("pension-adjustment", {"retirees": 100, "paid": 24000}, {"increase": 100, "months": 12})
    assert (c.required, c.details["increase"], c.details["months"]) == (D(120000), D(100), D(12))


def test_resident_medical_parameters_and_dibao():
    c = compute(
        "resident-medical",
        {"minors": 10, "adults": 10, "minors_dibao": 0, "adults_dibao": 0, "paid": 800},
        {},
    )
    assert c.required == D(800)  # 0.4 × (500 + 1500)
    assert c.details == {"ordinary_share": D(800), "dibao_share": D(0)}
    c = compute(
        "resident-medical",
        {"minors": 10, "adults": 10, "minors_dibao": 2, "adults_dibao": 1, "paid": 1000},
        {"minor_rate": 60, "adult_rate": 100, "fiscal_share": "0.5"},
    )
    # 0.5 × (600 + 1000) + (120 + 100)
    assert (c.required, c.details["dibao_share"]) == (D(1020), D(220))


FUND = {
    "revenue_plan": 1000,
    "revenue_actual": 1000,
    "expense_plan": 1000,
    "expense_actual": 1000,
    "policy_expense": 0,
}


def test_fund_subsidy_is_never_negative():
    """fund_floors: revenue planned above expense means no subsidy, not a negative one."""
    c = compute("fund-budget", FUND | {"expense_plan": 900, "expense_actual": 900}, {})
    assert c.details["subsidy"] == 0


def test_fund_county_burden_is_never_negative():
    c = compute("fund-budget", FUND | {"expense_plan": 1200, "expense_actual": 1100}, {})
    assert (c.details["subsidy"], c.details["county_burden"]) == (D(200), 0)


def test_fund_uncovered_gap_is_never_negative():
    c = compute("fund-budget", FUND | {"revenue_actual": 1100}, {})
    assert c.details["uncovered_gap"] == 0
    assert (c.required, c.paid, c.percent) == (D(1000), D(1100), D(110))


def test_fund_policy_spending_is_rebudgeted_by_default_and_not_when_switched_off():
    values = FUND | {"expense_actual": 1100, "policy_expense": 100}
    on = compute("fund-budget", values, {})
    assert (on.details["expense_plan"], on.details["subsidy"], on.details["county_burden"]) == (
        D(1100),
        D(100),
        0,
    )
    off = compute("fund-budget", values, {"rebudget_policy_spending": 0})
    assert (off.details["expense_plan"], off.details["subsidy"], off.details["county_burden"]) == (
        D(1000),
        0,
        D(100),
    )
    assert compute("fund-budget", values, {"rebudget_policy_spending": 2}).details["subsidy"] == D(100)


def test_calculators_name_their_inputs():
    """The amounts each calculator reads, with the names and units shown in 数据来源."""
    named = {
        name: {i.key: (i.name, i.unit) for i in (*c.inputs, *c.optional)} for name, c in CALCULATORS.items()
    }
    expected = {
        "pension-relief": {"eligible": ("应救助退休人员数", "人"), "paid": ("实际发放救助金", "元")},
        "pension-adjustment": {"retirees": ("企业退休人员数", "人"), "paid": ("实际发放调整金额", "元")},
        "resident-medical": {
            "minors": ("参保未成年人数（非低保）", "人"),
            "adults": ("参保成年人数（非低保）", "人"),
            "paid": ("财政实际到位补助", "元"),
            "minors_dibao": ("低保未成年人数", "人"),
            "adults_dibao": ("低保成年人数", "人"),
        },
        "fund-budget": {
            "revenue_plan": ("基金收入预算", "元"),
            "revenue_actual": ("基金实际收入", "元"),
            "policy_expense": ("政策性增支", "元"),
        },
    }
    assert {name: {k: named[name].get(k) for k in keys} for name, keys in expected.items()} == expected
    assert {name: (c.name, c.title) for name, c in CALCULATORS.items()} == {
        "pension-relief": ("pension-relief", "困难企业退休人员养老救助"),
        "pension-adjustment": ("pension-adjustment", "企业退休人员基本养老金调整"),
        "resident-medical": ("resident-medical", "城镇居民合作医疗财政补助"),
        "fund-budget": ("fund-budget", "养老保险省级基金预算管理"),
    }


def test_every_calculation_reports_what_was_paid():
    assert compute("pension-adjustment", {"retirees": 1, "paid": 7}, {}).paid == D(7)
    medical = {"minors": 1, "adults": 1, "minors_dibao": 0, "adults_dibao": 0, "paid": 9}
    assert compute("resident-medical", medical, {}).paid == D(9)
    assert compute("pension-relief", {"eligible": 1, "paid": 5}, {"months": 12}).paid == D(5)


# --- 序时进度 (DOMAIN.md section 3) --------------------------------------------------------------


@pytest.mark.parametrize("month", [0, 13, -1])
def test_progress_months_outside_one_to_twelve_are_refused(month):
    """progress_month_range: a month is 1..12; month 0 is refused."""
    with pytest.raises(ValueError):
        expected_share(month)
    with pytest.raises(ValueError):
        progress_status(D("0.5"), month)


def test_progress_expected_share_at_the_ends_of_the_year():
    assert expected_share(1) == D(1) / D(12)
    assert expected_share(12) == 1


def test_progress_tolerance_is_a_parameter():
    assert progress_status(D("0.58"), 6, D("0.1")) is Progress.ON_PACE
    assert progress_status(D("0.6"), 6, D("0.1")) is Progress.AHEAD
    assert progress_status(D("0.39"), 6, D("0.1")) is Progress.BEHIND
    assert progress_status(D("0.5"), 6, D(0)) is Progress.AHEAD


def test_progress_refusal_names_the_month():
    with pytest.raises(ValueError, match="13"):
        expected_share(13)


def test_outliers_skip_counties_without_an_allocation_and_go_on_after_a_thin_indicator(scheme):
    subs, t = _peers(scheme, 6, {"6": {"4.4": Value.of(700, CELL)}})
    extra = make_submission(scheme, "99", full_allocation(scheme))  # not in the targets at all
    allocations = {c: dict(a) for c, a in t.allocations.items()}
    for code in ("1", "2", "3"):
        allocations[code]["1.1"] = None  # 1.1: only 3 counties to compare, too few
    t = attrs.evolve(t, allocations=allocations)
    assert [(p.county, p.indicator) for p in check_outliers(scheme, [*subs, extra], t)] == [("6", "4.4")]


def test_outlier_is_above_two_not_at_two(scheme):
    low = {c: {"4.3": "30"} for c in "1234"}
    subs, t = _peers(scheme, 5, low | {"5": {"4.3": "200"}})
    assert check_outliers(scheme, subs, t) == []


def test_implausible_with_a_target_below_one(scheme):
    alloc = full_allocation(scheme) | {"6.1": D("0.5")}
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"6.1": "1.6"})
    assert [p.code for p in check_submission(scheme, sub, alloc)] == ["implausible-value"]
    alloc = full_allocation(scheme) | {"6.1": D(1)}
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"6.1": "3.5"})
    assert [p.code for p in check_submission(scheme, sub, alloc)] == ["implausible-value"]


def test_self_score_mismatch_is_a_warning_located_at_the_indicator_or_the_submission(scheme):
    a = _assess(scheme, {"1.1": D(5)}, D(90), **{"1.1": Value.of(100, Provenance(cell="G3"))})
    problems = check_self_scores(a)
    assert [(p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        (Severity.WARNING, "1", "1.1", "G3"),
        (Severity.WARNING, "1", None, "F12"),
    ]
