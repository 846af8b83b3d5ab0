"""The scoring rules of DOMAIN.md section 3, pinned at their edges.

Each test states one rule as DOMAIN.md (or docs/api.md, docs/worked-example.md) gives it, on the
public calls (`rule_score`, `score_indicator`, `score`); docs/testing.md lists which mutant of the
scoring core each one kills.
"""

from decimal import Decimal as D

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets

from minsheng import (
    Bonus,
    Condition,
    CountyStatus,
    Finding,
    Indicator,
    IndicatorStatus,
    Rule,
    Step,
    Value,
    rule_score,
    score,
    score_indicator,
)


def ind(rule: Rule, weight="6", **kw) -> Indicator:
    return Indicator(code="x", name="测试指标", unit="人", rule=rule, weight=D(weight), **kw)


STEPS = ind(
    Rule.STEPS, "10", steps=(Step(D("1"), D("1")), Step(D("0.8"), D("0.6")), Step(D("0.5"), D("0.3")))
)


# --- ratio and bonus ---------------------------------------------------------------------------


def test_ratio_score_is_weight_times_ratio_and_reports_the_ratio():
    s, bonus, ratio = rule_score(ind(Rule.RATIO), D(200), D(150))
    assert (s, bonus, ratio) == (D("4.50"), D("0.00"), D("0.75"))


def test_ratio_bonus_counts_only_full_steps_above_the_target():
    # 5.1: 0.5 per full 10% above 100%, at most 2 (DOMAIN: "for each full step of r above 1")
    loan = ind(Rule.RATIO, "5", bonus=Bonus(step=D("0.1"), per_step=D("0.5"), cap=D("2")))
    assert rule_score(loan, D(100), D("119.99"))[1] == D("0.50")
    assert rule_score(loan, D(100), D(120))[1] == D("1.00")
    assert rule_score(loan, D(100), D(100))[1] == D("0.00")
    # a step of 0.25 and 0.4 a step: two full steps at r = 1.5
    other = ind(Rule.RATIO, "5", bonus=Bonus(step=D("0.25"), per_step=D("0.4"), cap=D("9")))
    assert rule_score(other, D(100), D(150))[1] == D("0.80")
    assert rule_score(other, D(100), D(174))[1] == D("0.80")


def test_ratio_bonus_is_rounded_to_two_places_half_up():
    odd = ind(Rule.RATIO, "5", bonus=Bonus(step=D("0.1"), per_step=D("0.125"), cap=D("2")))
    assert rule_score(odd, D(100), D(110))[1] == D("0.13")


def test_ratio_without_bonus_gives_no_bonus_above_target():
    assert rule_score(ind(Rule.RATIO), D(100), D(300))[1] == 0


# --- steps -------------------------------------------------------------------------------------


def test_steps_take_the_first_band_reached_from_the_highest():
    assert rule_score(STEPS, D(100), D(120)) == (D("10.00"), D(0), D("1.2"))
    assert rule_score(STEPS, D(100), D(80))[0] == D("6.00")
    assert rule_score(STEPS, D(100), D("79.99"))[0] == D("3.00")


def test_steps_score_is_rounded_to_two_places():
    odd = ind(Rule.STEPS, "7", steps=(Step(D("0.5"), D("0.333")),))
    assert rule_score(odd, D(10), D(6)) == (D("2.33"), D(0), D("0.6"))


# --- ceiling -----------------------------------------------------------------------------------


def test_ceiling_loses_in_proportion_to_the_excess_over_the_target():
    # 2.1 失业率: 4 × (1 − (4.8 − 4.5)/4.5) = 3.7333… → 3.73 (docs/worked-example.md)
    s, bonus, ratio = rule_score(ind(Rule.CEILING, "4"), D("4.5"), D("4.8"))
    assert (s, bonus) == (D("3.73"), D(0))
    assert ratio == D("4.8") / D("4.5")
    # half of the target above it: half the weight
    assert rule_score(ind(Rule.CEILING, "4"), D(4), D(6))[0] == D("2.00")


def test_ceiling_met_exactly_scores_the_weight_and_a_zero_ceiling_exceeded_scores_nothing():
    assert rule_score(ind(Rule.CEILING, "4"), D("4.5"), D("4.5"))[0] == D("4.00")
    assert rule_score(ind(Rule.CEILING, "4"), D(0), D("0.1"))[0] == D("0.00")


# --- binary ------------------------------------------------------------------------------------


def test_binary_default_condition_is_at_least_the_target():
    """binary_default_ge: without a condition, 达标 means a ≥ t (never a ≤ t)."""
    reach = ind(Rule.BINARY, "2")
    assert rule_score(reach, D(50), D(60))[0] == D("2.00")
    assert rule_score(reach, D(50), D(50))[0] == D("2.00")
    assert rule_score(reach, D(50), D(40))[0] == D("0")


def test_binary_equal_is_not_at_least():
    """A binary rule with condition eq (2.3: 通过率 = 100%) fails above the threshold, too."""
    agreed = ind(Rule.BINARY, "2", condition=Condition.EQ, threshold=D(100))
    assert rule_score(agreed, None, D(100))[0] == D("2.00")
    assert rule_score(agreed, None, D("100.5"))[0] == 0
    assert rule_score(agreed, None, D("99.5"))[0] == 0


def test_binary_at_most_and_at_least_with_a_fixed_threshold():
    at_most = ind(Rule.BINARY, "3", condition=Condition.LE, threshold=D(5))
    assert [rule_score(at_most, D(100), D(a))[0] for a in (4, 5, 6)] == [D("3.00"), D("3.00"), 0]
    at_least = ind(Rule.BINARY, "3", condition=Condition.GE, threshold=D(5))
    # the fixed threshold wins over the county's target
    assert [rule_score(at_least, D(100), D(a))[0] for a in (4, 5, 6)] == [0, D("3.00"), D("3.00")]


def test_binary_weight_is_rounded_like_any_score():
    odd = ind(Rule.BINARY, "2.345", condition=Condition.GE, threshold=D(1))
    assert rule_score(odd, None, D(1)) == (D("2.35"), D(0), None)


# --- deduct ------------------------------------------------------------------------------------


def test_deduction_never_scores_above_the_weight():
    """deduct_capped_at_weight: s = max(0, w − k·n) can never exceed w, even for a negative count."""
    late = ind(Rule.DEDUCT, "3", per_unit=D("0.5"))
    assert rule_score(late, None, D(-4))[0] == D("3.00")
    assert rule_score(late, None, D(0))[0] == D("3.00")


def test_deduction_is_rounded_and_has_no_bonus():
    odd = ind(Rule.DEDUCT, "3", per_unit=D("0.333"))
    assert rule_score(odd, None, D(1)) == (D("2.67"), D(0), None)


# --- veto and info -----------------------------------------------------------------------------


def test_veto_and_info_carry_no_points():
    assert rule_score(ind(Rule.VETO, "0"), None, D(3))[:2] == (0, 0)
    from minsheng import Provenance

    info = ind(Rule.INFO, "0")
    cell = Provenance(file="县.xlsx", sheet="表1", cell="C5")
    s, problems = score_indicator(info, "3", D(10), Value.of(7, cell), "c")
    assert (s.status, s.actual, s.score, s.provenance, problems) == (IndicatorStatus.INFO, D(7), 0, cell, [])
    s, _ = score_indicator(info, "3", D(10), Value.missing(), "c")
    assert s.status is IndicatorStatus.INFO and s.actual is None


def test_veto_is_a_violation_only_when_at_least_one_is_reported():
    v = ind(Rule.VETO, "0")
    s, _ = score_indicator(v, "7", D(0), Value.of(1), "c")  # a "target" of 0 does not exempt a veto
    assert s.status is IndicatorStatus.SCORED and s.veto


# --- applicability -----------------------------------------------------------------------------


def test_target_zero_is_not_applicable_for_steps_too():
    """A target of 0 means 不考核 for every completion-ratio rule: ratio and steps."""
    s, problems = score_indicator(STEPS, "1", D(0), Value.of(10), "c")
    assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []
    assert s.actual == D(10) and s.target == D(0)


def test_target_zero_keeps_a_ceiling_or_binary_rule_applicable():
    s, _ = score_indicator(ind(Rule.CEILING, "4"), "2", D(0), Value.of(0), "c")
    assert s.status is IndicatorStatus.SCORED and s.score == D("4.00")
    s, _ = score_indicator(ind(Rule.BINARY, "2", condition=Condition.LE), "4", D(0), Value.of(1), "c")
    assert s.status is IndicatorStatus.SCORED and s.score == 0


def test_no_target_keeps_what_was_reported_and_raises_nothing():
    s, problems = score_indicator(ind(Rule.RATIO), "1", None, Value.of(12), "c")
    assert (s.status, s.actual, s.target, problems) == (IndicatorStatus.NOT_APPLICABLE, D(12), None, [])


def test_a_scored_indicator_keeps_its_target_weight_and_self_score():
    s, _ = score_indicator(ind(Rule.RATIO), "1", D(100), Value.of(50), "c", D("2.5"))
    assert (s.code, s.group, s.weight, s.target, s.self_score) == ("x", "1", D(6), D(100), D("2.5"))
    assert (s.status, s.actual, s.score, s.ratio, s.veto) == (
        IndicatorStatus.SCORED,
        D(50),
        D("3.00"),
        D("0.5000"),
        False,
    )


def test_ratio_kept_on_the_score_is_rounded_half_up_to_four_places():
    s, _ = score_indicator(ind(Rule.RATIO), "1", D(8), Value.of(D("0.0004")), "c")  # 0.00005 exactly
    assert s.ratio == D("0.0001")


def test_a_countys_dash_is_refused_at_its_cell_where_the_province_set_no_exemption():
    """#12: only the province makes an indicator 不考核. A county's "—" on a veto (or any indicator
    it owes) is not-applicable-refused at its cell and scored as blank; with no target it is 不考核."""
    from minsheng import Provenance, Severity

    cell = Provenance(file="县.xlsx", sheet="表2", cell="C9")
    agreed = ind(Rule.BINARY, "2", condition=Condition.EQ, threshold=D(100))
    s, problems = score_indicator(agreed, "2", None, Value.of(1, cell), "c")  # "—" target: 不考核
    assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []
    s, problems = score_indicator(ind(Rule.VETO, "0"), "7", D(1), Value.not_applicable(cell, "无"), "c9")
    assert s.status is IndicatorStatus.MISSING
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        ("not-applicable-refused", Severity.ERROR, "c9", "x", "C9")
    ]


def test_a_dash_where_a_target_is_set_is_an_error_and_scores_as_blank():
    from minsheng import Provenance, Severity

    cell = Provenance(file="县.xlsx", sheet="表2", cell="D3")
    s, problems = score_indicator(ind(Rule.RATIO), "1", D(100), Value.not_applicable(cell, "—"), "c7")
    assert s.status is IndicatorStatus.MISSING and s.score == 0
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        ("not-applicable-refused", Severity.ERROR, "c7", "x", "D3"),
    ]
    s, problems = score_indicator(ind(Rule.RATIO), "1", None, Value.not_applicable(cell, "—"), "c7")
    assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []  # no target: 不考核


# --- a county: rescaling, bonus cap, deductions ------------------------------------------------


def _one(scheme, alloc=None, findings=(), **values):
    t = make_targets(["1"], scheme)
    if alloc is not None:
        t = attrs.evolve(t, allocations={"1": alloc})
    sub = make_submission(scheme, "1", full_allocation(scheme), **values)
    return score(scheme, t, [sub], findings=findings)


def test_zero_applicable_weight_gives_no_marks(scheme):
    """Nothing assessed (every indicator 不考核) is not full marks: the indicator total is 0."""
    alloc = {ind.code: None for ind in scheme.indicators}
    r = _one(scheme, alloc).result("1")
    assert r.applicable_weight == 0 and r.raw_total == 0
    assert r.indicator_total == 0 and r.total == 0


def test_rescaling_is_rounded_to_two_places_half_up(scheme):
    # only 1.1 (6 points) is assessed besides the fixed rules (2.2 2, 2.3 2, 4.2 3, 6.2 3, 9.3 2 = 12):
    # 1.1 at 1/3 → 2.00; 100 × 14 / 18 = 77.777… → 77.78
    alloc = {ind.code: None for ind in scheme.indicators if ind.needs_target}
    alloc["1.1"] = D(300)
    r = _one(scheme, alloc, **{"1.1": "100"}).result("1")
    assert (r.applicable_weight, r.raw_total, r.indicator_total) == (D(18), D(14), D("77.78"))
    assert r.total == D("77.78")


def test_group_scores_sum_the_rounded_indicator_scores(scheme):
    r = _one(scheme, **{"1.1": "1", "1.2": "1"}).result("1")  # 6 × 0.01 = 0.06; 4 × 0.01 = 0.04
    group = next(g for g in r.groups if g.code == "1")
    assert (group.weight, group.applicable_weight, group.score) == (D(12), D(12), D("2.10"))
    assert r.raw_total == D("90.10") and r.total == D("90.10")


def test_missing_value_counts_in_the_applicable_weight(scheme):
    r = _one(scheme, **{"1.1": Value.missing()}).result("1")
    assert r.applicable_weight == D(100) and r.total == D(94)


def test_bonus_cap_and_deductions_apply_after_rescaling(scheme):
    capped = attrs.evolve(scheme, bonus_cap=D("1.5"))
    alloc = full_allocation(capped)
    alloc["1.1"] = None
    findings = [Finding("1", "criticized-by-province", 1)]
    r = _one(capped, alloc, findings, **{"5.1": "300", "1.2": "50"}).result("1")
    # 100 × 92 / 94 = 97.872… → 97.87; + bonus 1.5 (2 capped) − 2
    assert (r.indicator_total, r.bonus, r.deduction_total, r.total) == (
        D("97.87"),
        D("1.5"),
        D(2),
        D("97.37"),
    )
    assert [(d.item, d.count, d.points) for d in r.deductions] == [("criticized-by-province", 1, D(2))]


def test_total_bonus_below_the_cap_is_kept_whole(scheme):
    r = _one(scheme, **{"5.1": "115"}).result("1")
    assert (r.bonus, r.total) == (D("0.50"), D("100.50"))


def test_a_veto_finding_with_points_also_deducts(scheme):
    both = attrs.evolve(
        scheme,
        cross_items=(
            *scheme.cross_items,
            attrs.evolve(scheme.cross_items[-1], code="both", name="双重", points=D(3)),
        ),
    )
    r = _one(both, findings=[Finding("1", "both")]).result("1")
    assert r.vetoed and r.veto_reasons == ("双重",)
    assert r.deduction_total == D(3) and r.total == D(97)


def test_veto_reason_names_the_indicator_and_the_reported_count(scheme):
    r = _one(scheme, **{"7.V": "2"}).result("1")
    assert r.vetoed and r.grade == "不合格"
    assert len(r.veto_reasons) == 1 and r.veto_reasons[0].startswith("7.V ")
    assert "2" in r.veto_reasons[0]


def test_unknown_finding_is_located_for_its_county(scheme):
    a = _one(scheme, findings=[Finding("1", "no-such-item", 2)])
    assert [(p.code, p.county) for p in a.problems] == [("unknown-finding", "1")]
    assert a.result("1").total == D(100) and a.result("1").deductions == ()


def test_unknown_indicator_is_a_warning_only_for_codes_outside_the_scheme(scheme):
    from minsheng import Severity

    a = _one(scheme, **{"8.1/paid": "100", "8.1/x/y": "1", "3.2.1": "10", "12.1": Value.of(1, _cell("H9"))})
    # the indicator is the part of the key before the first "/"
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in a.problems] == [
        ("unknown-indicator", Severity.WARNING, "1", "12.1", "H9")
    ]


# --- ranks, grades, 优秀 quota, 先进, 末位 ---------------------------------------------------------


def _run(scheme, shortfall, **kw):
    """Counties "1", "2", … with 1.1 at the given actual (of 100): total 100 − 6 × (1 − a/100)."""
    codes = [str(i) for i in range(1, len(shortfall) + 1)]
    subs = [
        make_submission(scheme, c, full_allocation(scheme), **{"1.1": a, **kw.get(c, {})})
        for c, a in zip(codes, shortfall, strict=True)
    ]
    return score(scheme, make_targets(codes, scheme), subs)


def _excellent(a):
    return [r.county.code for r in a.counties if r.grade == "优秀"]


@pytest.mark.parametrize(
    "n, allowed",
    [(5, 1), (9, 2), (4, 1), (3, 0), (10, 3)],  # 30% of n, rounded down
)
def test_excellent_quota_rounds_down(scheme, n, allowed):
    """quota_floor: 优秀 at most floor(30% × counties); quota 1 keeps exactly the best one."""
    a = _run(scheme, [str(100 - 5 * i) for i in range(n)])  # distinct totals, all in the 优秀 band
    assert _excellent(a) == [str(i) for i in range(1, allowed + 1)]
    assert all(r.grade == "良好" for r in a.counties if r.county.code not in _excellent(a))


def test_excellent_quota_counts_only_clean_ranked_counties(scheme):
    # 4 clean counties (30% → 1) and 3 vetoed ones: the vetoed do not raise the quota to 2
    a = _run(scheme, ["100", "95", "90", "85", "100", "100", "100"], **{c: {"7.V": "1"} for c in "567"})
    assert _excellent(a) == ["1"]


def test_excellent_quota_keeps_a_tie_at_the_boundary(scheme):
    a = _run(scheme, ["100", "90", "90", "80", "70", "60", "50"])  # 30% of 7 → 2; 2 and 3 tie
    assert _excellent(a) == ["1", "2", "3"]


def test_excellent_quota_not_reached_changes_nothing(scheme):
    # 10 counties, 3 allowed, 2 in the band: both keep 优秀, the others keep their own band (合格: 74)
    poor = {"1.2": "0", "1.3": "0", "3.1": "0", "3.2": "0"}
    a = _run(scheme, ["100", "100"] + ["0"] * 8, **{str(c): poor for c in range(3, 11)})
    assert _excellent(a) == ["1", "2"]
    assert [r.total for r in a.counties[2:]] == [D(74)] * 8
    assert {r.grade for r in a.counties[2:]} == {"合格"}


def test_quota_demotes_to_the_next_band_below(scheme):
    graded = attrs.evolve(
        scheme,
        grades=(
            attrs.evolve(scheme.grades[0], minimum=D(90)),
            attrs.evolve(scheme.grades[1], name="较好", minimum=D(85), below=D(90)),
            attrs.evolve(scheme.grades[1], minimum=D(80), below=D(85)),
            *scheme.grades[2:],
        ),
    )
    a = _run(graded, ["100", "95", "90", "85"])
    assert [r.grade for r in a.counties] == ["优秀", "较好", "较好", "较好"]


def test_advanced_requires_the_excellent_grade(scheme):
    """advanced_needs_excellent: 先进 = the best 3 that are graded 优秀, not the best 3."""
    a = _run(scheme, ["100", "100", "100", "100"])  # quota 30% of 4 → 1 … but all tie: all keep 优秀
    assert [r.advanced for r in a.counties] == [True, True, True, True]
    a = _run(scheme, ["100", "95", "90"])  # 30% of 3 → 0: nobody is 优秀, so nobody is 先进
    assert [(r.rank, r.grade, r.advanced) for r in a.counties] == [
        (1, "良好", False),
        (2, "良好", False),
        (3, "良好", False),
    ]


def test_advanced_is_limited_to_the_best_ranks(scheme):
    free = attrs.evolve(scheme, excellent_quota=None, advanced_count=2)
    a = _run(free, ["100", "90", "80"])
    assert [r.advanced for r in a.counties] == [True, True, False]
    none = attrs.evolve(free, advanced_count=0)
    assert not any(r.advanced for r in _run(none, ["100", "90"]).counties)


def test_ties_share_a_rank_and_are_listed_by_county_code(scheme):
    """tie_order: equal totals share a rank; the report lists them by county code."""
    a = _run(scheme, ["50", "100", "100", "50"])
    assert [(r.county.code, r.rank) for r in a.counties] == [("2", 1), ("3", 1), ("1", 3), ("4", 3)]
    assert [r.last for r in a.counties] == [False, False, True, True]


def test_vetoed_counties_rank_after_all_others_by_total_then_code(scheme):
    free = attrs.evolve(scheme, excellent_quota=None)
    a = _run(free, ["0", "100", "50", "50"], **{c: {"7.V": "1"} for c in "234"})
    assert [(r.county.code, r.rank, r.grade) for r in a.counties] == [
        ("1", 1, "优秀"),
        ("2", 2, "不合格"),
        ("3", 3, "不合格"),
        ("4", 3, "不合格"),
    ]
    assert not any(r.advanced for r in a.counties[1:])


def test_the_last_county_is_the_lowest_ranked_one(scheme):
    a = _run(scheme, ["100", "50", "0"])
    assert [r.last for r in a.counties] == [False, False, True]


def test_held_failed_and_missing_counties_follow_the_ranked_ones(scheme):
    codes = ["1", "2", "3", "4", "5"]
    subs = [
        make_submission(scheme, "5", full_allocation(scheme), **{"1.1": Value.missing()}),
        make_submission(scheme, "3", full_allocation(scheme)),
        make_submission(scheme, "4", full_allocation(scheme)),
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": Value.missing()}),
    ]
    a = score(scheme, make_targets(codes, scheme), subs, missing="hold", failed=["4"])
    assert [(r.county.code, r.status) for r in a.counties] == [
        ("3", CountyStatus.SCORED),
        ("2", CountyStatus.HELD),
        ("5", CountyStatus.HELD),
        ("4", CountyStatus.FAILED),
        ("1", CountyStatus.NOT_SUBMITTED),
    ]
    assert [r.rank for r in a.counties] == [1, None, None, None, None]
    assert a.counties[0].last


# --- 设区市 roll-ups ----------------------------------------------------------------------------


def test_city_average_is_over_scored_counties_only(scheme):
    """city_average_scored_only: a county that did not submit does not pull the average down."""
    t = make_targets(["1", "2", "3"], scheme, cities={"1": "3601", "2": "3601", "3": "3601"})
    subs = [
        make_submission(scheme, "1", full_allocation(scheme), **{"1.1": "50"}),  # 97
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": "0"}),  # 94
    ]
    (city,) = score(scheme, t, subs).cities
    assert (city.counties, city.scored, city.average_total) == (3, 2, D("95.50"))


def test_city_average_is_rounded_to_two_places(scheme):
    t = make_targets(["1", "2", "3"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme)),
        make_submission(scheme, "2", full_allocation(scheme)),
        make_submission(scheme, "3", full_allocation(scheme), **{"1.2": "99"}),  # 99.96
    ]
    (city,) = score(scheme, t, subs).cities
    assert city.average_total == D("99.99")  # 299.96 / 3 = 99.9866…


def test_city_grades_and_vetoes_are_counted_once_each(scheme):
    """city_counts: one county, one count, in its grade and among the vetoed."""
    free = attrs.evolve(scheme, excellent_quota=None)
    t = make_targets(["1", "2", "3", "4"], free)
    subs = [
        make_submission(free, "1", full_allocation(free)),
        make_submission(free, "2", full_allocation(free), **{"7.V": "1"}),
        make_submission(free, "3", full_allocation(free), **{"1.1": "0", "1.2": "0", "3.1": "0"}),  # 84
    ]
    (city,) = score(free, t, subs).cities
    assert city.grades == {"优秀": 1, "良好": 1, "合格": 0, "不合格": 1}
    assert city.vetoed == 1 and city.scored == 3 and city.counties == 4


def test_city_sums_of_targets_and_actuals(scheme):
    t = make_targets(["1", "2", "3"], scheme, cities={"1": "3601", "2": "3601", "3": "3604"})
    alloc2 = dict(t.allocations["2"])
    alloc2["1.1"] = None
    alloc2["1.2"] = None
    t = attrs.evolve(t, allocations={**t.allocations, "2": alloc2})
    subs = [
        make_submission(scheme, "1", full_allocation(scheme), **{"1.1": "80", "1.2": Value.missing()}),
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": "7", "1.2": Value.missing()}),
        make_submission(scheme, "3", full_allocation(scheme), **{"1.1": "60"}),
    ]
    nanchang, jiujiang = score(scheme, t, subs).cities
    # actuals of scored counties, even where 不考核; a blank adds nothing; no target at all → None
    assert (nanchang.totals["1.1"], nanchang.targets["1.1"]) == (D(87), D(100))
    assert (nanchang.totals["1.2"], nanchang.targets["1.2"]) == (None, D(100))
    assert (jiujiang.totals["1.1"], jiujiang.targets["1.1"]) == (D(60), D(100))
    assert nanchang.totals["3.2.1"] is None and nanchang.targets["3.2.1"] is None
    assert (nanchang.code, nanchang.name, jiujiang.code, jiujiang.name) == (
        "3601",
        "南昌市",
        "3604",
        "九江市",
    )


def test_cities_include_held_counties_in_their_count_only(scheme):
    t = make_targets(["1", "2"], scheme)
    subs = [
        make_submission(scheme, "1", full_allocation(scheme)),
        make_submission(scheme, "2", full_allocation(scheme), **{"1.1": Value.missing(), "1.2": "50"}),
    ]
    (city,) = score(scheme, t, subs, missing="hold").cities
    assert (city.counties, city.scored, city.average_total) == (2, 1, D(100))
    assert city.totals["1.2"] == D(100)


# --- the run -----------------------------------------------------------------------------------


def test_wrong_year_is_a_warning_and_still_scored(scheme):
    from minsheng import Severity

    sub = attrs.evolve(make_submission(scheme, "1", full_allocation(scheme)), year=2006)
    a = score(scheme, make_targets(["1"], scheme), [sub])
    assert [(p.code, p.severity, p.county) for p in a.problems] == [("wrong-year", Severity.WARNING, "1")]
    assert a.result("1").total == D(100)


def test_findings_for_unknown_counties_are_reported_and_not_applied(scheme):
    a = score(
        scheme,
        make_targets(["1"], scheme),
        [make_submission(scheme, "1", full_allocation(scheme))],
        findings=[Finding("9", "criticized-by-province")],
    )
    assert [(p.code, p.county) for p in a.problems] == [("unknown-county", "9")]
    assert a.result("1").total == D(100)


def test_the_run_records_its_settings_and_month(scheme):
    import datetime as dt

    sub = attrs.evolve(make_submission(scheme, "1", full_allocation(scheme)), month=6)
    a = score(scheme, make_targets(["1"], scheme), [sub], missing="hold", assessed_on=dt.date(2008, 1, 20))
    assert (a.scheme_id, a.year, a.month, a.settings.missing, a.assessed_on) == (
        scheme.id,
        2007,
        6,
        "hold",
        dt.date(2008, 1, 20),
    )
    assert score(scheme, make_targets(["1"], scheme), []).month == 12


def test_problems_given_to_the_run_are_kept_first(scheme):
    from minsheng import Problem

    before = Problem("error-cell", "单元格错误", county="1")
    a = score(scheme, make_targets(["1", "2"], scheme), [], problems=[before])
    assert a.problems[0] == before
    assert [p.code for p in a.problems[1:]] == ["not-submitted", "not-submitted"]


def test_duplicate_submissions_name_every_file(scheme):
    from minsheng import Provenance

    subs = [
        attrs.evolve(make_submission(scheme, "1", full_allocation(scheme)), source=Provenance(file=f))
        for f in ("a.xlsx", "b.xls")
    ]
    a = score(scheme, make_targets(["1"], scheme), subs)
    (p,) = a.problems
    assert (p.code, p.county, p.file) == ("duplicate-submission", "1", "a.xlsx")
    assert "a.xlsx" in p.message and "b.xls" in p.message
    assert a.result("1").status is CountyStatus.FAILED


# --- the policy calculators through scoring (docs/api.md: derive_actuals) ----------------------


def _cell(c):
    from minsheng import Provenance

    return Provenance(file="县.xlsx", sheet="表3", cell=c)


def _amounts(scheme, drop=(), **amounts):
    """A perfect submission with the listed indicators' ratios replaced by amounts at cells."""
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k not in drop}
    values |= {k.replace("_", "/", 1): Value.of(a, _cell(c)) for k, (a, c) in amounts.items()}
    return attrs.evolve(sub, values=values)


def test_each_calculator_indicator_is_derived_even_after_a_reported_or_partial_one(scheme):
    from minsheng import derive_actuals

    # 8.1 reported as a ratio (kept); 8.2 only its paid amount (a problem); 8.3 and 9.1 from amounts
    sub = _amounts(
        scheme,
        drop=("8.2", "8.3", "9.1"),
        **{
            "8.2_paid": (100, "B2"),
            "8.3_minors": (10, "C1"),
            "8.3_adults": (10, "C2"),
            "8.3_minors_dibao": (0, "C4"),
            "8.3_adults_dibao": (0, "C5"),
            "8.3_paid": (400, "C3"),
            "9.1_revenue_plan": (1000, "D1"),
            "9.1_revenue_actual": (900, "D2"),
            "9.1_expense_plan": (1000, "D3"),
            "9.1_expense_actual": (1000, "D4"),
            "9.1_policy_expense": (0, "D5"),
        },
    )
    derived, problems = derive_actuals(scheme, sub)
    assert derived.values["8.1"] == sub.values["8.1"]
    assert "8.2" not in derived.values
    assert [(p.code, p.county, p.indicator, p.cell) for p in problems] == [
        ("missing-value", "1", "8.2", "B2")
    ]
    m = derived.values["8.3"]  # 400 of 0.4 × (500 + 1500) = 800: 50%
    assert (m.status.value, m.amount, m.provenance.cell) == ("reported", D(50), "C3")
    f = derived.values["9.1"]  # the fund's ratio sits at the actual revenue
    assert (f.amount, f.provenance.cell) == (D(90), "D2")


def test_a_derived_ratio_scores_like_a_reported_one_and_lists_its_inputs(scheme):
    from minsheng import ValueStatus

    sub = _amounts(scheme, drop=("8.2",), **{"8.2_retirees": (100, "B1"), "8.2_paid": (24000, "B2")})
    r = score(scheme, make_targets(["1"], scheme), [sub]).result("1")
    s82 = next(s for s in r.indicators if s.code == "8.2")
    assert (s82.actual, s82.score, s82.provenance.cell) == (D(50), D("2.00"), "B2")
    assert [(i.code, i.name, i.unit, i.status, i.amount, i.provenance.cell) for i in s82.inputs] == [
        ("8.2/retirees", "企业退休人员数", "人", ValueStatus.REPORTED, D(100), "B1"),
        ("8.2/paid", "实际发放调整金额", "元", ValueStatus.REPORTED, D(24000), "B2"),
    ]
    assert r.total == D(98)


def test_no_amount_reported_leaves_the_indicator_alone(scheme):
    from minsheng import derive_actuals

    sub = _amounts(scheme, drop=("8.1", "8.2"), **{"8.2_retirees": (100, "B1"), "8.2_paid": (48000, "B2")})
    derived, problems = derive_actuals(scheme, sub)
    assert problems == [] and "8.1" not in derived.values
    assert derived.values["8.2"].amount == D(100)  # … and the next one is still derived


# --- grade bands at their edges -------------------------------------------------------------------


def test_a_total_below_every_band_gets_the_lowest_band(scheme):
    # a scheme built in code need not start its lowest band at 0 (a scheme file must)
    high = attrs.evolve(
        scheme,
        excellent_quota=None,
        grades=(attrs.evolve(scheme.grades[0], minimum=D(99)), attrs.evolve(scheme.grades[1], minimum=D(95))),
    )
    a = _run(high, ["100", "50", "0"])
    assert [r.grade for r in a.counties] == ["优秀", "良好", "良好"]


def test_quota_demotes_from_a_middle_band_to_the_one_below(scheme):
    # the province may call its quota band anything: here 合格 (third of four) is the quota grade
    middle = attrs.evolve(
        scheme,
        excellent_grade="合格",
        grades=(
            attrs.evolve(scheme.grades[0], minimum=D(99)),
            attrs.evolve(scheme.grades[1], minimum=D(98), below=D(99)),
            attrs.evolve(scheme.grades[2], minimum=D(90), below=D(98)),
            attrs.evolve(scheme.grades[3], below=D(90)),
        ),
    )
    a = _run(middle, ["50", "40", "30", "20"])  # 97, 96.4, 95.8, 95.2: all 合格 by band, 1 allowed
    assert [r.grade for r in a.counties] == ["合格", "不合格", "不合格", "不合格"]


def test_quota_on_the_lowest_band_has_nowhere_lower_to_go(scheme):
    lowest = attrs.evolve(
        scheme, excellent_grade="不合格", grades=(attrs.evolve(scheme.grades[3], below=None),)
    )
    a = _run(lowest, ["100", "50", "0", "20"])
    assert [r.grade for r in a.counties] == ["不合格"] * 4


def test_a_missing_value_keeps_the_cell_it_was_due_in():
    from minsheng import Provenance

    cell = Provenance(file="县.xlsx", sheet="表1", cell="E7")
    s, problems = score_indicator(ind(Rule.RATIO), "1", D(100), Value.missing(cell), "c")
    assert s.status is IndicatorStatus.MISSING and s.provenance == cell
    assert [(p.code, p.cell, p.county, p.indicator) for p in problems] == [("missing-value", "E7", "c", "x")]
    s, _ = score_indicator(ind(Rule.RATIO), "1", None, Value.missing(cell), "c")
    assert s.status is IndicatorStatus.NOT_APPLICABLE and s.provenance == cell and s.actual is None


def test_city_counts_two_counties_of_one_grade_as_two(scheme):
    free = attrs.evolve(scheme, excellent_quota=None)
    t = make_targets(["1", "2", "3"], free)
    subs = [make_submission(free, c, full_allocation(free)) for c in ("1", "2", "3")]
    (city,) = score(free, t, subs).cities
    assert city.grades == {"优秀": 3, "良好": 0, "合格": 0, "不合格": 0}


def test_city_target_sums_skip_a_county_without_any_allocation(scheme):
    t = make_targets(["1", "2"], scheme)
    t = attrs.evolve(t, allocations={"1": t.allocations["1"]})  # 2: no entry at all, so nothing assessed
    subs = [make_submission(scheme, c, full_allocation(scheme)) for c in ("1", "2")]
    a = score(scheme, t, subs)
    (city,) = a.cities
    assert city.targets["1.1"] == D(100) and city.totals["1.1"] == D(200)
    assert a.result("2").applicable_weight == D(12)  # only the fixed-rule indicators


# --- the run goes on past what it cannot use ---------------------------------------------------


def test_every_problem_of_a_run_is_located_for_its_county(scheme):
    from minsheng import InputFile, Provenance, Severity

    where = Provenance(file="九.xlsx", sheet="表1", cell="A1")
    good = attrs.evolve(make_submission(scheme, "2", full_allocation(scheme)), source=where)
    stray = attrs.evolve(make_submission(scheme, "9", full_allocation(scheme)), source=where)
    old = attrs.evolve(make_submission(scheme, "3", full_allocation(scheme)), year=2006, source=where)
    findings = [
        {"county": "8", "item": "criticized-by-province", "source": {"file": "督查.xlsx", "cell": "B2"}},
        {"county": "2", "item": "no-such-item", "source": {"file": "督查.xlsx", "cell": "B3"}},
        {"county": "2", "item": "criticized-by-province", "count": 2},
    ]
    inputs = [InputFile(path="九.xlsx", sha256="0" * 64, county="2")]
    a = score(
        scheme,
        make_targets(["1", "2", "3", "4"], scheme),
        [stray, good, old],
        findings=findings,
        failed=["1"],
    )
    assert [(p.code, p.severity, p.county, p.file, p.cell) for p in a.problems] == [
        ("unknown-county", Severity.ERROR, "9", "九.xlsx", "A1"),
        ("wrong-year", Severity.WARNING, "3", "九.xlsx", "A1"),
        ("unknown-county", Severity.ERROR, "8", "督查.xlsx", "B2"),
        ("unknown-finding", Severity.ERROR, "2", "督查.xlsx", "B3"),
        ("not-submitted", Severity.WARNING, "4", None, None),
    ]
    r = a.result("2")
    assert r.submission == where and r.total == D(96)
    assert [(d.item, d.name, d.count, d.points) for d in r.deductions] == [
        ("criticized-by-province", "被省通报批评", 2, D(4))
    ]
    assert a.result("3").total == D(100) and a.result("1").status is CountyStatus.FAILED
    assert score(scheme, make_targets(["2"], scheme), [good], inputs=inputs).inputs == tuple(inputs)


def test_a_duplicate_submission_is_located_for_its_county(scheme):
    from minsheng import Provenance

    subs = [
        attrs.evolve(make_submission(scheme, "1", full_allocation(scheme)), source=Provenance(file=f))
        for f in ("甲.xlsx", "乙.xlsx")
    ]
    a = score(
        scheme,
        make_targets(["1", "2"], scheme),
        [*subs, make_submission(scheme, "2", full_allocation(scheme))],
    )
    assert [(p.code, p.county, p.file) for p in a.problems] == [("duplicate-submission", "1", "甲.xlsx")]
    assert a.result("2").total == D(100)


def test_an_unknown_missing_policy_is_named_in_the_error(scheme):
    with pytest.raises(ValueError, match="maybe"):
        score(scheme, make_targets(["1"], scheme), [], missing="maybe")
