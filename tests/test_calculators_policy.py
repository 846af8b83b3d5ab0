"""The policy calculators against DOMAIN.md section 4, worked by hand (issue #19).

Each case is DOMAIN's formula with the speech's figures: 8.1 required = eligible × 200 × 12,
8.2 required = retirees × 80 × 6, 8.3 required = 0.4 · (50·m + 150·a) + (50·m_低保 + 150·a_低保),
9.1 = R_actual / R_plan; the score is w · min(rate / target, 1), rounded to 2 places half up only
at the end (DOMAIN section 3).
"""

import re
from decimal import Decimal as D
from pathlib import Path

import attrs
import pytest
from builders import make_submission, make_targets

from minsheng import (
    CountyStatus,
    IndicatorStatus,
    Provenance,
    SchemeError,
    Severity,
    Value,
    builtin_scheme_text,
    derive_actuals,
    parse_scheme,
    score,
)

FILE = "360102-东湖区-2007年民生工程报表.xlsx"


def at(cell):
    return Provenance(file=FILE, sheet="报表", cell=cell, plugin="standard-form")


def county(scheme, amounts, targets=None, drop=()):
    """County "1" meeting every target exactly, except that the ratios of the indicators named in
    ``amounts`` (and ``drop``) are left blank and their amounts reported instead, each at its own
    cell (E40, E41, …); ``None`` is a blank cell."""
    t = make_targets(["1"], scheme)
    alloc = dict(t.allocations["1"]) | (targets or {})
    t = attrs.evolve(t, allocations={"1": alloc})
    sub = make_submission(scheme, "1", alloc)
    values = dict(sub.values)
    codes = {k.split("/")[0] for k in amounts} | set(drop)
    for code in codes:
        values[code] = Value.missing(at(f"D{code}"))
    for n, (key, amount) in enumerate(amounts.items(), start=40):
        values[key] = Value.missing(at(f"E{n}")) if amount is None else Value.of(amount, at(f"E{n}"))
    return t, attrs.evolve(sub, values=values)


def run(scheme, amounts, targets=None, missing="zero"):
    t, sub = county(scheme, amounts, targets)
    a = score(scheme, t, [sub], missing=missing)
    return a, a.result("1")


def indicator(result, code):
    return next(s for s in result.indicators if s.code == code)


def codes(assessment, *wanted):
    return [(p.code, p.severity, p.indicator, p.cell) for p in assessment.problems if p.code in wanted]


# --------------------------------------------------------------------------------------------
# 1. The rate is not rounded; only the score is


def test_8_2_is_scored_from_the_exact_rate(scheme):
    # 1000 retirees × 80元 × 6 = 480,000元 due; target 95%
    for paid, points, why in [
        ("456000", "4.00", "exactly at the target: 95%"),
        ("418950", "3.68", "87.28125%: 4 × 87.28125 / 95 = 3.675 exactly → 3.68 (the rate rounded: 3.67)"),
        ("455430", "4.00", "94.88125%: 4 × 94.88125 / 95 = 3.995 exactly → 4.00 (rounded rate: 3.99)"),
        ("455429.99", "3.99", "just below that: 3.99499995… → 3.99"),
        ("500000", "4.00", "above the target: capped at the weight"),
    ]:
        _a, r = run(scheme, {"8.2/retirees": 1000, "8.2/paid": paid}, {"8.2": D(95)})
        s = indicator(r, "8.2")
        assert s.status is IndicatorStatus.SCORED
        assert s.actual == D(paid) / D(480_000) * 100, why
        assert s.score == D(points), why


def test_the_87_28125_case_keeps_every_digit(scheme):
    _a, r = run(scheme, {"8.2/retirees": 1000, "8.2/paid": 418_950}, {"8.2": D(95)})
    s = indicator(r, "8.2")
    assert s.actual == D("87.28125") and str(s.actual) == "87.28125"  # not 87.28
    assert s.ratio == D("0.9188")  # 0.91875 shown to 4 places (display only)
    assert s.score == D("3.68") and r.total == D("99.68")


def test_a_rate_that_does_not_terminate(scheme):
    # 3 retirees × 80 × 6 = 1,440元 due, 1,366.30元 paid: 94.881944…% (no finite decimal);
    # 4 × 94.881944… / 95 = 3.99503… → 4.00. Rounding the rate first (94.88%) gives 3.99.
    _a, r = run(scheme, {"8.2/retirees": 3, "8.2/paid": "1366.30"}, {"8.2": D(95)})
    s = indicator(r, "8.2")
    assert D("94.8819444") < s.actual < D("94.8819445")
    assert s.score == D("4.00")


def test_exact_even_where_28_digits_are_not_enough(scheme):
    # A province that weights 8.2 at 6 points, against a 64% target: a third of what is due paid,
    # 6 × (100/3) / 64 = 3.125 exactly → 3.13. With 28-digit decimals the third is 33.33…33 and
    # the score 3.1249…9 → 3.12; with the rate rounded to 33.33, 3.1246875 → 3.12.
    ind = attrs.evolve(scheme.indicator("8.2"), weight=D(6))
    groups = tuple(
        attrs.evolve(g, indicators=tuple(ind if i.code == "8.2" else i for i in g.indicators))
        for g in scheme.groups
    )
    six = attrs.evolve(scheme, groups=groups)
    _a, r = run(six, {"8.2/retirees": 1, "8.2/paid": 160}, {"8.2": D(64)})  # 160 of 480
    assert indicator(r, "8.2").score == D("3.13")


def test_pension_relief_and_medical_rates_are_exact_too(scheme):
    # 8.1: 10 × 200 × 12 = 24,000 due; 20,947.50 paid = 87.28125% → 3.68 against 95%
    _a, r = run(scheme, {"8.1/eligible": 10, "8.1/paid": "20947.50"}, {"8.1": D(95)})
    assert indicator(r, "8.1").score == D("3.68")
    # 8.3: 0.4 × (50×100 + 150×100) = 8,000 due; 6,982.50 paid = 87.28125% → 3.68
    _a, r = run(
        scheme,
        {
            "8.3/minors": 100,
            "8.3/adults": 100,
            "8.3/paid": "6982.50",
            "8.3/minors_dibao": 0,
            "8.3/adults_dibao": 0,
        },
        {"8.3": D(95)},
    )
    assert indicator(r, "8.3").score == D("3.68")
    # 9.1: 87.28125% of the planned revenue collected
    _a, r = run(
        scheme,
        {
            "9.1/revenue_plan": 320_000,
            "9.1/revenue_actual": 279_300,
            "9.1/expense_plan": 400_000,
            "9.1/expense_actual": 400_000,
            "9.1/policy_expense": 0,
        },
        {"9.1": D(95)},
    )
    assert indicator(r, "9.1").score == D("3.68")


# --------------------------------------------------------------------------------------------
# 2. Policy values are the scheme's, never the county's


def test_a_county_cannot_set_its_own_months(scheme):
    # 1000 retirees, 240,000元 paid. By policy 6 months are due (480,000元): 50% of a 100% target,
    # 2.00 points. Typing 3 months would have made it 100%.
    a, r = run(scheme, {"8.2/retirees": 1000, "8.2/paid": 240_000, "8.2/months": 3})
    s = indicator(r, "8.2")
    assert s.actual == D(50) and s.score == D("2.00")
    [p] = [p for p in a.problems if p.code == "policy-value-ignored"]
    assert p.severity is Severity.WARNING
    assert (p.file, p.sheet, p.cell, p.county, p.indicator) == (FILE, "报表", "E42", "1", "8.2/months")
    assert "3" in p.message and "6" in p.message and "执行月数" in p.message
    # the months it stated are no source of the rate
    assert [i.code for i in s.inputs] == ["8.2/retirees", "8.2/paid"]
    # stating the policy's own 6 months is no problem
    a, r = run(scheme, {"8.2/retirees": 1000, "8.2/paid": 480_000, "8.2/months": 6})
    assert indicator(r, "8.2").score == D("4.00")
    assert codes(a, "policy-value-ignored") == []


def test_months_of_pension_relief_are_the_schemes(scheme):
    # 10 eligible × 200 × 12 = 24,000 due; 12,000 paid is 50%, whatever months the county states
    a, r = run(scheme, {"8.1/eligible": 10, "8.1/paid": 12_000, "8.1/months": 6})
    assert indicator(r, "8.1").actual == D(50) and indicator(r, "8.1").score == D("2.00")
    assert codes(a, "policy-value-ignored") == [
        ("policy-value-ignored", Severity.WARNING, "8.1/months", "E42")
    ]


@pytest.mark.parametrize(
    ("key", "stated"),
    [("8.1/standard", 100), ("8.3/minor_rate", 40), ("8.3/adult_rate", 100), ("8.3/fiscal_share", "0.6")],
)
def test_any_stated_policy_value_that_differs_is_ignored_with_a_warning(scheme, key, stated):
    code = key.split("/")[0]
    amounts = {
        "8.1": {"8.1/eligible": 10, "8.1/paid": 24_000},
        "8.3": {
            "8.3/minors": 100,
            "8.3/adults": 100,
            "8.3/paid": 8000,
            "8.3/minors_dibao": 0,
            "8.3/adults_dibao": 0,
        },
    }[code]
    a, r = run(scheme, amounts | {key: stated})
    assert indicator(r, code).actual == D(100)  # computed with the scheme's figures
    assert [(c, s, i) for c, s, i, _ in codes(a, "policy-value-ignored")] == [
        ("policy-value-ignored", Severity.WARNING, key)
    ]


def test_the_policy_values_are_in_the_scheme_file(scheme):
    text = builtin_scheme_text()
    for key in ("standard = 200", "months = 12", "increase = 80", "months = 6", "minor_rate = 50"):
        assert key in text
    assert "fiscal_share = 0.4" in text and "personal_share = 0.6" in text
    assert "rebudget_policy_spending = 1" in text
    assert scheme.indicator("8.2").calculator_params == {"increase": D(80), "months": D(6)}
    assert scheme.indicator("8.1").calculator_params == {"standard": D(200), "months": D(12)}
    assert scheme.indicator("8.3").calculator_params == {
        "minor_rate": D(50),
        "adult_rate": D(150),
        "fiscal_share": D("0.4"),
        "personal_share": D("0.6"),
    }


def test_a_province_sets_the_policy_values_in_its_scheme(scheme):
    text = builtin_scheme_text().replace("months = 6 ", "months = 5 ")
    five = parse_scheme(text)
    _a, r = run(five, {"8.2/retirees": 1000, "8.2/paid": 400_000})  # 1000 × 80 × 5 = 400,000
    assert indicator(r, "8.2").actual == D(100)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("months = 6 ", "months = 13 ", "months"),
        ("months = 6 ", "months = 2.5 ", "months"),
        ("fiscal_share = 0.4", "fiscal_share = 0.5", "之和应为 1"),
        ("increase = 80", "increase = 80\nbonus_months = 1", "bonus_months"),
        ("minors_dibao = 0", "minors_dibao = -1", "minors_dibao"),
        ("minors_dibao = 0", "minors = 0", "minors"),
    ],
)
def test_bad_policy_values_in_a_scheme_file_are_reported(old, new, says):
    text = builtin_scheme_text()
    assert old in text
    with pytest.raises(SchemeError) as err:
        parse_scheme(text.replace(old, new, 1))
    assert any(p.code == "bad-parameter" and says in p.message for p in err.value.problems), err.value


def test_a_scheme_file_without_policy_values_has_the_speechs():
    text = re.sub(
        r"\[groups\.indicators\.calculator_params\]\n(?:[a-z_]+ = [^\n]*\n)+", "", builtin_scheme_text()
    )
    assert "[groups.indicators.calculator_params]" not in text
    bare = parse_scheme(text)
    assert bare.indicator("8.2").calculator_params == {"increase": D(80), "months": D(6)}
    assert bare.indicator("9.1").calculator_params == {"rebudget_policy_spending": D(1)}


# --------------------------------------------------------------------------------------------
# 3. 9.1 needs only the revenues


@pytest.mark.parametrize("blank", ["9.1/expense_plan", "9.1/expense_actual"])
def test_9_1_is_scored_from_revenues_with_an_expense_blank(scheme, blank):
    amounts = {
        "9.1/revenue_plan": 800,
        "9.1/revenue_actual": 700,
        "9.1/expense_plan": 1000,
        "9.1/expense_actual": 1000,
    }
    amounts[blank] = None
    a, r = run(scheme, amounts, missing="hold")
    s = indicator(r, "9.1")
    assert r.status is CountyStatus.SCORED  # not held back: nothing 9.1 needs is missing
    assert s.status is IndicatorStatus.SCORED and s.actual == D("87.5") and s.score == D("3.50")
    assert codes(a, "missing-value") == []
    cell = {"9.1/expense_plan": "E42", "9.1/expense_actual": "E43"}[blank]
    assert codes(a, "burden-input-missing") == [("burden-input-missing", Severity.WARNING, "9.1", cell)]


def test_9_1_with_no_expense_rows_at_all(scheme):
    _t, sub = county(scheme, {"9.1/revenue_plan": 800, "9.1/revenue_actual": 800})
    derived, problems = derive_actuals(scheme, sub)
    assert derived.values["9.1"].amount == D(100)
    assert [p.code for p in problems] == ["burden-input-missing"]
    # but the revenues it needs
    a, r = run(scheme, {"9.1/revenue_plan": 800, "9.1/revenue_actual": None, "9.1/expense_plan": 1000})
    assert indicator(r, "9.1").status is IndicatorStatus.MISSING
    [p] = [p for p in a.problems if p.code == "missing-value" and "测算" in p.message]
    assert "基金实际收入" in p.message and "基金支出预算" not in p.message


# --------------------------------------------------------------------------------------------
# 4. Nothing due is not assessed


@pytest.mark.parametrize(
    ("code", "amounts"),
    [
        ("8.1", {"8.1/eligible": 0, "8.1/paid": 0}),
        ("8.2", {"8.2/retirees": 0, "8.2/paid": 0}),
        (
            "8.3",
            {"8.3/minors": 0, "8.3/adults": 0, "8.3/paid": 0, "8.3/minors_dibao": 0, "8.3/adults_dibao": 0},
        ),
        (
            "9.1",
            {"9.1/revenue_plan": 0, "9.1/revenue_actual": 0, "9.1/expense_plan": 0, "9.1/expense_actual": 0},
        ),
    ],
)
@pytest.mark.parametrize("missing", ["zero", "hold"])
def test_nothing_due_is_not_assessed_and_the_weight_is_rescaled(scheme, code, amounts, missing):
    # 4 points not assessed: the other 96 are all earned, so the county scores 100 (100 × 96 / 96);
    # with 1.1 half done (3 of 6 points): 100 × 93 / 96 = 96.875 → 96.88
    t, sub = county(scheme, amounts | {"9.1/policy_expense": 0} if code == "9.1" else amounts)
    sub = attrs.evolve(sub, values=sub.values | {"1.1": Value.of(50)})
    a = score(scheme, t, [sub], missing=missing)
    r = a.result("1")
    s = indicator(r, code)
    assert s.status is IndicatorStatus.NOT_APPLICABLE and s.score == 0
    assert r.status is CountyStatus.SCORED
    assert r.applicable_weight == D(96) and r.raw_total == D(93)
    assert r.indicator_total == D("96.88") and r.total == D("96.88")
    assert codes(a, "missing-value", "not-applicable-refused") == []
    assert [(c, sev, i) for c, sev, i, _ in codes(a, "nothing-due")] == [("nothing-due", Severity.INFO, code)]


# --------------------------------------------------------------------------------------------
# 5. Blank is never zero, here too


MEDICAL = {"8.3/minors": 1000, "8.3/adults": 2000, "8.3/paid": 140_000}


def test_a_blank_dibao_count_takes_the_schemes_default_and_says_so(scheme):
    # 0.4 × (50×1000 + 150×2000) = 140,000 due, all paid; both 低保 rows blank → 0 by the scheme
    a, r = run(scheme, MEDICAL | {"8.3/minors_dibao": None, "8.3/adults_dibao": None})
    assert indicator(r, "8.3").actual == D(100)
    applied = [p for p in a.problems if p.code == "default-applied"]
    assert [(p.severity, p.indicator, p.file, p.sheet, p.cell) for p in applied] == [
        (Severity.INFO, "8.3/minors_dibao", FILE, "报表", "E43"),
        (Severity.INFO, "8.3/adults_dibao", FILE, "报表", "E44"),
    ]
    assert "低保未成年人数" in applied[0].message and "0" in applied[0].message
    # reported, they are used: + 50×100 + 150×100 = 20,000 in full: 160,000 due, 140,000 paid = 87.5%
    a, r = run(scheme, MEDICAL | {"8.3/minors_dibao": 100, "8.3/adults_dibao": 100})
    assert indicator(r, "8.3").actual == D("87.5") and codes(a, "default-applied") == []


def test_without_a_default_in_the_scheme_a_blank_dibao_count_is_missing(scheme):
    text = builtin_scheme_text().replace("minors_dibao = 0\nadults_dibao = 0\n", "")
    strict = parse_scheme(text)
    a, r = run(strict, MEDICAL | {"8.3/minors_dibao": None, "8.3/adults_dibao": 5})
    assert indicator(r, "8.3").status is IndicatorStatus.MISSING
    [p] = [p for p in a.problems if p.code == "missing-value" and "测算" in p.message]
    assert "低保未成年人数" in p.message and "低保成年人数" not in p.message


def test_a_blank_policy_spending_row_takes_the_default_and_says_so(scheme):
    amounts = {
        "9.1/revenue_plan": 800,
        "9.1/revenue_actual": 800,
        "9.1/expense_plan": 1000,
        "9.1/expense_actual": 1100,
        "9.1/policy_expense": None,
    }
    _t, sub = county(scheme, amounts)
    derived, problems = derive_actuals(scheme, sub)
    assert derived.values["9.1"].amount == D(100)
    assert [(p.code, p.severity, p.cell) for p in problems] == [("default-applied", Severity.INFO, "E44")]
    # re-budgeting switched off: the row is not used, so nothing is said about it
    off = parse_scheme(
        builtin_scheme_text().replace("rebudget_policy_spending = 1", "rebudget_policy_spending = 0")
    )
    derived, problems = derive_actuals(off, sub)
    assert derived.values["9.1"].amount == D(100) and problems == []


def test_blank_amounts_in_each_input_are_missing_values(scheme):
    strict = parse_scheme(builtin_scheme_text().replace("minors_dibao = 0\nadults_dibao = 0\n", ""))
    a, r = run(strict, MEDICAL | {"8.3/minors_dibao": 3, "8.3/adults_dibao": None})
    assert indicator(r, "8.3").status is IndicatorStatus.MISSING  # no default in the scheme
    for amounts, name in [
        ({"8.1/eligible": None, "8.1/paid": 100}, "应救助退休人员数"),
        ({"8.1/eligible": 10, "8.1/paid": None}, "实际发放救助金"),
        ({"8.2/retirees": None, "8.2/paid": 100}, "企业退休人员数"),
        ({"8.2/retirees": 10, "8.2/paid": None}, "实际发放调整金额"),
        ({"8.3/minors": None, "8.3/adults": 1, "8.3/paid": 1}, "参保未成年人数"),
        ({"8.3/minors": 1, "8.3/adults": None, "8.3/paid": 1}, "参保成年人数"),
        ({"8.3/minors": 1, "8.3/adults": 1, "8.3/paid": None}, "财政实际到位补助"),
        ({"9.1/revenue_plan": None, "9.1/revenue_actual": 1}, "基金收入预算"),
    ]:
        code = next(iter(amounts)).split("/")[0]
        a, r = run(scheme, amounts)
        assert indicator(r, code).status is IndicatorStatus.MISSING, amounts
        [p] = [p for p in a.problems if p.code == "missing-value" and "测算" in p.message]
        assert name in p.message, amounts


# --------------------------------------------------------------------------------------------
# The page that explains the parameters


def test_docs_scheme_page_explains_every_policy_parameter(scheme):
    page = (Path(__file__).parent.parent / "docs" / "scheme.md").read_text(encoding="utf-8")
    assert "## 政策参数" in page
    section = page.split("## 政策参数", 1)[1]
    for ind in scheme.indicators:
        for key in ind.calculator_params:
            assert f"`{key}`" in section, key
        for key in ind.calculator_defaults:
            assert f"`{key}`" in section, key
    for code in ("policy-value-ignored", "default-applied", "nothing-due", "burden-input-missing"):
        assert code in page


def test_scheme_show_lists_the_policy_values():
    from click.testing import CliRunner

    from minsheng.cli import main

    r = CliRunner().invoke(main, ["scheme", "show"])
    assert r.exit_code == 0, r.output
    assert "执行月数 6月（months）" in r.output and "救助月数 12月（months）" in r.output
    assert "财政补助比例 0.4（fiscal_share）" in r.output and "低保未成年人数 0人（minors_dibao）" in r.output


def test_a_negative_amount_is_a_problem_at_its_cell(scheme):
    from minsheng.checks import check_submission

    t, sub = county(scheme, {"8.2/retirees": 1000, "8.2/paid": -5})
    problems = check_submission(scheme, sub, t.allocations["1"])
    assert [(p.code, p.severity, p.indicator, p.cell) for p in problems] == [
        ("negative-value", Severity.ERROR, "8.2/paid", "E41")
    ]


@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN"])
def test_an_amount_is_a_finite_number(raw):
    # scoring is exact (fractions), and a fraction has no infinity: a value that is not a number is
    # refused where it is made (a plugin that makes one costs only its own county)
    with pytest.raises(ValueError, match="finite"):
        Value.of(raw)
