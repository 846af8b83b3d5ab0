"""Every scoring rule and its edges (DOMAIN.md section 3), on hand-built indicators."""

from decimal import Decimal as D

import pytest

from minsheng import (
    Bonus,
    Condition,
    Indicator,
    IndicatorStatus,
    Provenance,
    Rule,
    Step,
    Value,
    rule_score,
    score_indicator,
)
from minsheng.scoring.rules import _ABSENT


def ind(rule: Rule, weight="6", **kw) -> Indicator:
    return Indicator(code="x", name="测试指标", unit="人", rule=rule, weight=D(weight), **kw)


RATIO = ind(Rule.RATIO)
LOAN = ind(Rule.RATIO, "5", bonus=Bonus(step=D("0.1"), per_step=D("0.5"), cap=D("2")))


@pytest.mark.parametrize(
    "target, actual, expected",
    [
        ("100", "100", "6.00"),
        ("100", "50", "3.00"),
        ("100", "150", "6.00"),  # above target: capped at the weight
        ("3", "1", "2.00"),
        ("3", "2", "4.00"),
        ("7", "1", "0.86"),  # 0.857… rounds half up
        ("1000", "1", "0.01"),  # 0.006 rounds to 0.01
        ("100", "0", "0.00"),
        ("100", "-5", "0.00"),  # a negative actual never scores below 0
    ],
)
def test_ratio(target, actual, expected):
    s, bonus, _ = rule_score(RATIO, D(target), D(actual))
    assert s == D(expected)
    assert bonus == 0


def test_ratio_rounds_half_up_not_to_even():
    # w·r = 0.125 exactly → 0.13 half up (banker's rounding would give 0.12)
    s, _, _ = rule_score(ind(Rule.RATIO, "1"), D("8"), D("1"))
    assert s == D("0.13")


@pytest.mark.parametrize(
    "actual, score, bonus",
    [
        ("100", "5.00", "0.00"),
        ("109", "5.00", "0.00"),  # 9% above: no full step
        ("110", "5.00", "0.50"),  # one full 10% step
        ("125", "5.00", "1.00"),
        ("139.99", "5.00", "1.50"),  # three full steps, not four
        ("140", "5.00", "2.00"),  # cap reached
        ("400", "5.00", "2.00"),  # cap holds
        ("80", "4.00", "0.00"),
    ],
)
def test_ratio_with_bonus(actual, score, bonus):
    s, b, _ = rule_score(LOAN, D("100"), D(actual))
    assert (s, b) == (D(score), D(bonus))


def test_steps():
    steps = ind(
        Rule.STEPS, "10", steps=(Step(D("1"), D("1")), Step(D("0.8"), D("0.6")), Step(D("0.5"), D("0.3")))
    )
    assert rule_score(steps, D(100), D(100))[0] == D("10.00")
    assert rule_score(steps, D(100), D(99))[0] == D("6.00")
    assert rule_score(steps, D(100), D(80))[0] == D("6.00")
    assert rule_score(steps, D(100), D(50))[0] == D("3.00")
    assert rule_score(steps, D(100), D(49))[0] == D("0.00")


@pytest.mark.parametrize(
    "target, actual, expected",
    [
        ("4.5", "4.5", "4.00"),
        ("4.5", "3.0", "4.00"),  # lower is better
        ("4.5", "4.95", "3.60"),  # 10% above the ceiling: 4 × 0.9
        ("4.5", "9", "0.00"),  # double the ceiling: nothing
        ("4.5", "20", "0.00"),  # never negative
        ("0", "0", "4.00"),
        ("0", "1", "0.00"),
    ],
)
def test_ceiling(target, actual, expected):
    s, _, _ = rule_score(ind(Rule.CEILING, "4"), D(target), D(actual))
    assert s == D(expected)


def test_binary_conditions():
    zero_families = ind(Rule.BINARY, "3", condition=Condition.LE, threshold=D(0))
    assert rule_score(zero_families, None, D(0))[0] == D("3.00")
    assert rule_score(zero_families, None, D(1))[0] == 0
    hundred = ind(Rule.BINARY, "2", condition=Condition.EQ, threshold=D(100))
    assert rule_score(hundred, None, D(100))[0] == D("2.00")
    assert rule_score(hundred, None, D("99.9"))[0] == 0
    at_least_target = ind(Rule.BINARY, "2", condition=Condition.GE)
    assert rule_score(at_least_target, D(50), D(50))[0] == D("2.00")
    assert rule_score(at_least_target, D(50), D(49))[0] == 0


@pytest.mark.parametrize(
    "count, expected", [("0", "3.00"), ("1", "2.50"), ("5", "0.50"), ("6", "0.00"), ("40", "0.00")]
)
def test_deduct_until_nothing_left(count, expected):
    late = ind(Rule.DEDUCT, "3", per_unit=D("0.5"))
    assert rule_score(late, None, D(count))[0] == D(expected)


def test_veto_indicator_marks_veto_and_scores_nothing():
    v = ind(Rule.VETO, "0")
    s, _ = score_indicator(v, "7", _ABSENT, Value.of(1), "c")
    assert s.veto and s.score == 0 and s.status is IndicatorStatus.SCORED
    s, _ = score_indicator(v, "7", _ABSENT, Value.of(0), "c")
    assert not s.veto


# --- applicability and missing values --------------------------------------------------------


def test_target_zero_on_ratio_is_not_applicable():
    s, problems = score_indicator(RATIO, "1", D(0), Value.of(10), "c")
    assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []


def test_no_target_is_not_applicable():
    for target in (None, _ABSENT):
        s, _ = score_indicator(RATIO, "1", target, None, "c")
        assert s.status is IndicatorStatus.NOT_APPLICABLE


def test_fixed_threshold_rules_need_no_target():
    late = ind(Rule.DEDUCT, "3", per_unit=D("0.5"))
    s, _ = score_indicator(late, "6", _ABSENT, Value.of(2), "c")
    assert s.status is IndicatorStatus.SCORED and s.score == D("2.00")
    # …but an explicit "—" in the targets still exempts the county
    s, _ = score_indicator(late, "6", None, Value.of(2), "c")
    assert s.status is IndicatorStatus.NOT_APPLICABLE


def test_blank_is_missing_never_zero():
    s, problems = score_indicator(RATIO, "1", D(100), Value.missing(), "c")
    assert s.status is IndicatorStatus.MISSING
    assert [p.code for p in problems] == ["missing-value"]
    # the same for an indicator the county did not report at all
    s, problems = score_indicator(RATIO, "1", D(100), None, "c")
    assert s.status is IndicatorStatus.MISSING and problems[0].code == "missing-value"
    # and for a deduction, where a silent 0 would give full marks
    late = ind(Rule.DEDUCT, "3", per_unit=D("0.5"))
    s, problems = score_indicator(late, "6", _ABSENT, None, "c")
    assert s.status is IndicatorStatus.MISSING and s.score == 0 and problems[0].code == "missing-value"


def test_not_applicable_claimed_against_a_target_is_refused():
    s, problems = score_indicator(RATIO, "1", D(100), Value.not_applicable(raw="—"), "c")
    assert s.status is IndicatorStatus.MISSING
    assert [(p.code, p.severity.value) for p in problems] == [("not-applicable-refused", "error")]


@pytest.mark.parametrize(
    "rule",
    [
        ind(Rule.BINARY, "2", condition=Condition.EQ, threshold=D(100)),
        ind(Rule.CEILING, "4"),
        ind(Rule.DEDUCT, "3", per_unit=D("0.5")),
        ind(Rule.VETO, "0"),
    ],
    ids=["binary-threshold", "ceiling", "deduct", "veto"],
)
def test_a_county_cannot_drop_what_it_owes_with_a_dash(rule):
    """#12 item 2: "—" from a county on a deduct, veto or fixed-threshold rule is refused, scored blank."""
    target = D("4.5") if rule.rule is Rule.CEILING else _ABSENT
    dash = Value.not_applicable(Provenance(file="a.xlsx", sheet="报表", cell="E20"), raw="—")
    s, problems = score_indicator(rule, "2", target, dash, "c")
    assert s.status is IndicatorStatus.MISSING and s.score == 0
    assert [(p.code, p.severity.value, p.cell) for p in problems] == [
        ("not-applicable-refused", "error", "E20")
    ]


def test_only_the_province_makes_an_indicator_not_applicable():
    """A 不考核 in the targets workbook (None) is skipped and rescaled; the county's "—" then agrees."""
    agreed = ind(Rule.BINARY, "2", condition=Condition.EQ, threshold=D(100))
    for value in (Value.not_applicable(raw="—"), None, Value.of(100)):
        s, problems = score_indicator(agreed, "2", None, value, "c")
        assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []
    s, problems = score_indicator(RATIO, "1", None, Value.not_applicable(raw="—"), "c")
    assert s.status is IndicatorStatus.NOT_APPLICABLE and problems == []


def test_ratio_is_kept_to_four_places():
    s, _ = score_indicator(RATIO, "1", D(3), Value.of(2), "c")
    assert s.ratio == D("0.6667")
