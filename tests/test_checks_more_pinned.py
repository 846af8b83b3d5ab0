"""More of minsheng.checks pinned at its edges: a file with no indicator value, negative inputs of a
policy calculator, the median of the other counties, and the office's lateness finding (which date
it counts from, where it is located, when it is kept). Fast: values built in memory."""

import datetime as dt
import statistics
from decimal import Decimal as D

import attrs
from builders import full_allocation, make_submission

from minsheng import (
    County,
    CountyResult,
    CountyStatus,
    Provenance,
    Receipt,
    Severity,
    Submission,
    Value,
    ValueStatus,
)
from minsheng.checks import OFFICE, _median_without, check_submission, lateness, no_values, self_scored

CELL = Provenance(file="县.xlsx", sheet="表1", cell="F12")
SOURCE = Provenance(file="/收文/南昌县.xlsx", plugin="jx-county")
DEADLINE = dt.date(2008, 1, 10)


# --- no indicator values -------------------------------------------------------------------------


def _sub(values, source=SOURCE, **kw):
    return Submission(county="1", year=2007, values=values, source=source, **kw)


def test_a_file_with_every_indicator_blank_is_an_error_at_the_file(scheme):
    sub = _sub({"1.1": Value.missing(CELL), "8.1/paid": Value.missing(CELL), "X.9": Value.of(5)})
    p = no_values(scheme, sub)
    assert p is not None
    assert (p.code, p.severity, p.county, p.indicator) == ("no-indicator-values", Severity.ERROR, "1", None)
    assert (p.file, p.plugin) == ("/收文/南昌县.xlsx", "jx-county")
    assert "南昌县.xlsx" in p.message and "/收文/" not in p.message  # the file's name, not its folder
    assert "jx-county" in p.message  # names the plugin that claimed the file


def test_a_file_without_a_name_or_plugin_still_gets_the_problem(scheme):
    p = no_values(scheme, _sub({}, source=Provenance()))
    assert p is not None and p.code == "no-indicator-values" and p.file is None
    assert "插件“" not in p.message  # read without a plugin: none is named


def test_one_reported_indicator_is_enough(scheme):
    assert no_values(scheme, _sub({"1.1": Value.of(3)})) is None
    assert no_values(scheme, _sub({"1.1": Value.of(3), "1.2": Value.missing()})) is None
    assert no_values(scheme, _sub({"6.1": Value.not_applicable()})) is None  # 不适用 is a value read


def test_one_reported_calculator_input_is_enough(scheme):
    assert no_values(scheme, _sub({"8.1/paid": Value.of(100)})) is None


def test_values_of_codes_outside_the_scheme_do_not_count(scheme):
    assert no_values(scheme, _sub({"X.9": Value.of(5), "X.9/paid": Value.of(5)})) is not None


# --- negative inputs of a policy calculator --------------------------------------------------------


def _with(scheme, **values):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    return attrs.evolve(sub, values={**sub.values, **values})


def test_a_negative_calculator_input_is_an_error_at_its_cell(scheme):
    sub = _with(scheme, **{"8.1/paid": Value.of("-5", CELL), "8.1/eligible": Value.of(3)})
    problems = [
        p for p in check_submission(scheme, sub, full_allocation(scheme)) if p.code == "negative-value"
    ]
    assert [(p.code, p.severity, p.county, p.indicator, p.cell) for p in problems] == [
        ("negative-value", Severity.ERROR, "1", "8.1/paid", "F12")
    ]
    sub = _with(scheme, **{"9.1/policy_expense": Value.of("-0.01", CELL)})
    assert [p.indicator for p in check_submission(scheme, sub, full_allocation(scheme))] == [
        "9.1/policy_expense"
    ]


def test_zero_small_and_blank_calculator_inputs_are_fine(scheme):
    for v in (Value.of(0), Value.of("0.5"), Value.missing(CELL)):
        sub = _with(scheme, **{"8.1/paid": v, "8.3/minors": v})
        assert check_submission(scheme, sub, full_allocation(scheme)) == [], v


def test_a_negative_target_is_never_implausible(scheme):
    sub = _with(scheme, **{"5.1": Value.of(1)})
    assert check_submission(scheme, sub, {**full_allocation(scheme), "5.1": D(-10)}) == []


# --- the median of the other counties ---------------------------------------------------------------


def test_median_without_each_element():
    for n in range(2, 9):
        ordered = [D(2**i) for i in range(n)]
        for k in range(n):
            rest = ordered[:k] + ordered[k + 1 :]
            assert _median_without(ordered, k) == statistics.median(rest), (n, k)


# --- the office's lateness finding -------------------------------------------------------------------


def _late_sub(scheme, claimed=None, reported_on=None, submitted_on=None):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "6.2"}
    if claimed is not None:
        values["6.2"] = claimed
    return attrs.evolve(
        sub,
        values=values,
        reporter=attrs.evolve(sub.reporter, date=reported_on),
        submitted_on=submitted_on,
        source=SOURCE,
    )


def _finding(days):
    return Value(ValueStatus.REPORTED, D(days), SOURCE, raw=f"{OFFICE}按报出日期计算")


def test_the_finding_names_the_date_it_counts_from(scheme):
    late = DEADLINE + dt.timedelta(days=2)
    out, problems = lateness(scheme, _late_sub(scheme, submitted_on=late), DEADLINE)
    assert "按报出日期" in out.values["6.2"].raw and problems[0].message.startswith("报出日期")
    out, problems = lateness(scheme, _late_sub(scheme, reported_on=late), DEADLINE)
    assert "按填报日期" in out.values["6.2"].raw and problems[0].message.startswith("填报日期")
    receipt = Receipt(late, CELL)
    out, problems = lateness(scheme, _late_sub(scheme, reported_on=DEADLINE), DEADLINE, receipt)
    assert "收文登记" in out.values["6.2"].raw and problems[0].message.startswith("收文登记")
    assert (out.values["6.2"].amount, out.values["6.2"].provenance, problems[0].cell) == (D(2), CELL, "F12")


def test_an_ignored_claim_is_located_at_the_claim_and_names_the_basis(scheme):
    sub = _late_sub(scheme, Value.of(0, CELL), submitted_on=DEADLINE + dt.timedelta(days=4))
    _, problems = lateness(scheme, sub, DEADLINE)
    ignored = [p for p in problems if p.code == "lateness-claim-ignored"]
    assert [(p.severity, p.county, p.indicator, p.cell) for p in ignored] == [
        (Severity.WARNING, "1", "6.2", "F12")
    ]
    assert "按报出日期计算为 4 天" in ignored[0].message


def test_an_earlier_finding_is_kept_only_without_a_deadline_and_a_receipt(scheme):
    sub = _late_sub(scheme, _finding(5), submitted_on=DEADLINE + dt.timedelta(days=2))
    assert lateness(scheme, sub, None) == (sub, [])
    # with a deadline it is found again from the facts, and an earlier finding is no county claim
    out, problems = lateness(scheme, sub, DEADLINE)
    assert out.values["6.2"].amount == D(2) and [p.code for p in problems] == ["late-submission"]
    # a receipt without a deadline: the finding is not kept, the days cannot be counted
    out, problems = lateness(scheme, sub, None, Receipt(DEADLINE, CELL))
    assert out.values["6.2"].status is ValueStatus.MISSING and problems == []


def test_a_missing_finding_says_why_and_where(scheme):
    typed = _late_sub(scheme, Value.of(1, CELL), submitted_on=DEADLINE)
    out, _ = lateness(scheme, typed, None)
    found = out.values["6.2"]
    assert found.status is ValueStatus.MISSING and found.provenance == CELL
    assert "未指定报送截止日期" in found.raw and "收文登记中没有该县" not in found.raw
    out, _ = lateness(scheme, _late_sub(scheme), DEADLINE)
    found = out.values["6.2"]
    assert found.provenance == SOURCE  # nothing claimed: the report itself
    assert "收文登记中没有该县" in found.raw and "未指定报送截止日期" not in found.raw


# --- the 自评总分 compared ----------------------------------------------------------------------------


def test_self_scored_adds_the_bonus():
    county = County("1", "1县", "3601", "南昌市")
    result = CountyResult(county, CountyStatus.SCORED, indicator_total=D(90), bonus=D(3), total=D(93))
    assert self_scored(result) == D(93)
    assert self_scored(attrs.evolve(result, total=None)) is None
