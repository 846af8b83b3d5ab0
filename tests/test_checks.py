"""Checks between reading and scoring."""

import datetime as dt
from decimal import Decimal as D

import attrs
from conftest import full_allocation, make_submission, make_targets

from minsheng import Finding, Provenance, Reporter, Value, score
from minsheng.checks import apply_deadline, check_outliers, check_self_scores, check_submission

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


def test_deadline_fills_days_late(scheme):
    sub = make_submission(scheme, "1", full_allocation(scheme))
    values = {k: v for k, v in sub.values.items() if k != "6.2"}
    sub = attrs.evolve(sub, values=values, reporter=Reporter(date=dt.date(2008, 1, 14)))
    out, problems = apply_deadline(scheme, sub, dt.date(2008, 1, 10))
    assert out.values["6.2"].amount == D(4)
    assert [p.code for p in problems] == ["late-submission"]
    on_time, problems = apply_deadline(
        scheme, attrs.evolve(sub, submitted_on=dt.date(2008, 1, 9)), dt.date(2008, 1, 10)
    )
    assert on_time.values["6.2"].amount == 0 and problems == []
    # a reported 6.2 is kept; no deadline changes nothing
    kept, _ = apply_deadline(
        scheme, attrs.evolve(sub, values={**values, "6.2": Value.of(1)}), dt.date(2008, 1, 10)
    )
    assert kept.values["6.2"].amount == 1
    assert apply_deadline(scheme, sub, None) == (sub, [])


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
