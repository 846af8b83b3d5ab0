"""The policy calculators' inputs as scoring reads them (scoring.derive._derive), pinned: a county's
policy figure that the scheme overrides, a blank optional input read as the scheme's default, a
blank detail of 9.1, and nothing due. Each problem's code, severity, county, indicator and cell.
Fast: values built in memory."""

from decimal import Decimal as D

import attrs
from builders import full_allocation, make_submission

from minsheng import Provenance, Severity, Value, ValueStatus
from minsheng.scoring.derive import _derive, _number

SOURCE = Provenance(file="县.xlsx")


def cell(ref):
    return Provenance(file="县.xlsx", sheet="表8", cell=ref)


def derive(scheme, code, **inputs):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != code}
    for key, (amount, ref) in inputs.items():
        values[f"{code}/{key}"] = Value.missing(cell(ref)) if amount is None else Value.of(amount, cell(ref))
    return _derive(scheme, attrs.evolve(sub, values=values, source=SOURCE))


def found(derived):
    return [(p.code, p.severity, p.county, p.indicator, p.cell) for p in derived.problems]


def test_a_policy_figure_typed_by_the_county_is_overridden_with_a_warning(scheme):
    d = derive(scheme, "8.2", retirees=(3, "D5"), paid=(1440, "D6"), months=(5, "D7"))
    assert found(d) == [("policy-value-ignored", Severity.WARNING, "1", "8.2/months", "D7")]
    assert d.submission.values["8.2"].amount == 100  # 3 × 80 × 6 = 1,440 due: the scheme's 6 months
    d = derive(scheme, "8.2", retirees=(3, "D5"), paid=(1440, "D6"), months=(6, "D7"))
    assert found(d) == []


def test_blank_optional_inputs_take_the_schemes_default_with_a_note_at_their_cell(scheme):
    d = derive(
        scheme,
        "8.3",
        minors=(10, "D5"),
        adults=(10, "D6"),
        paid=(800, "D7"),
        minors_dibao=(None, "D8"),
        adults_dibao=(None, "D9"),
    )
    assert found(d) == [
        ("default-applied", Severity.INFO, "1", "8.3/minors_dibao", "D8"),
        ("default-applied", Severity.INFO, "1", "8.3/adults_dibao", "D9"),
    ]
    v = d.submission.values["8.3"]
    assert v.status is ValueStatus.REPORTED and v.amount == 100  # 10 × 50 × 0.4 + 10 × 150 × 0.4 = 800
    assert v.provenance == cell("D7")  # located at what was paid
    assert d.exact["8.3"] == 100


def test_a_blank_required_input_is_missing_at_the_first_input(scheme):
    d = derive(scheme, "8.3", minors=(10, "D5"), adults=(None, "D6"), paid=(800, "D7"))
    assert found(d) == [("missing-value", Severity.ERROR, "1", "8.3", "D5")]
    assert "8.3" not in d.submission.values and "8.3" not in d.exact


#: 9.1's figures as a county reports them (收入 planned and actual, 支出 planned and actual), 政策性支出 blank
FUND = {
    "revenue_plan": (100, "D5"),
    "revenue_actual": (90, "D6"),
    "expense_plan": (80, "D7"),
    "expense_actual": (70, "D8"),
    "policy_expense": (None, "D9"),
}


def test_a_blank_detail_of_91_is_a_warning_and_9_1_is_scored_from_revenue(scheme):
    d = derive(
        scheme,
        "9.1",
        **(FUND | {"expense_plan": (None, "D7"), "expense_actual": (50, "D8")}),
    )
    # the default for the blank policy_expense is not applied while a detail is missing anyway
    assert found(d) == [("burden-input-missing", Severity.WARNING, "1", "9.1", "D7")]
    assert d.submission.values["9.1"].amount == 90 and d.submission.values["9.1"].provenance == cell("D6")
    d = derive(
        scheme,
        "9.1",
        **(FUND | {"expense_actual": (None, "D8")}),
    )
    assert found(d) == [("burden-input-missing", Severity.WARNING, "1", "9.1", "D8")]
    d = derive(
        scheme,
        "9.1",
        **FUND,
    )
    assert found(d) == [("default-applied", Severity.INFO, "1", "9.1/policy_expense", "D9")]


def test_nothing_due_is_not_assessed_at_the_paid_cell(scheme):
    d = derive(scheme, "8.2", retirees=(0, "D5"), paid=(0, "D6"))
    assert found(d) == [("nothing-due", Severity.INFO, "1", "8.2", "D6")]
    v = d.submission.values["8.2"]
    assert v.status is ValueStatus.NOT_APPLICABLE and v.provenance == cell("D6")
    assert "8.2" in d.nothing_due and "8.2" not in d.exact
    d = derive(scheme, "8.2", retirees=(0, "D5"), paid=(5, "D6"))
    assert "5" in d.problems[0].message  # what was paid although nothing was due is named


def test_numbers_in_messages_drop_trailing_zeros_of_whole_numbers_only():
    assert _number(D("6.00")) == "6"
    assert _number(D("1E+2")) == "100"
    assert _number(D("0.50")) == "0.50"
    assert _number(D("12.5")) == "12.5"
    assert _number(D("1E-7")) == "0.0000001"


def test_a_default_for_an_input_not_in_the_report_at_all_is_located_at_the_report(scheme):
    d = derive(scheme, "8.3", minors=(10, "D5"), adults=(10, "D6"), paid=(800, "D7"))
    assert found(d) == [
        ("default-applied", Severity.INFO, "1", "8.3/minors_dibao", None),
        ("default-applied", Severity.INFO, "1", "8.3/adults_dibao", None),
    ]
    assert {p.file for p in d.problems} == {"县.xlsx"}


def _without_defaults(scheme, code, **changes):
    changes = {"calculator_defaults": {}, **changes}
    groups = tuple(
        attrs.evolve(
            g, indicators=tuple(attrs.evolve(i, **changes) if i.code == code else i for i in g.indicators)
        )
        for g in scheme.groups
    )
    return attrs.evolve(scheme, groups=groups)


def test_a_blank_optional_detail_without_a_default_is_a_missing_detail(scheme):
    d = derive(
        _without_defaults(scheme, "9.1"),
        "9.1",
        **FUND,
    )
    assert found(d) == [("burden-input-missing", Severity.WARNING, "1", "9.1", "D9")]


def test_a_blank_optional_amount_without_a_default_is_missing(scheme):
    d = derive(
        _without_defaults(scheme, "8.3"),
        "8.3",
        minors=(10, "D5"),
        adults=(10, "D6"),
        paid=(800, "D7"),
        minors_dibao=(None, "D8"),
        adults_dibao=(3, "D9"),
    )
    assert found(d) == [("missing-value", Severity.ERROR, "1", "8.3", "D5")]
    assert "8.3" not in d.submission.values


def test_policy_spending_not_rebudgeted_is_not_asked_for(scheme):
    params = {**scheme.indicator("9.1").calculator_params, "rebudget_policy_spending": D(0)}
    d = derive(
        _without_defaults(scheme, "9.1", calculator_params=params),
        "9.1",
        **FUND,
    )
    assert found(d) == []
    assert d.submission.values["9.1"].amount == 90
