"""Checks between reading and scoring."""

import datetime as dt
from decimal import Decimal as D

import attrs
import pytest
from builders import full_allocation, make_submission, make_targets

from minsheng import Finding, Provenance, Receipt, Reporter, Value, ValueStatus, score
from minsheng.checks import apply_deadline, check_outliers, check_self_scores, check_submission, lateness

CELL = Provenance(file="县.xlsx", sheet="表1", cell="F12")


def test_parts_above_their_total(scheme):
    sub = make_submission(
        scheme,
        "1",
        full_allocation(scheme),
        **{"3.2": Value.of(100, CELL), "3.2.1": "60", "3.2.2": "30", "3.2.3": "20"},
    )
    problems = check_submission(scheme, sub, full_allocation(scheme))
    assert [(p.code, p.cell, p.indicator) for p in problems] == [("parts-exceed-total", "F12", "3.2")]
    ok = make_submission(
        scheme, "1", full_allocation(scheme), **{"3.2": "110", "3.2.1": "60", "3.2.2": "30", "3.2.3": "20"}
    )
    assert check_submission(scheme, ok, full_allocation(scheme)) == []


def test_negative_and_implausible(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": Value.of(-3, CELL), "1.2": "301"})
    codes = [(p.code, p.severity.value) for p in check_submission(scheme, sub, full_allocation(scheme))]
    assert codes == [("negative-value", "error"), ("implausible-value", "warning")]


def test_outlier_against_the_other_counties(scheme):
    codes = [str(i) for i in range(1, 8)]
    subs = [make_submission(scheme, c, full_allocation(scheme)) for c in codes]
    subs[3] = make_submission(scheme, "4", full_allocation(scheme), **{"4.3": Value.of(600, CELL)})
    problems = check_outliers(scheme, subs, make_targets(codes, scheme))
    assert [(p.code, p.county, p.indicator) for p in problems] == [("outlier-value", "4", "4.3")]


def _without_dates(scheme, **values):
    sub = make_submission(scheme, "1", full_allocation(scheme), **values)
    return attrs.evolve(sub, submitted_on=None)


def test_deadline_gives_days_late_from_the_report_date(scheme):
    sub = attrs.evolve(_without_dates(scheme), reporter=Reporter(date=dt.date(2008, 1, 14)))
    sub = attrs.evolve(sub, values={k: v for k, v in sub.values.items() if k != "6.2"})
    out, problems = apply_deadline(scheme, sub, dt.date(2008, 1, 10))
    assert out.values["6.2"].amount == D(4)
    assert [p.code for p in problems] == ["late-submission"]
    on_time, problems = apply_deadline(
        scheme, attrs.evolve(sub, submitted_on=dt.date(2008, 1, 9)), dt.date(2008, 1, 10)
    )
    assert on_time.values["6.2"].amount == 0 and problems == []


@pytest.mark.parametrize("typed", [Value.of(0, CELL), Value.not_applicable(CELL, raw="—"), Value.of(1, CELL)])
def test_what_the_county_typed_never_lowers_the_days(scheme, typed):
    """#12 item 1: 6.2 is the office's finding; a typed 0, "—" or 1 is a warning at its cell."""
    sub = attrs.evolve(_without_dates(scheme, **{"6.2": typed}), submitted_on=dt.date(2008, 1, 14))
    out, problems = lateness(scheme, sub, dt.date(2008, 1, 10))
    assert out.values["6.2"].amount == D(4)
    claim = [p for p in problems if p.code == "lateness-claim-ignored"]
    assert [(p.cell, p.severity.value) for p in claim] == [("F12", "warning")]
    assert (
        "4 天" in claim[0].message
        and (str(typed.amount) if typed.amount is not None else "—") in claim[0].message
    )


def test_the_receipt_register_wins_over_the_report_date(scheme):
    register = Provenance(file="目标任务表.xlsx", sheet="收文登记", cell="C5")
    sub = attrs.evolve(_without_dates(scheme, **{"6.2": Value.of(0, CELL)}), submitted_on=dt.date(2008, 1, 8))
    out, problems = lateness(scheme, sub, dt.date(2008, 1, 10), Receipt(dt.date(2008, 1, 13), register))
    assert out.values["6.2"].amount == D(3) and out.values["6.2"].provenance == register
    assert sorted(p.code for p in problems) == ["late-submission", "lateness-claim-ignored"]
    assert next(p for p in problems if p.code == "late-submission").cell == "C5"


def test_without_a_deadline_or_a_date_days_late_are_missing(scheme):
    sub = _without_dates(scheme, **{"6.2": Value.of(0, CELL)})
    for deadline in (None, dt.date(2008, 1, 10)):
        out, _ = lateness(scheme, sub, deadline)
        assert out.values["6.2"].status is ValueStatus.MISSING
        a = score(scheme, make_targets(["1"], scheme), [sub], deadline=deadline)
        if deadline is None:
            a = score(scheme, attrs.evolve(make_targets(["1"], scheme), deadline=None), [sub])
        s62 = next(s for s in a.result("1").indicators if s.code == "6.2")
        assert s62.status.value == "missing" and s62.score == 0
        missing = [p for p in a.problems if p.code == "missing-value"]
        assert [p.indicator for p in missing] == ["6.2"] and "无法计算逾期天数" in missing[0].message


def test_the_api_and_the_targets_give_the_same_total(scheme):
    """score(deadline=, received=) and the same facts carried by the targets agree."""
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"6.2": Value.of(0, CELL)})
    t = attrs.evolve(make_targets(["1"], scheme), deadline=None)
    by_api = score(scheme, t, [sub], deadline=dt.date(2008, 1, 10), received={"1": dt.date(2008, 1, 16)})
    carried = attrs.evolve(t, deadline=dt.date(2008, 1, 10), receipts={"1": Receipt(dt.date(2008, 1, 16))})
    by_targets = score(scheme, carried, [sub])
    assert by_api.result("1").total == by_targets.result("1").total == D("97.00")
    # the pipeline may have computed 6.2 already (apply_deadline): scoring keeps the office's finding
    pre, _ = lateness(scheme, sub, dt.date(2008, 1, 10), Receipt(dt.date(2008, 1, 16)))
    assert score(scheme, t, [pre]).result("1").total == D("97.00")


def test_the_scheme_marks_its_lateness_indicator(scheme):
    assert scheme.lateness_indicator.code == "6.2"
    from minsheng.scheme import builtin_scheme_text, parse_scheme

    text = builtin_scheme_text().replace("lateness = true", "")
    assert parse_scheme(text).lateness_indicator is None
    # another indicator may be the lateness indicator: only the marker counts, not the code 6.2
    moved = (
        builtin_scheme_text()
        .replace("lateness = true", "")
        .replace("per_unit = 2\nweight = 2\n", "per_unit = 2\nweight = 2\nlateness = true\n")
    )
    other = parse_scheme(moved).lateness_indicator
    assert other is not None and other.code == "9.3"


def test_self_score_mismatch(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": "50"})
    sub = attrs.evolve(sub, self_scores={"1.1": D("6"), "1.2": D("4")}, self_total=D("100"))
    a = score(scheme, make_targets(["1"], scheme), [sub])
    problems = check_self_scores(a)
    assert [(p.code, p.indicator) for p in problems] == [
        ("self-score-mismatch", "1.1"),
        ("self-score-mismatch", None),
    ]


SELF = Provenance(file="县.xlsx", sheet="表1", cell="G8")
TOTAL = Provenance(file="县.xlsx", sheet="表1", cell="G60")


def test_self_score_is_compared_at_its_own_cell_within_a_cent(scheme):
    """#12 item 5: the problem points at the 自评分 cell; 0.01 apart is agreement."""
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.1": Value.of(50, CELL)})
    sub = attrs.evolve(
        sub,
        self_scores={"1.1": D("6"), "1.2": D("4.01")},
        self_score_sources={"1.1": SELF},
        self_total=D("100.01"),
        self_total_source=TOTAL,
    )
    a = score(scheme, make_targets(["1"], scheme), [sub])
    assert a.result("1").total == D("97.00")
    problems = check_self_scores(a)
    assert [(p.indicator, p.cell) for p in problems] == [("1.1", "G8"), (None, "G60")]
    ok = attrs.evolve(sub, self_scores={"1.1": D("3.01")}, self_total=D("96.99"))
    assert check_self_scores(score(scheme, make_targets(["1"], scheme), [ok])) == []


def test_self_score_only_on_scored_indicators(scheme):
    """A 自评分 beside a 不考核 or 缺报 indicator is not compared with a score it never had."""
    alloc = {**full_allocation(scheme), "1.1": None}
    targets = attrs.evolve(make_targets(["1"], scheme), allocations={"1": alloc})
    sub = make_submission(scheme, "1", full_allocation(scheme), **{"1.2": Value.missing(CELL)})
    sub = attrs.evolve(sub, self_scores={"1.1": D("6"), "1.2": D("4")})
    assert check_self_scores(score(scheme, targets, [sub])) == []


def test_self_total_is_compared_before_the_province_deductions(scheme):
    """The county scores its indicators and bonus; 督查 deductions are the province's, not its."""
    sub = attrs.evolve(make_submission(scheme, "1", full_allocation(scheme)), self_total=D("100"))
    a = score(scheme, make_targets(["1"], scheme), [sub], findings=[Finding("1", "criticized-by-province")])
    assert a.result("1").total == D("98.00")
    assert check_self_scores(a) == []


def test_lateness_found_twice_from_the_same_facts_is_said_once(scheme):
    """The pipeline may compute 6.2 before scoring does, from the same deadline: one late-submission."""
    sub = attrs.evolve(_without_dates(scheme), submitted_on=dt.date(2008, 1, 14))
    pre, first = apply_deadline(scheme, sub, dt.date(2008, 1, 10))
    a = score(scheme, make_targets(["1"], scheme), [pre])  # the targets carry the same deadline
    assert sorted(p.code for p in first) == ["late-submission", "lateness-claim-ignored"]
    assert [p.code for p in a.problems if p.code.startswith("late")] == []
    assert a.result("1").total == D(98)
